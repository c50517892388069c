import { useEffect, useState, type MouseEvent, type ReactNode } from 'react';
import { Hamburger, SideNav, SideNavItems, SideNavLink } from '@bluecateng/pelagos';
import { useMedia } from './media.js';
import { navigate } from './router.js';
import { may, useSession } from './session.js';
import { StatusHeadline } from './StatusHeadline.js';

interface NavEntry {
  path: string;
  label: string;
  visible: boolean;
}

/** Below this width the navigation folds behind the menu button (Pelagos' lg breakpoint). */
const WIDE = '(min-width: 66rem)';

/**
 * The frame of every signed-in page: masthead, the side navigation (only what the user may use;
 * behind a menu button on narrow screens), the status headline, the page.
 */
export function Shell({ path, children }: { path: string; children: ReactNode }) {
  const session = useSession();
  const wide = useMedia(WIDE);
  // Open on the page where the menu was opened, on a narrow screen: following a link closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = !wide && openOn === path;
  const setOpen = (o: boolean) => setOpenOn(o ? path : null);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpenOn(null);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
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
        {!wide && <Hamburger active={open} aria-label={open ? 'Close the menu' : 'Open the menu'} aria-expanded={open} aria-controls="app-nav" onClick={() => setOpen(!open)} />}
        <span className="App__product">Failover Gateway</span>
        <span className="App__user" title="Signed in as">
          {session.username}
        </span>
      </header>
      <div className="App">
        <SideNav id="app-nav" className={`App__nav${wide ? '' : ' App__nav--overlay'}${!wide && !open ? ' App__nav--closed' : ''}`} active={wide || open} aria-label="Pages">
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
          <StatusHeadline />
          {children}
        </main>
      </div>
    </>
  );
}
