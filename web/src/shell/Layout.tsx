import { useEffect, useState, type ReactNode } from 'react';
import { atLeast, useSession, useUser } from '../auth/session';
import { Brand } from '../components/Brand';
import { Link, useRouter } from '../router';
import { NAV } from './nav';
import { Dialog } from '../components/Dialog';
import { PasswordForm } from './PasswordForm';

function Icon({ d }: { d: string }) {
  return (
    <svg className="nav-icon" width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round">
      <path d={d} />
    </svg>
  );
}

/** The signed-in frame: navigation for the user's role on the left, the user and sign-out on top. */
export function Layout({ children }: { children: ReactNode }) {
  const user = useUser();
  const { signOut } = useSession();
  const { path } = useRouter();
  const [menuOpen, setMenuOpen] = useState(false);
  const [password, setPassword] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // A narrow screen's drawer closes when the page changes.
  useEffect(() => setMenuOpen(false), [path]);

  const sections = NAV.map((s) => ({ ...s, items: s.items.filter((i) => atLeast(user.role, i.minRole)) })).filter((s) => s.items.length);
  return (
    <div className={`shell${menuOpen ? ' menu-open' : ''}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button type="button" className="icon-button menu-button" aria-label={menuOpen ? 'Close navigation' : 'Open navigation'} aria-expanded={menuOpen} aria-controls="sidebar" onClick={() => setMenuOpen((o) => !o)}>
          <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
            <path d={menuOpen ? 'M6 6l12 12M18 6L6 18' : 'M4 7h16M4 12h16M4 17h16'} />
          </svg>
        </button>
        <Link to="/" className="topbar-brand">
          <Brand />
        </Link>
        <div className="topbar-spacer" />
        <div className="user-menu">
          <div className="user-id">
            <span className="user-name">{user.name || user.email}</span>
            <span className={`badge role-${user.role}`}>{user.role}</span>
          </div>
          <button type="button" className="secondary small hide-narrow" onClick={() => (setNotice(null), setPassword(true))}>
            Password
          </button>
          <button type="button" className="secondary small" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="sidebar" className="sidebar" aria-label="Main">
        {sections.map((s) => (
          <div className="nav-section" key={s.title}>
            <div className="nav-title">{s.title}</div>
            <ul>
              {s.items.map((i) => (
                <li key={i.to}>
                  <Link to={i.to} className="nav-link">
                    <Icon d={i.icon} />
                    <span>{i.label}</span>
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        ))}
        <div className="sidebar-foot muted small">
          Signed in as
          <br />
          <strong>{user.email}</strong>
          <br />
          <button type="button" className="link-button show-narrow sidebar-link" onClick={() => (setNotice(null), setMenuOpen(false), setPassword(true))}>
            Change password
          </button>
        </div>
      </nav>
      {menuOpen && <div className="scrim" aria-hidden="true" onClick={() => setMenuOpen(false)} />}
      <main id="main" className="content" tabIndex={-1}>
        {notice && (
          <p className="banner ok page-banner" role="status">
            {notice}
          </p>
        )}
        {children}
      </main>
      <Dialog title="Change your password" open={password} onClose={() => setPassword(false)}>
        {password && <PasswordForm onDone={() => (setPassword(false), setNotice('Your password was changed. Other sessions of yours were signed out.'))} />}
      </Dialog>
    </div>
  );
}
