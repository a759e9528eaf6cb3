import { useState } from 'react';
import type { ApiKeyInfo } from '../../api/identity';

/** The secret, shown exactly once after creation: the server keeps only a hash. */
export function ShowOnce({ created, onDone }: { created: ApiKeyInfo & { key: string }; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="form">
      <p>
        Copy the key for <strong>{created.name}</strong> now. It is shown <strong>only this once</strong>: Switchyard stores a hash, not the key.
      </p>
      <div className="secret-box">
        <label htmlFor="new-key-secret" className="sr-only">
          API key
        </label>
        <input id="new-key-secret" className="mono" readOnly value={created.key} onFocus={(e) => e.target.select()} data-testid="new-key-secret" />
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(created.key);
              setCopied(true);
            } catch {
              // Clipboard access can be refused (no secure context): select the text for a manual copy.
              (document.getElementById('new-key-secret') as HTMLInputElement | null)?.select();
            }
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="muted small">
        Use it as <code>Authorization: Bearer {created.display}</code> against <code>{window.location.origin}/v1</code>.
      </p>
      <div className="form-actions">
        <button type="button" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </div>
  );
}
