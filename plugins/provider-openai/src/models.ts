import type OpenAI from 'openai';
import type { UpstreamModelInfo } from '@switchyard/plugin-kit';
import { toGatewayError, type ErrorContext } from './errors';

export async function listUpstreamModels(client: OpenAI, signal: AbortSignal, errors: ErrorContext): Promise<UpstreamModelInfo[]> {
  try {
    const models: UpstreamModelInfo[] = [];
    for await (const model of client.models.list({ signal })) {
      const info: UpstreamModelInfo = { id: model.id };
      if (typeof model.created === 'number') info.created = model.created;
      if (typeof model.owned_by === 'string') info.ownedBy = model.owned_by;
      models.push(info);
    }
    return models;
  } catch (err) {
    throw toGatewayError(err, { ...errors, signal });
  }
}
