import type { ReactNode } from 'react';
import type { useAction } from '../api/use-action';

/**
 * A destructive row button (Delete, Revoke): asks `question` first, runs `call` through `action`
 * (whose busy state disables every such button and whose error the page shows), then `then`
 * (a reload) whether or not the call succeeded. `label` is its accessible name, saying which row
 * it acts on; `children` is the word on the button.
 */
export function ConfirmButton({ action, question, call, then, label, children }: { action: ReturnType<typeof useAction>; question: string; call: () => Promise<unknown>; then: () => void; label: string; children: ReactNode }) {
  return (
    <button type="button" className="danger small" aria-label={label} disabled={action.busy} onClick={() => confirm(question) && void action.run(call).then(then)}>
      {children}
    </button>
  );
}
