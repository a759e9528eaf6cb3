// Preloaded (`--import`) into a bench process by alloc-profile.ts. The first SIGUSR2 starts V8's
// sampling heap profiler, counting objects the collector has already freed too (so the profile
// shows what a request allocates, not only what it keeps); the second stops it and writes the
// profile to ALLOC_PROFILE_FILE. ALLOC_MODE=promoted leaves out what young-generation collections
// freed, so the profile holds what outlived them (promoted to the old generation, whose
// collections then have to mark it); ALLOC_MODE=retained holds only what is alive at the stop.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const session = new Session();
session.connect();
let sampling = false;
process.on('SIGUSR2', () => {
  if (!sampling) {
    sampling = true;
    const mode = process.env.ALLOC_MODE ?? 'all';
    session.post('HeapProfiler.startSampling', {
      samplingInterval: 512,
      includeObjectsCollectedByMajorGC: mode !== 'retained',
      includeObjectsCollectedByMinorGC: mode === 'all',
    });
    return;
  }
  // In promoted mode, stop just after a young-generation collection: what it left in the young
  // generation has outlived one already, and nothing younger is counted.
  if (process.env.ALLOC_MODE !== 'promoted') return stop();
  const observer = new PerformanceObserver((list) => {
    if (!list.getEntries().some((e) => e.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)) return;
    observer.disconnect();
    stop();
  });
  observer.observe({ entryTypes: ['gc'] });
});

function stop() {
  session.post('HeapProfiler.stopSampling', (err, result) => {
    if (err) throw err;
    writeFileSync(process.env.ALLOC_PROFILE_FILE, JSON.stringify(result.profile));
    process.stdout.write('ALLOC_PROFILE_WRITTEN\n');
  });
}
