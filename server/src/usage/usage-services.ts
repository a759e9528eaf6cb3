import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '@switchyard/spec';
import type { Db } from '../db/connect';
import { AnalyticsService } from './analytics/analytics-service';
import { Retention } from './retention';
import { RollupState } from './rollup-state';
import type { ObservabilitySettings } from './settings';
import { LocalJournal } from '../journal/local-journal';
import { recoverJournals } from './usage-journal-recovery';
import type { UsageJournalRecord } from './charge-notice';
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

/** How often journals that killed gateways left behind are looked for. */
const RECOVERY_SWEEP_MS = 5_000;

/** Where usage journals live: one folder per running gateway (see LocalJournal). */
export function journalBaseDir(dataDir: string): string {
  return path.join(dataDir, 'usage-journal');
}

/**
 * `dataDir` enables the usage journal (unless settings turn it off): accepted events are kept on
 * local disk until stored, and journals left by gateways killed on this machine are stored by a
 * sweep at start and every few seconds.
 */
export function createUsageServices(options: { db: Db; logger: Logger; settings: ObservabilitySettings; instanceId: string; dataDir?: string }): UsageServices {
  const { db, logger, settings, instanceId } = options;
  const writer = new UsageWriter(db, new RollupState(instanceId));
  const baseDir = options.dataDir && settings.usageJournal ? journalBaseDir(options.dataDir) : undefined;
  // Rank 0: written before the charge journal in each turn (journal-turn.ts).
  const journal = baseDir ? LocalJournal.open<UsageJournalRecord>(baseDir, instanceId, logger, { turnRank: 0 }) : undefined;
  const recorder = new UsageRecorder(writer, { batchSize: settings.usageBatchSize, flushIntervalMs: settings.usageFlushMs, capacity: settings.usageQueueMax, logger, journal });
  const retention = new Retention(db, settings.retention, logger);
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<unknown> | undefined;
  const sweep = () => {
    if (!baseDir || sweeping) return;
    sweeping = recoverJournals({ baseDir, instanceId, db, writer: { write: (events) => recorder.writeExclusive(events) }, logger })
      .catch((err: Error) => logger.error({ err: err.message }, 'usage journal: recovery sweep failed'))
      .finally(() => (sweeping = undefined));
  };
  return {
    instanceId,
    recorder,
    analytics: new AnalyticsService(db),
    retention,
    db,
    start() {
      recorder.start();
      retention.start(settings.purgeIntervalMs);
      if (baseDir) {
        sweep();
        sweepTimer = setInterval(sweep, RECOVERY_SWEEP_MS);
        sweepTimer.unref();
      }
    },
    async close() {
      if (sweepTimer) clearInterval(sweepTimer);
      await sweeping;
      await retention.stop();
      await recorder.close();
    },
  };
}
