import { afterEach, describe, expect, it, vi } from 'vitest';
import { newId, newRequestId } from './ids';

afterEach(() => {
  vi.useRealTimers();
});

describe('newId', () => {
  it('gives a prefix, 12 hex digits of time and 12 url-safe characters, never the same twice across pool refills', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('x')); // ~44 refills of the byte pool
    for (const id of ids.slice(0, 100)) expect(id).toMatch(/^x_[0-9a-f]{12}[A-Za-z0-9_-]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('starts with the creation time, so later ids sort after earlier ones as text', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-29T19:00:00.000Z'));
    const earlier = newId('stl');
    expect(earlier.slice(4, 16)).toBe(Date.now().toString(16).padStart(12, '0'));
    vi.setSystemTime(new Date('2026-11-29T19:00:00.001Z'));
    const later = Array.from({ length: 50 }, () => newId('stl'));
    for (const id of later) {
      expect(id > earlier).toBe(true);
      // A locale's order agrees (PostgreSQL compares text with the database's collation).
      expect(earlier.localeCompare(id, 'en-US')).toBe(-1);
    }
  });
});

describe('the time in an id', () => {
  it('is the milliseconds in 12 hex digits on both sides of a change of its upper half', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const boundary = 0x19ad2 * 0x1000000; // a multiple of 2^24, in 2025
    for (const ms of [boundary - 1, boundary, boundary + 5, 0x1000000 * 0xfffff + 0xabcdef]) {
      vi.setSystemTime(ms);
      expect(newId('x').slice(2, 14)).toBe(ms.toString(16).padStart(12, '0'));
    }
    vi.setSystemTime(boundary - 1);
    const before = newRequestId();
    vi.setSystemTime(boundary);
    expect(newRequestId() > before).toBe(true);
  });
});

describe('newRequestId', () => {
  it('is req_ and 32 hex digits, the time first, and unique', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-29T19:00:00.000Z'));
    const ids = Array.from({ length: 5_000 }, () => newRequestId());
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(ids[0].slice(4, 16)).toBe(Date.now().toString(16).padStart(12, '0'));
    expect(new Set(ids).size).toBe(ids.length);
    vi.setSystemTime(new Date('2026-11-29T19:00:00.002Z'));
    expect(ids.every((id) => newRequestId() > id)).toBe(true);
  });
});
