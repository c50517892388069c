import type { ReactNode, MouseEvent } from 'react';
import { SideNav, SideNavItems, SideNavLink } from '@bluecateng/pelagos';
import { navigate } from './router.js';
import { may, useSession } from './session.js';
import { MonitoringBanner } from './monitoring-banner.js';

interface NavEntry {
  path: string;
  label: string;
  visible: boolean;
}

/** The frame of every signed-in page: masthead, the side navigation (only what the user may use), the page. */
export function Shell({ path, children }: { path: string; children: ReactNode }) {
  const session = useSession();
  const entries: NavEntry[] = [
    { path: '/dashboard', label: 'Dashboard', visible: true },
    { path: '/events', label: 'Events', visible: true },
    { path: '/workflows', label: 'Workflows', visible: true },
    { path: '/maintenance', label: 'Maintenance', visible: may(session, 'maintenance') },
    { path: '/permissions', label: 'Permissions', visible: session.admin },
    { path: '/account', label: 'Account', visible: true },
  ];
  const go = (to: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate(to);
  };
  return (
    <>
      <a className="SkipLink" href="#main">
        Skip to content
      </a>
      <header className="App__masthead">
        <span>Failover Gateway</span>
        <span title="Signed in as">{session.username}</span>
      </header>
      <div className="App">
        <SideNav className="App__nav" active aria-label="Pages">
          <SideNavItems>
            {entries
              .filter((e) => e.visible)
              .map((e) => (
                <SideNavLink key={e.path} href={e.path} current={e.path === path} onClick={go(e.path)}>
                  {e.label}
                </SideNavLink>
              ))}
          </SideNavItems>
        </SideNav>
        <main id="main" className="App__main">
          <MonitoringBanner state={session.monitoring_state} />
          {children}
        </main>
      </div>
    </>
  );
}
