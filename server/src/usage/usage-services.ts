import { randomBytes } from 'node:crypto';
import type { Logger } from '@switchyard/spec';
import type { Db } from '../db/connect';
import { AnalyticsService } from './analytics/analytics-service';
import { Retention } from './retention';
import { RollupState } from './rollup-state';
import type { ObservabilitySettings } from './settings';
import { UsageRecorder } from './usage-recorder';
import { UsageWriter } from './usage-writer';

/** A gateway process's id in rollup rows and on the live feed; new at every start. */
export function newInstanceId(): string {
  return `gw_${randomBytes(6).toString('hex')}`;
}

export interface UsageServices {
  instanceId: string;
  recorder: UsageRecorder;
  analytics: AnalyticsService;
  retention: Retention;
  db: Db;
  start(): void;
  /** Writes what is queued and stops the timers. */
  close(): Promise<void>;
}

export function createUsageServices(options: { db: Db; logger: Logger; settings: ObservabilitySettings; instanceId: string }): UsageServices {
  const { db, logger, settings, instanceId } = options;
  const writer = new UsageWriter(db, new RollupState(instanceId));
  const recorder = new UsageRecorder(writer, { batchSize: settings.usageBatchSize, flushIntervalMs: settings.usageFlushMs, capacity: settings.usageQueueMax, logger });
  const retention = new Retention(db, settings.retention, logger);
  return {
    instanceId,
    recorder,
    analytics: new AnalyticsService(db),
    retention,
    db,
    start() {
      recorder.start();
      retention.start(settings.purgeIntervalMs);
    },
    async close() {
      await retention.stop();
      await recorder.close();
    },
  };
}
