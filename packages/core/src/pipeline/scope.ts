import type { ChatCompletionRequest, PipelineInput, RequestBody, RequestKind } from '@switchyard/spec';
import { walk, type ValueScope } from './condition/evaluate';
import type { PathSegment } from './condition/parser';
import { maxOutputTokens, promptChars } from './tokens';

/*
 * The values conditions, templates and scripts can see: the request (as transformed so far),
 * metadata, headers, the caller's key and user, and the time. Credentials in headers are hidden.
 */

export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
]);

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface TimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: string;
  /** `YYYY-MM-DD` */
  date: string;
  /** `HH:MM` */
  time: string;
  timestamp: number;
}

export type TimeReader = (now: number) => TimeParts;

const pad = (n: number) => (n < 10 ? `0${n}` : String(n));

function parts(year: number, month: number, day: number, hour: number, minute: number, weekday: string, timestamp: number): TimeParts {
  return { year, month, day, hour, minute, weekday, date: `${year}-${pad(month)}-${pad(day)}`, time: `${pad(hour)}:${pad(minute)}`, timestamp };
}

/** Builds (once per node) a reader of the calendar in a time zone; UTC when none is given. */
export function createTimeReader(timeZone?: string): TimeReader {
  if (!timeZone || timeZone === 'UTC') {
    return (now) => {
      const d = new Date(now);
      return parts(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), WEEKDAYS[d.getUTCDay()], now);
    };
  }
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
  });
  return (now) => {
    const p: Record<string, string> = {};
    for (const part of fmt.formatToParts(now)) p[part.type] = part.value;
    return parts(Number(p.year), Number(p.month), Number(p.day), Number(p.hour), Number(p.minute), (p.weekday ?? '').slice(0, 3).toLowerCase(), now);
  };
}

/** Throws RangeError for a time zone the runtime does not know. */
export function checkTimeZone(timeZone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone });
}

const utcReader = createTimeReader();

const KEY_FIELDS = new Set(['id', 'method', 'userId', 'projectId', 'role', 'scopes', 'allowedModels', 'allowedPipelines', 'limits', 'attributes']);

/** One evaluation's view of a request. Cheap to create; the time is read only when asked for. */
export class RequestScope implements ValueScope {
  private timeParts: TimeParts | undefined;

  constructor(
    readonly input: PipelineInput,
    readonly body: RequestBody,
    readonly kind: RequestKind,
    readonly stream: boolean,
    private readonly nowMs: number,
    private readonly readTime: TimeReader = utcReader,
    /** Template variables (`vars.x`, or a bare name). */
    private readonly vars?: Record<string, unknown>,
  ) {}

  lookup(root: string, segs: readonly PathSegment[]): unknown {
    switch (root) {
      case 'model':
        return walk((this.body as { model?: unknown }).model, segs);
      case 'params':
        return walk(this.body, segs);
      case 'metadata':
        return walk(this.metadata(), segs);
      case 'headers':
        return this.header(segs);
      case 'key':
        return this.keyField(segs);
      case 'user':
        return this.userField(segs);
      case 'time':
        this.timeParts ??= this.readTime(this.nowMs);
        return walk(this.timeParts, segs);
      case 'request':
        return this.requestField(segs);
      case 'vars':
        return walk(this.vars, segs);
      default:
        return undefined;
    }
  }

  metadata(): Record<string, unknown> | undefined {
    return this.input.metadata ?? (this.kind === 'chat' ? ((this.body as ChatCompletionRequest).metadata ?? undefined) : undefined);
  }

  private header(segs: readonly PathSegment[]): unknown {
    const headers = this.input.headers;
    if (segs.length === 0) return undefined; // the whole header map is not exposed
    if (!headers) return undefined;
    const name = String(segs[0]).toLowerCase();
    if (SENSITIVE_HEADERS.has(name) || !Object.prototype.hasOwnProperty.call(headers, name)) return undefined;
    const v = headers[name];
    return walk(Array.isArray(v) ? v.join(', ') : v, segs, 1);
  }

  private keyField(segs: readonly PathSegment[]): unknown {
    const p = this.input.principal;
    if (!p) return undefined;
    if (segs.length === 0) return p.id;
    const first = String(segs[0]);
    if (KEY_FIELDS.has(first)) return walk(p, segs);
    return walk(p.attributes, segs);
  }

  private userField(segs: readonly PathSegment[]): unknown {
    const user = this.input.user;
    const first = segs.length === 0 ? 'id' : String(segs[0]);
    if (first === 'id') {
      const id = (user && Object.prototype.hasOwnProperty.call(user, 'id') ? user.id : undefined) ?? this.input.principal?.userId;
      return segs.length <= 1 ? id : undefined;
    }
    return walk(user, segs);
  }

  private requestField(segs: readonly PathSegment[]): unknown {
    if (segs.length !== 1) return undefined;
    const body = this.body as ChatCompletionRequest;
    switch (segs[0]) {
      case 'kind':
        return this.kind;
      case 'stream':
        return this.stream;
      case 'messages':
        return this.kind === 'chat' ? (body.messages?.length ?? 0) : 0;
      case 'promptChars':
        return promptChars(this.kind, this.body);
      case 'maxTokens':
        return maxOutputTokens(this.kind, this.body);
      case 'hasTools':
        return this.kind === 'chat' && Array.isArray(body.tools) && body.tools.length > 0;
      case 'hasImages':
        return this.kind === 'chat' && (body.messages ?? []).some((m) => Array.isArray(m.content) && m.content.some((p) => p?.type === 'image_url'));
      default:
        return undefined;
    }
  }
}
