import path from 'node:path';
import type { Logger } from '@switchyard/spec';
import { recoverJournals } from '../../journal/journal-recovery';
import { LocalJournal } from '../../journal/local-journal';
import type { LeaseChargeInput, LeaseChargeResult } from './lease-ops';
import type { LedgerWriter } from './ledger-batch';

/** Charges decided against credit leases and not yet in the database: one folder per running gateway. */
export function chargeJournalDir(dataDir: string): string {
  return path.join(dataDir, 'charge-journal');
}

/**
 * Rank 1: within a turn, written after the usage journal (rank 0), so a process killed between
 * the two writes leaves no charge without its usage event (journal-turn.ts).
 */
const CHARGE_JOURNAL_TURN_RANK = 1;

export function openChargeJournal(dataDir: string, instanceId: string, logger: Logger): LocalJournal<LeaseChargeInput> {
  return LocalJournal.open<LeaseChargeInput>(chargeJournalDir(dataDir), instanceId, logger, { turnRank: CHARGE_JOURNAL_TURN_RANK });
}

/**
 * Writes the charges that gateways killed on this machine decided but had not written. Each is
 * written at most once: its settlement id was chosen before the answer left, and a charge whose
 * settlement is stored already is skipped. Run before expired holds are returned, so a dead
 * instance's charges still find its leases open.
 */
export function recoverCharges(options: { dataDir: string; instanceId: string; ledger: LedgerWriter; logger: Logger }): Promise<number> {
  const { ledger } = options;
  return recoverJournals<LeaseChargeInput>({
    baseDir: chargeJournalDir(options.dataDir),
    instanceId: options.instanceId,
    logger: options.logger,
    noun: 'charges',
    label: 'charge journal',
    async store(charges) {
      const results = await Promise.all(charges.map((c) => ledger.submit(c.accountId, { kind: 'lease-charge', input: { ...c, replayed: true } }) as Promise<LeaseChargeResult>));
      return results.filter((r) => !r.duplicate).length;
    },
  });
}
