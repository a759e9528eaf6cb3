import { afterEach, describe, expect, it } from 'vitest';
import { ScriptCompileError, ScriptError, ScriptSandbox, type ScriptLimits } from './isolate';

const limits: ScriptLimits = { memoryMb: 16, cpuTimeoutMs: 100, wallTimeoutMs: 2000, maxOutputBytes: 64 * 1024 };
const open: ScriptSandbox[] = [];

async function sandbox(code: string, over: Partial<ScriptLimits> = {}): Promise<ScriptSandbox> {
  const s = await ScriptSandbox.create(code, { ...limits, ...over });
  open.push(s);
  return s;
}

const input = { request: { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, context: { kind: 'chat' } };

async function failure(p: Promise<unknown>): Promise<ScriptError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ScriptError);
    return err as ScriptError;
  }
  throw new Error('expected the script to fail');
}

afterEach(() => {
  while (open.length) open.pop()!.dispose();
});

describe('script sandbox', () => {
  it('runs code against a copy of the request and returns its result', async () => {
    const s = await sandbox('request.temperature = 0.1; console.log("tier", context.kind, {a: 1}); return "vip";');
    const out = await s.run(input);
    expect(out.result).toBe('vip');
    expect(out.request).toEqual({ ...input.request, temperature: 0.1 });
    expect(out.logs).toEqual(['tier chat {"a":1}']);
    expect(input.request).not.toHaveProperty('temperature');
  });

  it('reports syntax errors at compile time with the line', async () => {
    await expect(ScriptSandbox.create('const x = ;', limits)).rejects.toBeInstanceOf(ScriptCompileError);
    await expect(ScriptSandbox.create('\nconst = 1;', limits)).rejects.toThrow(/line 2/);
  });

  it('has no process, require, or host globals, even through constructors', async () => {
    const s = await sandbox(`
      const probes = {
        process: typeof process,
        require: typeof require,
        module: typeof module,
        buffer: typeof Buffer,
        fetch: typeof fetch,
        setTimeout: typeof setTimeout,
        ctorProcess: (() => { try { return typeof constructor.constructor('return process')(); } catch (e) { return 'threw ' + e.name; } })(),
        fnProcess: (() => { try { return typeof Function('return this')().process; } catch (e) { return 'threw ' + e.name; } })(),
        viaArg: (() => { try { return typeof request.constructor.constructor('return process')(); } catch (e) { return 'threw ' + e.name; } })(),
        globals: Object.getOwnPropertyNames(globalThis).filter((k) => /^(process|require|global|Buffer|__.*)$/.test(k)),
      };
      return probes;`);
    const out = (await s.run(input)).result as Record<string, unknown>;
    expect(out).toEqual({
      process: 'undefined',
      require: 'undefined',
      module: 'undefined',
      buffer: 'undefined',
      fetch: 'undefined',
      setTimeout: 'undefined',
      ctorProcess: 'threw ReferenceError',
      fnProcess: 'undefined',
      viaArg: 'threw ReferenceError',
      globals: [],
    });
  });

  it('cannot tamper with the host through what it receives, or leak state into the next run', async () => {
    const s = await sandbox(`
      Object.prototype.polluted = 'yes';
      Array.prototype.push = function () { return 'hijacked'; };
      request.__proto__.hacked = true;
      request.messages.constructor.prototype.evil = 1;
      globalThis.leftover = (globalThis.leftover || 0) + 1;
      return { branch: 'next', request: JSON.parse('{"model":"m","messages":[],"__proto__":{"admin":true}}'), seen: globalThis.leftover };
    `);
    const first = await s.run(input);
    const second = await s.run(input);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).hacked).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).evil).toBeUndefined();
    const arr: number[] = [];
    expect(arr.push(1)).toBe(1);
    const returned = (first.result as { request: Record<string, unknown> }).request;
    expect(Object.getPrototypeOf(returned)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(returned, '__proto__')).toBe(false);
    expect((returned as { admin?: boolean }).admin).toBeUndefined();
    // A fresh context per run: the second run starts clean.
    expect((second.result as { seen: number }).seen).toBe(1);
  });

  it('stops an infinite loop and stays usable', async () => {
    const s = await sandbox('if (context.kind === "loop") { for (;;) {} } return "done";', { cpuTimeoutMs: 50 });
    const err = await failure(s.run({ ...input, context: { kind: 'loop' } }));
    expect(err.failure).toBe('timeout');
    expect((await s.run(input)).result).toBe('done');
  });

  it('stops a memory bomb without hurting the process, then rebuilds the isolate', async () => {
    const s = await sandbox('if (context.kind === "bomb") { const a = []; for (;;) a.push(new Array(100000).fill(Math.random())); } return "alive";', {
      memoryMb: 8,
      cpuTimeoutMs: 5000,
      wallTimeoutMs: 10_000,
    });
    const err = await failure(s.run({ ...input, context: { kind: 'bomb' } }));
    expect(err.failure).toBe('memory');
    expect((await s.run(input)).result).toBe('alive');
  });

  it('refuses huge outputs', async () => {
    const s = await sandbox('return "x".repeat(200000);', { maxOutputBytes: 4096 });
    expect((await failure(s.run(input))).failure).toBe('output_too_large');
  });

  it('refuses huge outputs even when JSON.stringify is replaced', async () => {
    const s = await sandbox('const big = "y".repeat(100000); JSON.stringify = () => big; return 1;', { maxOutputBytes: 4096 });
    const err = await failure(s.run(input));
    expect(['output_too_large', 'threw']).toContain(err.failure);
  });

  it('reports a thrown error', async () => {
    const s = await sandbox('throw new Error("nope")');
    const err = await failure(s.run(input));
    expect(err.failure).toBe('threw');
    expect(err.message).toContain('nope');
  });

  it('enforces the wall-clock limit while waiting for a busy isolate', async () => {
    const s = await sandbox('if (context.kind === "slow") { const end = Date.now() + 300; while (Date.now() < end) {} } return "ok";', {
      cpuTimeoutMs: 1000,
      wallTimeoutMs: 100,
    });
    const slow = s.run({ ...input, context: { kind: 'slow' } });
    const queued = s.run(input);
    expect((await failure(slow)).failure).toBe('timeout');
    expect((await failure(queued)).failure).toBe('timeout');
  });

  it('refuses to run after dispose', async () => {
    const s = await sandbox('return 1');
    s.dispose();
    expect((await failure(s.run(input))).failure).toBe('unavailable');
  });
});
