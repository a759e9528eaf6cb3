import type { BillingService } from '../billing/billing-service';
import type { Catalog } from '../catalog/catalog';
import type { PipelineService } from '../pipelines/pipeline-service';
import type { ClusterChannel } from './cluster-channel';

/**
 * Runs `work` for notices from other instances, one at a time, and coalesces a burst of
 * notices that arrive while it runs into one more run (every run reads the whole state).
 */
function coalesced(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await work();
        } while (again);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  return run;
}

/** Runs `reread` on the topic's notices, and after an outage of the subscription (notices were missed). */
function both(channel: ClusterChannel, topic: string, reread: () => Promise<void>): () => void {
  const stops = [channel.on(topic, reread), channel.onResync(reread)];
  return () => stops.forEach((stop) => stop());
}

/**
 * Providers, credentials and models: every change on this instance ends in `catalog.reload()`
 * (the admin routes call it), so a reload here tells the others to reload theirs.
 */
export function shareCatalogChanges(catalog: Catalog, channel: ClusterChannel): () => void {
  const reload = catalog.reload.bind(catalog);
  catalog.reload = async () => {
    await reload();
    channel.publish('catalog', {});
  };
  return both(channel, 'catalog', coalesced(reload));
}

/** Pipeline changes that alter what runs: the others bring their running versions and bindings in line. */
export function sharePipelineChanges(pipelines: PipelineService, channel: ClusterChannel): () => void {
  for (const name of ['publish', 'rollback', 'remove', 'setBindings', 'update'] as const) {
    const original = (pipelines[name] as (...args: unknown[]) => Promise<unknown>).bind(pipelines);
    (pipelines as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const result = await original(...args);
      channel.publish('pipelines', { change: name });
      return result;
    };
  }
  return both(channel, 'pipelines', coalesced(() => pipelines.refresh()));
}

/**
 * Billing settings, prices and budgets: every change ends in `billing.refresh()` (the admin
 * routes and updateSettings call it). The periodic refresh of the reconciliation timer goes
 * through it too, so each instance also announces one notice per interval; the others then
 * re-read three small tables, which is the price of not telling the two kinds of call apart.
 */
export function shareBillingChanges(billing: BillingService, channel: ClusterChannel): () => void {
  const refresh = billing.refresh.bind(billing);
  billing.refresh = async () => {
    await refresh();
    channel.publish('billing', {});
  };
  return both(channel, 'billing', coalesced(refresh));
}
