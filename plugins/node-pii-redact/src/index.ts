import { defineNodePlugin } from '@switchyard/plugin-kit';
import { piiRedactNode } from './node-type';

export default defineNodePlugin({
  manifest: {
    id: 'pii-redact',
    kind: 'node',
    version: '0.1.0',
    hostRange: '^0.1.0',
    name: 'PII redaction',
    description: 'A pipeline node that keeps personal data away from upstream providers.',
  },
  nodeTypes: [piiRedactNode],
});

export { piiRedactNode, paramsSchema } from './node-type';
export type { PiiRedactParams } from './node-type';
export { Pseudonymizer } from './pseudonymizer';
export { BUILTIN_DETECTORS, detectorsFor, ibanValid, luhnValid } from './detectors';
