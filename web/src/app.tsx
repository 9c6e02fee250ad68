// The signed-in app: sidebar, header (submit, theme, user menu) and the page for the current path.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { Profile } from './api/types.js';
import { useApi } from './api/use-api.js';
import { signOut } from './api/session.js';
import { SubmitOverlay } from './components/submit-overlay.js';
import { ADMIN_ROLE, MeContext } from './me.js';
import type { Me } from './me.js';
import { Link, useLocation } from './router.js';
import { ADMIN_NAV, NAV, Page } from './routes.js';

type Theme = 'light' | 'dark';
const THEME_KEY = 'osmo.theme';

function NavLinks({ entries, path }: { entries: readonly [string, string][]; path: string }) {
  const active = (to: string): boolean =>
    to === '/' ? path === '/' : path === to || path.startsWith(`${to}/`);
  return (
    <>
      {entries.map(([to, label]) => (
        <Link
          key={to}
          to={to}
          className={active(to) ? 'active' : ''}
          aria-current={active(to) ? 'page' : undefined}
        >
          {label}
        </Link>
      ))}
    </>
  );
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

function useSystemDark(): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const query = window.matchMedia(DARK_QUERY);
      query.addEventListener('change', onChange);
      return () => query.removeEventListener('change', onChange);
    },
    () => window.matchMedia(DARK_QUERY).matches,
  );
}

export function App() {
  const location = useLocation();
  const profile = useApi<Profile>('/api/profile/settings');
  const [submitting, setSubmitting] = useState(false);
  // No stored choice leaves data-theme unset, so the stylesheet follows prefers-color-scheme live.
  const [chosen, setChosen] = useState<Theme | null>(() => {
    const stored = localStorage.getItem(THEME_KEY);
    return stored === 'dark' || stored === 'light' ? stored : null;
  });
  const systemDark = useSystemDark();
  const theme: Theme = chosen ?? (systemDark ? 'dark' : 'light');
  useEffect(() => {
    if (chosen === null) delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = chosen;
  }, [chosen]);
  if (!profile.data) {
    return (
      <main className="page">
        {profile.error !== null ? (
          <p className="error">{profile.error}</p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </main>
    );
  }
  const me: Me = {
    user: profile.data.profile.username,
    roles: profile.data.roles,
    isAdmin: profile.data.roles.includes(ADMIN_ROLE),
    pools: profile.data.pools,
    defaultPool: profile.data.profile.pool,
  };
  return (
    <MeContext.Provider value={me}>
      <div className="shell">
        <nav className="sidebar" aria-label="Main">
          <Link to="/" className="logo">
            OSMO
          </Link>
          <NavLinks entries={NAV} path={location.path} />
          {me.isAdmin ? (
            <>
              <span className="nav-section">Admin</span>
              <NavLinks entries={ADMIN_NAV} path={location.path} />
            </>
          ) : null}
        </nav>
        <div className="main">
          <header className="topbar">
            <span className="spacer" />
            <button
              type="button"
              className="primary"
              onClick={() => setSubmitting(true)}
              aria-label="Submit workflow"
            >
              + Submit
            </button>
            <button
              type="button"
              onClick={() => {
                const next = theme === 'dark' ? 'light' : 'dark';
                localStorage.setItem(THEME_KEY, next);
                setChosen(next);
              }}
              aria-label="Toggle dark theme"
            >
              {theme === 'dark' ? '☀' : '☾'}
            </button>
            <Link to="/profile" className="user" data-testid="signed-in-user">
              {me.user}
              {me.isAdmin ? <span className="badge admin">Admin</span> : null}
            </Link>
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </header>
          <main>
            <Page path={location.path} />
          </main>
        </div>
      </div>
      {submitting ? <SubmitOverlay onClose={() => setSubmitting(false)} /> : null}
    </MeContext.Provider>
  );
}
