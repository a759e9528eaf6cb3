import { useState } from 'react';
import { api } from '../../api/client';
import type { ModelView } from '../../api/types';
import { useResource } from '../../api/use-resource';
import { ErrorState, Loading } from '../../components/states';
import { ChatPanel } from './ChatPanel';
import { EmbeddingsPanel, ImagesPanel } from './OtherPanels';

type Tab = 'chat' | 'images' | 'embeddings';

export function PlaygroundPage() {
  const [tab, setTab] = useState<Tab>('chat');
  const models = useResource((signal) => api<{ data: Array<{ id: string }> }>('/v1/models', { signal }));
  const catalog = useResource((signal) => api<{ data: ModelView[] }>('/api/models', { signal }).catch(() => ({ data: [] as ModelView[] })));
  if (models.loading) return <Loading what="Loading models" />;
  if (models.error) return <ErrorState error={models.error} retry={models.reload} />;
  const ids = models.data!.data.map((m) => m.id);
  const withCap = (cap: string) => {
    const tagged = (catalog.data?.data ?? []).filter((m) => m.capabilities.includes(cap)).map((m) => m.id);
    return tagged.length ? tagged : ids;
  };
  return (
    <div className="page">
      <header className="page-header">
        <h1>Playground</h1>
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
