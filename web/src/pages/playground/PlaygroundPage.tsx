import { useState } from 'react';
import type { V1Model } from '../../api/billing';
import { api } from '../../api/client';
import { pipelineApi, type PipelineBinding } from '../../api/pipelines';
import { useResource } from '../../api/use-resource';
import { ErrorState, Loading } from '../../components/states';
import { ChatPanel } from './ChatPanel';
import type { PlaygroundModel } from './models';
import { EmbeddingsPanel, ImagesPanel } from './OtherPanels';

type Tab = 'chat' | 'images' | 'embeddings';

export function PlaygroundPage() {
  const [tab, setTab] = useState<Tab>('chat');
  const models = useResource((signal) => api<{ data: V1Model[] }>('/v1/models', { signal }));
  // Pipelines answer to the model names bound to them; they take every kind of request.
  const bindings = useResource((signal) => pipelineApi.allBindings(signal).catch(() => ({ data: [] as PipelineBinding[] })));
  if (models.loading) return <Loading what="Loading models" />;
  if (models.error) return <ErrorState error={models.error} retry={models.reload} />;
  const pipelines: PlaygroundModel[] = (bindings.data?.data ?? []).filter((b) => b.kind === 'alias').map((b) => ({ id: b.subject, kind: 'pipeline' }));
  const withCap = (cap: string): PlaygroundModel[] => {
    const all = models.data!.data;
    const tagged = all.filter((m) => m.capabilities?.includes(cap));
    return [...(tagged.length ? tagged : all).map((m) => ({ id: m.id, kind: 'model' as const, pricing: m.pricing })), ...pipelines];
  };
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Playground</h1>
          <p className="muted">Requests go through /v1 as you, like any client's: they are routed, billed and recorded.</p>
        </div>
        <div role="tablist" aria-label="Playground mode" className="tabs">
          {(['chat', 'images', 'embeddings'] as const).map((t) => (
            <button key={t} role="tab" type="button" aria-selected={tab === t} className={tab === t ? 'tab active' : 'tab'} onClick={() => setTab(t)}>
              {t[0].toUpperCase() + t.slice(1)}
            </button>
          ))}
        </div>
      </header>
      {tab === 'chat' && <ChatPanel models={withCap('chat')} />}
      {tab === 'images' && <ImagesPanel models={withCap('images')} />}
      {tab === 'embeddings' && <EmbeddingsPanel models={withCap('embeddings')} />}
    </div>
  );
}
