import { defineBillingPlugin, HOST_VERSION, type JsonSchema } from '@switchyard/plugin-kit';
import { valueOfEstimate, valueOfUsage } from './rates';

export { imagePrice, ratesFor, valueOfEstimate, valueOfUsage } from './rates';

export const settingsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    minimumPerRequest: {
      type: 'integer',
      minimum: 0,
      default: 0,
      title: 'Minimum charge per request (micro-credits)',
      'x-ui': { help: '1 credit = 1,000,000 micro-credits. 0 charges exactly the usage.' },
    },
  },
};

/**
 * The default billing rule: each token and image at the price card's rate (prompt, cached prompt,
 * cache write, output, embeddings, images, long-context rates), rounded up to a micro-credit.
 */
export default defineBillingPlugin({
  manifest: {
    id: 'token-rates',
    kind: 'billing',
    version: HOST_VERSION,
    hostRange: '^0.1.0',
    name: 'Token rates',
    description: 'Charges usage at the price card: per million input, cached, cache-write and output tokens, per embedding token, per image.',
    settingsSchema,
  },
  createRule(settings) {
    const minimum = Number(settings.minimumPerRequest ?? 0);
    return {
      // Token rates have no memory: settlements need not wait on each other.
      readsPeriodUsage: false,
      estimate: (input, ctx) => Math.max(minimum, valueOfEstimate(input, ctx.price, ctx.endpoint)),
      charge: (input, ctx) => Math.max(minimum, valueOfUsage(input, ctx.price, ctx.endpoint)),
    };
  },
});
