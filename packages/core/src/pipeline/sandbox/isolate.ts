import type IsolatedVM from 'isolated-vm';

/*
 * User JavaScript in an isolated-vm isolate: its own V8 heap with a memory limit, no Node APIs,
 * no references to host objects. Values cross the boundary only as JSON strings, so nothing the
 * script does to what it received can reach the host's objects or prototypes.
 *
 * One isolate per script (compiled once), a fresh context per run (no state leaks between
 * requests), rebuilt if the memory limit killed it. Runs on one isolate are serialized by V8.
 */

export interface ScriptLimits {
  /** Heap limit of the isolate (isolated-vm's minimum is 8). */
  memoryMb: number;
  /** Execution time of one run inside the isolate (terminated past it). */
  cpuTimeoutMs: number;
  /** Time from asking to run to the answer, waiting for the isolate included. */
  wallTimeoutMs: number;
  /** Size of the JSON the script hands back. */
  maxOutputBytes: number;
}

export type ScriptFailure = 'timeout' | 'memory' | 'threw' | 'output_too_large' | 'unavailable';

export class ScriptError extends Error {
  override name = 'ScriptError';

  constructor(
    readonly failure: ScriptFailure,
    message: string,
  ) {
    super(message);
  }
}

export class ScriptCompileError extends Error {
  override name = 'ScriptCompileError';
}

export interface ScriptRunOutput {
  /** What the user code returned (JSON-able), or null. */
  result: unknown;
  /** The `request` argument after the user code ran (it may have changed it). */
  request: unknown;
  logs: string[];
}

const MAX_LOGS = 20;
const MAX_LOG_CHARS = 500;

type Ivm = typeof IsolatedVM;
let ivmModule: Promise<Ivm> | undefined;

/** isolated-vm crashes Node 20 unless the process runs with --no-node-snapshot: refuse instead. */
function snapshotDisabled(): boolean {
  return process.execArgv.includes('--no-node-snapshot') || (process.env.NODE_OPTIONS ?? '').split(/\s+/).includes('--no-node-snapshot');
}

export function loadIsolatedVm(): Promise<Ivm> {
  if (!snapshotDisabled()) {
    return Promise.reject(new ScriptError('unavailable', 'script nodes need Node started with --no-node-snapshot'));
  }
  ivmModule ??= import('isolated-vm').then((m) => ((m as { default?: Ivm }).default ?? (m as unknown as Ivm)));
  return ivmModule;
}

/** The user code becomes the body of a function of (request, context, console). */
function wrap(code: string, maxOutputBytes: number): string {
  return `(function () {
  const __input = JSON.parse(globalThis.__syInput);
  delete globalThis.__syInput;
  const __logs = [];
  const __show = (v) => { try { return typeof v === 'string' ? v : JSON.stringify(v); } catch (e) { return String(v); } };
  const __log = (...args) => { if (__logs.length < ${MAX_LOGS}) __logs.push(args.map(__show).join(' ').slice(0, ${MAX_LOG_CHARS})); };
  const console = { log: __log, info: __log, warn: __log, error: __log, debug: __log };
  const __result = (function (request, context, console) {
${code}
  })(__input.request, __input.context, console);
  const __out = JSON.stringify({ result: __result === undefined ? null : __result, request: __input.request, logs: __logs });
  if (typeof __out !== 'string') throw new Error('the script result cannot be turned into JSON');
  if (__out.length > ${maxOutputBytes}) throw new RangeError('__sy_output_too_large__');
  return __out;
})()`;
}

function stripProto(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

export class ScriptSandbox {
  private isolate: IsolatedVM.Isolate | undefined;
  private script: IsolatedVM.Script | undefined;
  private rebuilding: Promise<void> | undefined;
  private disposed = false;

  private constructor(
    private readonly ivm: Ivm,
    private readonly source: string,
    readonly limits: ScriptLimits,
  ) {}

  /** Compiles the script (syntax errors throw ScriptCompileError). */
  static async create(code: string, limits: ScriptLimits): Promise<ScriptSandbox> {
    const ivm = await loadIsolatedVm();
    const sandbox = new ScriptSandbox(ivm, wrap(code, limits.maxOutputBytes), limits);
    await sandbox.build();
    return sandbox;
  }

  private async build(): Promise<void> {
    const isolate = new this.ivm.Isolate({ memoryLimit: Math.max(8, this.limits.memoryMb) });
    try {
      this.script = await isolate.compileScript(this.source, { filename: 'pipeline-script.js' });
    } catch (err) {
      isolate.dispose();
      throw new ScriptCompileError((err as Error).message.replace(/\s*\[pipeline-script\.js:(\d+):(\d+)\]$/, (_, l, c) => ` (line ${Number(l) - 8}, column ${c})`));
    }
    this.isolate = isolate;
  }

  /** Rebuilds once after the isolate died (memory limit), shared by concurrent callers. */
  private async ready(): Promise<void> {
    if (this.disposed) throw new ScriptError('unavailable', 'the script sandbox was disposed');
    if (this.isolate && !this.isolate.isDisposed) return;
    this.rebuilding ??= this.build().finally(() => {
      this.rebuilding = undefined;
    });
    await this.rebuilding;
  }

  /** Runs the script once in a fresh context. Throws ScriptError on any failure. */
  async run(input: { request: unknown; context: unknown }): Promise<ScriptRunOutput> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wall = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ScriptError('timeout', `the script did not finish within ${this.limits.wallTimeoutMs} ms`)), this.limits.wallTimeoutMs);
    });
    wall.catch(() => {});
    const work = this.runOnce(JSON.stringify(input));
    work.catch(() => {});
    try {
      return await Promise.race([work, wall]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async runOnce(inputJson: string): Promise<ScriptRunOutput> {
    await this.ready();
    const isolate = this.isolate!;
    let context: IsolatedVM.Context | undefined;
    try {
      context = await isolate.createContext();
      await context.global.set('__syInput', inputJson);
      const out = (await this.script!.run(context, { timeout: this.limits.cpuTimeoutMs })) as unknown;
      if (typeof out !== 'string') throw new ScriptError('threw', 'the script wrapper was tampered with');
      if (Buffer.byteLength(out) > this.limits.maxOutputBytes) throw new ScriptError('output_too_large', `the script output is larger than ${this.limits.maxOutputBytes} bytes`);
      const parsed = JSON.parse(out, stripProto) as Partial<ScriptRunOutput>;
      return { result: parsed.result ?? null, request: parsed.request, logs: Array.isArray(parsed.logs) ? parsed.logs.map(String).slice(0, MAX_LOGS) : [] };
    } catch (err) {
      throw this.classify(err, isolate);
    } finally {
      if (context && !isolate.isDisposed) context.release();
    }
  }

  private classify(err: unknown, isolate: IsolatedVM.Isolate): ScriptError {
    if (err instanceof ScriptError) return err;
    const message = (err as Error)?.message ?? String(err);
    if (isolate.isDisposed || /memory limit/i.test(message)) return new ScriptError('memory', `the script ran out of memory (limit ${this.limits.memoryMb} MB)`);
    if (/timed out/i.test(message)) return new ScriptError('timeout', `the script ran longer than ${this.limits.cpuTimeoutMs} ms`);
    if (message.includes('__sy_output_too_large__')) return new ScriptError('output_too_large', `the script output is larger than ${this.limits.maxOutputBytes} bytes`);
    return new ScriptError('threw', `the script threw: ${message.slice(0, 300)}`);
  }

  dispose(): void {
    this.disposed = true;
    if (this.isolate && !this.isolate.isDisposed) this.isolate.dispose();
    this.isolate = undefined;
  }
}
