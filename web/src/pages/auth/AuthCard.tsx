import type { FormEvent, ReactNode } from 'react';
import { Brand } from '../../components/Brand';

/** The signed-out screens' centred card: the brand, a title that names the form, then its fields. */
export function AuthCard({ id, title, onSubmit, children }: { id: string; title: string; onSubmit: (e: FormEvent<HTMLFormElement>) => void; children: ReactNode }) {
  return (
    <main className="auth-screen">
      <form className="auth-card" aria-labelledby={id} onSubmit={onSubmit}>
        <Brand />
        <h1 id={id}>{title}</h1>
        {children}
      </form>
    </main>
  );
}
