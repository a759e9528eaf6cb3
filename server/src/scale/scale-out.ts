import type { Logger, PipelineStores } from '@switchyard/spec';
import type { BillingService } from '../billing/billing-service';
import type { Catalog } from '../catalog/catalog';
import type { InvalidationBus } from '../identity/invalidation-bus';
import type { PipelineService } from '../pipelines/pipeline-service';
import { ClusterChannel } from './cluster-channel';
import { failOpen } from './fail-open-stores';
import { shareBillingChanges, shareCatalogChanges, sharePipelineChanges } from './follow-changes';
import { RedisInvalidationBus } from './redis-invalidation-bus';
import { createRedisStores } from './redis-stores';

/**
 * What one instance needs to act as part of many (REDIS_URL set): shared pipeline stores, the
 * identity bus over Redis, and change notices for the catalog and pipelines.
 */
export interface ScaleOut {
  instanceId: string;
  stores: PipelineStores;
  identityBus: InvalidationBus;
  followCatalog(catalog: Catalog): void;
  followPipelines(pipelines: PipelineService): void;
  followBilling(billing: BillingService): void;
  close(): Promise<void>;
}

export async function startScaleOut(options: { redisUrl: string; prefix: string; logger: Logger }): Promise<ScaleOut> {
  // Imported here, not at the top: the gateway imports this module, and without REDIS_URL it
  // should not hold ioredis in memory.
  const { connectRedis } = await import('./redis-connection');
  const redis = connectRedis(options.redisUrl, { prefix: options.prefix, logger: options.logger });
  try {
    await redis.ready();
    const channel = new ClusterChannel(redis, options.logger);
    await channel.start();
    const stops: Array<() => void> = [];
    return {
      instanceId: channel.instanceId,
      stores: failOpen(createRedisStores(redis.commands, options.prefix), options.logger),
      identityBus: new RedisInvalidationBus(channel),
      followCatalog: (catalog) => stops.push(shareCatalogChanges(catalog, channel)),
      followPipelines: (pipelines) => stops.push(sharePipelineChanges(pipelines, channel)),
      followBilling: (billing) => stops.push(shareBillingChanges(billing, channel)),
      async close() {
        for (const stop of stops) stop();
        await channel.stop();
        await redis.close();
      },
    };
  } catch (err) {
    await redis.close();
    throw new Error(`cannot use Redis at REDIS_URL: ${(err as Error).message}`);
  }
}
