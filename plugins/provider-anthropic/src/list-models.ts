import type Anthropic from '@anthropic-ai/sdk';
import type { Capability, UpstreamModelInfo } from '@switchyard/plugin-kit';
import type { ModelInfo } from '@anthropic-ai/sdk/resources/models';

/** What every Messages model does; the rest comes from the model's own capability list when present. */
const BASE_CAPABILITIES: Capability[] = ['chat', 'streaming', 'tools', 'json'];

export function toUpstreamModel(model: ModelInfo): UpstreamModelInfo {
  const capabilities = [...BASE_CAPABILITIES];
  if (model.capabilities?.image_input?.supported) capabilities.push('vision');
  if (model.capabilities?.thinking?.supported) capabilities.push('reasoning');
  const created = Date.parse(model.created_at);
  return {
    id: model.id,
    ...(Number.isFinite(created) && created > 0 ? { created: Math.floor(created / 1000) } : {}),
    ownedBy: 'anthropic',
    capabilities,
  };
}

/** Every model on every page of GET /v1/models. */
export async function listModels(client: Anthropic, options: { signal: AbortSignal; timeout: number }): Promise<UpstreamModelInfo[]> {
  const out: UpstreamModelInfo[] = [];
  for await (const model of client.models.list({ limit: 1000 }, { signal: options.signal, timeout: options.timeout })) {
    out.push(toUpstreamModel(model));
  }
  return out;
}
