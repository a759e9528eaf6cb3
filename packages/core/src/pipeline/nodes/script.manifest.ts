import type { NodeTypeManifest } from '@switchyard/spec';
import { REQUEST_HANDLE } from '../format';
import { IN, handleIdSchema } from './schema-parts';

export const scriptManifest: NodeTypeManifest = {
  type: 'script',
  typeVersion: 1,
  title: 'Script',
  category: 'script',
  description:
    'Runs your JavaScript in a sandbox (no I/O, limited memory and time). It gets `request` (a copy, yours to change) and `context`, and may return a branch name or {branch, request}. See docs/pipelines.md.',
  paramsSchema: {
    type: 'object',
    required: ['code'],
    additionalProperties: false,
    properties: {
      code: { type: 'string', minLength: 1, maxLength: 100_000, 'x-ui': { widget: 'code', language: 'javascript', order: 1 } },
      branches: {
        type: 'array',
        maxItems: 16,
        items: {
          type: 'object',
          required: ['id'],
          additionalProperties: false,
          properties: { id: handleIdSchema, label: { type: 'string', maxLength: 80 } },
        },
        description: 'Named outputs the script can choose besides "next".',
        'x-ui': { widget: 'branches', order: 2 },
      },
      memoryMb: { type: 'integer', minimum: 8, maximum: 128, default: 16, 'x-ui': { order: 3 } },
      cpuTimeoutMs: { type: 'integer', minimum: 1, maximum: 5_000, default: 50, 'x-ui': { order: 4 } },
      wallTimeoutMs: { type: 'integer', minimum: 1, maximum: 10_000, default: 250, 'x-ui': { order: 5 } },
      maxOutputBytes: { type: 'integer', minimum: 1024, maximum: 4_194_304, default: 262_144, 'x-ui': { order: 6 } },
    },
  },
  inputs: IN,
  outputs: [
    { id: 'next', label: 'Next', type: REQUEST_HANDLE },
    { id: 'branches', label: 'Branch', type: REQUEST_HANDLE, repeat: 'branches' },
  ],
};
