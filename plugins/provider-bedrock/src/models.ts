import type { Capability, UpstreamModelInfo } from '@switchyard/plugin-kit';
import { embeddingFamily } from './embeddings';
import { imageFamily } from './images';
import { isAnthropicModel } from './inference';

/**
 * Bedrock Runtime has no call that lists models (that lives in the separate control-plane
 * API, under other permissions), so the list is the operator's: the models declared in the
 * settings, with capabilities inferred from the model family. Nothing is fetched.
 */
export function declaredModels(models: string[]): UpstreamModelInfo[] {
  return models.map((id) => ({ id, ownedBy: vendorOf(id), capabilities: capabilitiesOf(id) }));
}

function vendorOf(id: string): string {
  const base = id.replace(/^arn:aws[^/]*\//, '').replace(/^(us|eu|apac|global|us-gov)\./, '');
  const vendor = base.split('.')[0];
  return vendor && vendor !== base ? vendor : 'bedrock';
}

function capabilitiesOf(id: string): Capability[] {
  if (embeddingFamily(id)) return ['embeddings'];
  if (imageFamily(id)) return ['images'];
  const caps: Capability[] = ['chat', 'streaming', 'tools', 'json'];
  if (isAnthropicModel(id)) caps.push('vision', 'reasoning');
  return caps;
}
