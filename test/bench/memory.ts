import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Child } from './child';

const MB = 1024 * 1024;

/** Resident memory of a process, in bytes: /proc/<pid>/status VmRSS on Linux, `ps -o rss=` elsewhere. */
export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // no /proc (macOS): ask ps
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}

export const toMB = (bytes: number) => bytes / MB;

/** process.memoryUsage() of a child, and with --expose-gc the heap still used after a full collection. */
export interface HeapStats extends NodeJS.MemoryUsage {
  liveHeap?: number;
}

/**
 * The V8 heap of a child that answers SIGUSR2 with a `STATS {process.memoryUsage()}` line
 * (gateway-full-process.ts); undefined when it does not answer within a second.
 */
export function heapStats(child: Child): Promise<HeapStats | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(undefined);
    }, 1000);
    const off = child.onLine((line) => {
      const m = /^STATS (\{.*\})$/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      off();
      resolve(JSON.parse(m[1]) as HeapStats);
    });
    child.process.kill('SIGUSR2');
  });
}
