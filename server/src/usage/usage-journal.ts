import { LocalJournal } from '../journal/local-journal';
import type { UsageEvent } from './usage-event';

export { OWNER_FILE, type JournalOwner } from '../journal/local-journal';

/** The usage events a gateway accepted and has not stored yet (see LocalJournal). */
export type UsageJournal = LocalJournal<UsageEvent>;

export const UsageJournal = {
  open: (baseDir: string, instanceId: string, logger: Parameters<typeof LocalJournal.open>[2]): UsageJournal => LocalJournal.open<UsageEvent>(baseDir, instanceId, logger),
};
