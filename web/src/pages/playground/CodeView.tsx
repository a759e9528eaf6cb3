import { useState } from 'react';
import { snippets } from './code-snippets';

export function CodeView({ path, body }: { path: string; body: Record<string, unknown> }) {
  const [open, setOpen] = useState(false);
  const [lang, setLang] = useState<'curl' | 'JavaScript' | 'Python'>('curl');
  const code = snippets(window.location.origin, path, body)[lang];
  return (
    <div className="code-view">
      <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide code' : 'View code'}
      </button>
      {open && (
        <div className="card">
          <div className="tabs" role="tablist" aria-label="Language">
            {(['curl', 'JavaScript', 'Python'] as const).map((l) => (
              <button key={l} type="button" role="tab" aria-selected={lang === l} className={lang === l ? 'tab active' : 'tab'} onClick={() => setLang(l)}>
                {l}
              </button>
            ))}
            <button type="button" className="secondary" onClick={() => navigator.clipboard?.writeText(code)}>
              Copy
            </button>
          </div>
          <pre className="mono code" aria-label={`${lang} snippet`}>
            {code}
          </pre>
        </div>
      )}
    </div>
  );
}
