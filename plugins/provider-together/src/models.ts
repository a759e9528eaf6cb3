import type { UpstreamModelInfo } from '@switchyard/plugin-kit';
import type { OpenAI } from '@switchyard/plugin-kit/openai-compatible';

/** Together's model types, as the capabilities Switchyard knows. */
const CAPABILITIES: Record<string, UpstreamModelInfo['capabilities']> = {
  chat: ['chat', 'streaming'],
  language: ['chat', 'streaming'],
  code: ['chat', 'streaming'],
  embedding: ['embeddings'],
  image: ['images'],
};

interface TogetherModel {
  id?: unknown;
  created?: unknown;
  organization?: unknown;
  owned_by?: unknown;
  type?: unknown;
}

/**
 * Together answers GET /models with a bare JSON array (OpenAI's `{object: "list", data: [...]}`
 * is accepted too, for proxies that rewrap it); each model carries a `type`.
 */
export function readTogetherModels(body: unknown): UpstreamModelInfo[] {
  const list = Array.isArray(body) ? body : Array.isArray((body as { data?: unknown })?.data) ? (body as { data: unknown[] }).data : [];
  const models: UpstreamModelInfo[] = [];
  for (const raw of list as TogetherModel[]) {
    if (typeof raw?.id !== 'string') continue;
    const info: UpstreamModelInfo = { id: raw.id };
    if (typeof raw.created === 'number') info.created = raw.created;
    const owner = typeof raw.organization === 'string' ? raw.organization : raw.owned_by;
    if (typeof owner === 'string') info.ownedBy = owner;
    const capabilities = typeof raw.type === 'string' ? CAPABILITIES[raw.type] : undefined;
    if (capabilities) info.capabilities = capabilities;
    models.push(info);
  }
  return models;
}

export async function listTogetherModels(client: OpenAI, signal: AbortSignal): Promise<UpstreamModelInfo[]> {
  return readTogetherModels(await client.get('/models', { signal }));
}
