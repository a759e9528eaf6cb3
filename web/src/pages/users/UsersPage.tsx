import { useState } from 'react';
import { CreditsPanel } from './CreditsPanel';
import { BudgetsPanel } from './BudgetsPanel';
import { UsersPanel } from './UsersPanel';

type Tab = 'users' | 'credits' | 'budgets';
const TABS: Array<[Tab, string]> = [
  ['users', 'Users'],
  ['credits', 'Credits'],
  ['budgets', 'Budgets'],
];

export function UsersPage() {
  const initial = (new URLSearchParams(window.location.search).get('tab') as Tab | null) ?? 'users';
  const [tab, setTab] = useState<Tab>(TABS.some(([t]) => t === initial) ? initial : 'users');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Users & credits</h1>
          <p className="muted">Who can sign in, what they may do, what they hold and how much they may spend.</p>
        </div>
        <div className="tabs" role="tablist" aria-label="Section">
          {TABS.map(([t, label]) => (
            <button
              key={t}
              type="button"
              role="tab"
              aria-selected={tab === t}
              className={tab === t ? 'tab active' : 'tab'}
              onClick={() => {
                setTab(t);
                window.history.replaceState(null, '', `/users?tab=${t}`);
              }}
            >
              {label}
            </button>
          ))}
        </div>
      </header>
      {tab === 'users' && <UsersPanel />}
      {tab === 'credits' && <CreditsPanel />}
      {tab === 'budgets' && <BudgetsPanel />}
    </div>
  );
}
