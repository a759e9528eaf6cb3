import { defineNodeType, defineSchema, rewriteStreamText, type ChatCompletion, type NodeOutcome, type Role, type SchemaValue } from '@switchyard/plugin-kit';
import { BUILTIN_DETECTORS, detectorsFor, type Detector } from './detectors';
import { Pseudonymizer } from './pseudonymizer';
import { redactRequest } from './request';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

export const paramsSchema = defineSchema({
  type: 'object',
  additionalProperties: false,
  properties: {
    detect: {
      type: 'array',
      title: 'What to redact',
      items: { enum: BUILTIN_DETECTORS },
      uniqueItems: true,
      default: [...BUILTIN_DETECTORS],
      'x-ui': {
        order: 1,
        widget: 'checkboxes',
        labels: { email: 'Email addresses', phone: 'Phone numbers', 'credit-card': 'Card numbers (Luhn-checked)', iban: 'IBANs (checksum-checked)', ipv4: 'IPv4 addresses', 'us-ssn': 'US social security numbers' },
      },
    },
    custom: {
      type: 'array',
      title: 'Your own patterns',
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['label', 'pattern'],
        properties: {
          label: { type: 'string', title: 'Label', pattern: '^[A-Z][A-Z0-9]{0,23}$', 'x-ui': { placeholder: 'EMPLOYEE_ID', help: 'Upper case; placeholders read [LABEL_1].' } },
          pattern: { type: 'string', title: 'Regular expression', minLength: 1, maxLength: 500, format: 'sy-regex', 'x-ui': { placeholder: 'EMP-\\d{6}' } },
        },
      },
      'x-ui': { order: 2, help: 'Checked before the built-in kinds.' },
    },
    roles: {
      type: 'array',
      title: 'Messages to redact',
      items: { enum: ROLES },
      uniqueItems: true,
      default: [...ROLES],
      'x-ui': { order: 3, widget: 'checkboxes', advanced: true },
    },
    restore: {
      type: 'boolean',
      title: 'Put the original values back in the answer',
      default: true,
      'x-ui': { order: 4, help: 'The model sees only placeholders; your users see their own data in the reply (text and tool call arguments).' },
    },
  },
});

export type PiiRedactParams = SchemaValue<typeof paramsSchema>;

interface Prepared {
  detectors: Detector[];
  roles: ReadonlySet<Role>;
  restore: boolean;
}

function restoreCompletion(body: ChatCompletion, p: Pseudonymizer): ChatCompletion {
  return {
    ...body,
    choices: body.choices.map((choice) => {
      const message = { ...choice.message };
      if (typeof message.content === 'string') message.content = p.restore(message.content);
      if (message.tool_calls) {
        message.tool_calls = message.tool_calls.map((call) => ({ ...call, function: { ...call.function, arguments: p.restoreInJson(call.function.arguments) } }));
      }
      return { ...choice, message };
    }),
  };
}

function restoreOutcome(outcome: NodeOutcome, p: Pseudonymizer): NodeOutcome {
  if (outcome.kind === 'stream') return { ...outcome, stream: rewriteStreamText(outcome.stream, () => p.streamRestorer()) };
  if ((outcome.body as Partial<ChatCompletion>).object !== 'chat.completion') return outcome;
  return { ...outcome, body: restoreCompletion(outcome.body as ChatCompletion, p) };
}

export const piiRedactNode = defineNodeType({
  type: 'pii.redact',
  title: 'Redact personal data',
  category: 'transform',
  description: 'Replaces emails, phone numbers, card numbers, IBANs, IPs, SSNs and your own patterns with placeholders before the request goes on, and puts the originals back in the answer.',
  paramsSchema,
  prepare(params): Prepared {
    return {
      detectors: detectorsFor(params.detect ?? BUILTIN_DETECTORS, params.custom ?? []),
      roles: new Set(params.roles ?? ROLES),
      restore: params.restore ?? true,
    };
  },
  async execute(ctx) {
    const p = new Pseudonymizer(ctx.state.detectors);
    const body = redactRequest(ctx.kind, ctx.body, ctx.state.roles, p);
    // Counts only: the values themselves never reach the trace or the log.
    const summary = Object.entries(p.summary()).map(([label, n]) => `${label.toLowerCase()} ${n}`);
    ctx.decide(p.size === 0 ? 'nothing to redact' : `redacted ${p.size} (${summary.join(', ')})`);
    const outcome = await ctx.next('next', { body });
    return ctx.state.restore && p.size > 0 ? restoreOutcome(outcome, p) : outcome;
  },
});
