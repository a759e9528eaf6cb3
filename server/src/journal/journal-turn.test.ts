import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '@switchyard/spec';
import { openChargeJournal } from '../billing/ledger/charge-journal';
import type { LeaseChargeInput } from '../billing/ledger/lease-ops';
import { readJournal } from './journal-recovery';
import { journalsWritten, writeAtTurnEnd, writeTurn, type TurnBuffered } from './journal-turn';
import { LocalJournal } from './local-journal';

const quiet = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

let base: string;
beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), 'sy-turn-'));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe('the journal writes of one turn', () => {
  it('writes journals by rank, lowest first, whatever order they were dirtied in', () => {
    const order: string[] = [];
    const journal = (name: string, turnRank: number): TurnBuffered => ({ turnRank, writeBuffered: () => order.push(name) });
    const late = journal('rank 2', 2);
    const first = journal('rank 0', 0);
    const middle = journal('rank 1', 1);
    writeAtTurnEnd(late);
    writeAtTurnEnd(middle);
    writeAtTurnEnd(first);
    writeAtTurnEnd(late); // dirtied again in the same turn: still one write
    writeTurn();
    expect(order).toEqual(['rank 0', 'rank 1', 'rank 2']);
  });

  it('releases the answers waiting for the turn once every journal is written', async () => {
    const written: string[] = [];
    writeAtTurnEnd({ turnRank: 0, writeBuffered: () => written.push('journal') });
    const released = journalsWritten();
    expect(released).toBeInstanceOf(Promise);
    await released; // the end of the turn (setImmediate) writes and releases
    expect(written).toEqual(['journal']);
    expect(journalsWritten()).toBeUndefined();
  });

  it('puts a usage event on disk before the charge it explains, even when the charge was appended first', async () => {
    const usage = LocalJournal.open<{ requestId: string }>(path.join(base, 'usage-journal'), 'gw_a', quiet);
    const charges = openChargeJournal(base, 'gw_a', quiet);
    // What a process killed just before the charge journal's write would leave on disk.
    let usageOnDiskBeforeCharges: unknown[] | undefined;
    const writeCharges = charges.writeBuffered.bind(charges);
    charges.writeBuffered = () => {
      usageOnDiskBeforeCharges = readJournal<{ requestId: string }>(usage.dir);
      writeCharges();
    };

    const charge = { settlementId: 'stl_1', accountId: 'acc_1', leaseId: 'lease_1' } as unknown as LeaseChargeInput;
    charges.append(charge); // billing decides the charge when the attempt ends...
    usage.append({ requestId: 'req_1' }); // ...and usage is recorded as the request ends, in the same turn
    await journalsWritten();

    expect(usageOnDiskBeforeCharges).toEqual([{ requestId: 'req_1' }]);
    expect(readJournal<LeaseChargeInput>(charges.dir)).toEqual([charge]);
    usage.close();
    charges.close();
  });
});
