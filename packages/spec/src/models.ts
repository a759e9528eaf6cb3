export type Capability = 'chat' | 'embeddings' | 'images' | 'tools' | 'vision' | 'json' | 'reasoning' | 'streaming';

export interface Model {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface ModelList {
  object: 'list';
  data: Model[];
}

/** What a provider reports about one of its upstream models. */
export interface UpstreamModelInfo {
  id: string;
  created?: number;
  ownedBy?: string;
  capabilities?: Capability[];
}
