import { useState } from 'react';
import { snippets } from './code-snippets';

export function CodeView({ path, body }: { path: string; body: Record<string, unknown> }) {
  const [open, setOpen] = useState(false);
  const [lang, setLang] = useState<'curl' | 'JavaScript' | 'Python'>('curl');
  const [copied, setCopied] = useState(false);
  const code = snippets(window.location.origin, path, body)[lang];
  return (
    <div className="code-view">
      <button type="button" className="secondary" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide code' : 'View code'}
      </button>
      {open && (
        <div className="card">
          <div className="card-head">
            <div className="tabs" role="tablist" aria-label="Language">
              {(['curl', 'JavaScript', 'Python'] as const).map((l) => (
                <button key={l} type="button" role="tab" aria-selected={lang === l} className={lang === l ? 'tab active' : 'tab'} onClick={() => (setLang(l), setCopied(false))}>
                  {l}
                </button>
              ))}
            </div>
            <button
              type="button"
              className="secondary small"
              onClick={() =>
                navigator.clipboard?.writeText(code).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? 'Copied' : 'Copy'}
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
