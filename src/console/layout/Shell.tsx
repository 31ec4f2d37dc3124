/** The frame around every view: navigation, who is signed in, theme and sign-out. */
import { Link, Outlet } from '@tanstack/react-router';
import { useSession, useSignOut } from '../auth/session';
import { useTheme } from './theme';

const NAV: [string, string][] = [
  ['/', 'Overview'],
  ['/agents', 'Agents'],
  ['/pending', 'Pending claims'],
  ['/commands', 'Commands'],
  ['/policies', 'Policies'],
  ['/endpoints', 'Endpoints'],
  ['/software', 'Software'],
  ['/events', 'Events'],
  ['/audit', 'Audit'],
  ['/settings', 'Settings'],
];

export function Shell() {
  const { data: current } = useSession();
  const signOut = useSignOut();
  const [theme, toggleTheme] = useTheme();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">agentry</span>
        <nav aria-label="Main">
          {NAV.map(([to, label]) => (
            <Link key={to} to={to} activeOptions={{ exact: to === '/' }} activeProps={{ 'aria-current': 'page', className: 'active' }}>
              {label}
            </Link>
          ))}
        </nav>
        <div className="who">
          <span title={`tenant ${current?.principal.tenantId}`}>
            {current?.principal.name} · {current?.principal.role}
          </span>
          <button type="button" className="ghost" onClick={toggleTheme} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          <button type="button" className="ghost" onClick={() => signOut.mutate()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
