import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { addCredit } from '../../server/src/billing/ledger/credits';
import { createLedgerWriter } from '../../server/src/billing/ledger/ledger-batch';
import { LeaseBook } from '../../server/src/billing/ledger/leases';
import { openTestDatabase } from '../support/test-database';

/**
 * `node --no-node-snapshot --import tsx test/bench/ledger-window.ts`: what one window of credit-lease
 * charges (N of them, default 28: about one 20 ms window at 1,400 requests/s) costs the main thread
 * when it is written, on SQLite as `npm start` runs it, with the gateway's ledger writer. ROUNDS
 * windows (default 500) after 50 of warm-up, nothing else in the process.
 *
 * Three views of the main thread, because they differ: event-loop busy time (what delays requests),
 * its own CPU time from /proc (utime + stime), and the time it was ready to run but waited for a
 * core (schedstat). Busy time above CPU time is the thread blocked inside a call.
 */
const N = Number(process.env.N ?? 28);
const ROUNDS = Number(process.env.ROUNDS ?? 500);
const quiet = { info() {}, warn() {}, error() {}, debug() {} } as never;
const details = { endpoint: 'chat', providerId: 'mock', modelId: 'gpt-4o-mini', upstreamModel: 'gpt-4o-mini', promptTokens: 10, completionTokens: 10, cachedTokens: 0, cacheWriteTokens: 0, images: 0, countedLocally: false, costUsd: 100 };

const mainThread = () => {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const [onCpuNs, waitingNs] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
  // utime and stime are fields 14 and 15 of stat, in clock ticks of 10 ms.
  return { cpuMs: (Number(stat[11]) + Number(stat[12])) * 10, onCpuMs: onCpuNs / 1e6, waitingMs: waitingNs / 1e6 };
};

const temp = await openTestDatabase('sqlite', 'sy-ledger-window-');
const db = temp.db;
// As billing-service.ts makes it on SQLite.
const ledger = createLedgerWriter(db, { lanes: 1, maxBatch: 256 });
const book = new LeaseBook({ db, ledger, logger: quiet, owner: 'gw_bench', sizing: () => ({ size: 10_000_000, idleMs: 600_000, ttlMs: 600_000 }) });
await addCredit(db, { accountId: 'user:bench', amount: 1e12, kind: 'topup' });

let n = 0;
let writeBusyMs = 0;
async function window(): Promise<void> {
  const reserved = await Promise.all(Array.from({ length: N }, () => book.reserve('user:bench', 50)));
  for (const r of reserved) if (r.ok) book.settle(r.lease, 50, { requestId: `req_${n++}`, attempt: 1, details, budgets: [], charged: 30, gross: 30, tokens: 20, now: Date.now() });
  const before = performance.eventLoopUtilization();
  await book.flush();
  writeBusyMs += performance.eventLoopUtilization(before).active;
}

for (let i = 0; i < 50; i++) await window();
writeBusyMs = 0;
const elu0 = performance.eventLoopUtilization();
const main0 = mainThread();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < ROUNDS; i++) await window();
const wallMs = performance.now() - t0;
const busyMs = performance.eventLoopUtilization(elu0).active;
const main1 = mainThread();
const cpu = process.cpuUsage(cpu0);
const per = (ms: number) => (ms / ROUNDS).toFixed(3);
console.log(`${N} charges a window, ${ROUNDS} windows; per window, in ms:`);
console.log(`  wall ${per(wallMs)}, process CPU (all threads) ${per((cpu.user + cpu.system) / 1000)}`);
console.log(`  main thread: event loop busy ${per(busyMs)} (the write ${per(writeBusyMs)}), its CPU ${per(main1.cpuMs - main0.cpuMs)} (on a core ${per(main1.onCpuMs - main0.onCpuMs)}, waiting for one ${per(main1.waitingMs - main0.waitingMs)})`);
console.log(`  main thread per charge: busy ${((busyMs * 1000) / ROUNDS / N).toFixed(1)} us, CPU ${(((main1.onCpuMs - main0.onCpuMs) * 1000) / ROUNDS / N).toFixed(1)} us`);
await book.close();
await temp.close();
