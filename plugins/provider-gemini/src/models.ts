import type { Model as GeminiModel } from '@google/genai';
import type { Capability, UpstreamModelInfo } from '@switchyard/plugin-kit';

/**
 * One entry of Gemini's model list (the SDK names supportedGenerationMethods `supportedActions`)
 * as the gateway's model info. Capabilities follow from the methods a model supports;
 * `thinking: true` marks reasoning models.
 */
export function toModelInfo(model: GeminiModel): UpstreamModelInfo {
  const id = (model.name ?? '').replace(/^models\//, '');
  const actions = new Set(model.supportedActions ?? []);
  const capabilities: Capability[] = [];
  if (actions.has('generateContent')) capabilities.push('chat', 'streaming', 'tools', 'vision', 'json');
  if (actions.has('generateContent') && model.thinking) capabilities.push('reasoning');
  if (actions.has('embedContent') || actions.has('batchEmbedContents')) capabilities.push('embeddings');
  if (actions.has('predict')) capabilities.push('images');
  return { id, ownedBy: 'google', capabilities };
}
