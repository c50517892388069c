import { useEffect, useRef, type ReactNode } from 'react';
import { Spinner } from '@bluecateng/pelagos';
import { onSessionTrouble, type ApiError } from './api.js';
import { LiveProvider } from './live.js';
import { HOME } from './page-paths.js';
import { here, navigate, useLocation } from './router.js';
import { SessionContext } from './session.js';
import { Shell } from './Shell.js';
import { LoginPage } from './pages/LoginPage.js';
import { DashboardPage } from './pages/DashboardPage.js';
import { EventsPage } from './pages/EventsPage.js';
import { MaintenancePage } from './pages/MaintenancePage.js';
import { WorkflowsPage } from './pages/WorkflowsPage.js';
import { PermissionsPage } from './pages/PermissionsPage.js';
import { AccountPage } from './pages/AccountPage.js';

const PAGES: Record<string, () => ReactNode> = {
  '/dashboard': () => <DashboardPage />,
  '/events': () => <EventsPage />,
  '/maintenance': () => <MaintenancePage />,
  '/workflows': () => <WorkflowsPage />,
  '/permissions': () => <PermissionsPage />,
  '/account': () => <AccountPage />,
};

export function App() {
  const { path } = useLocation();
  useEffect(() => {
    if (path === '/') navigate(HOME, { replace: true });
  }, [path]);
  if (path === '/login') return <LoginPage />;
  return <SignedIn path={path} />;
}

/**
 * Every signed-in page: the live read (also the session's heartbeat, live.tsx) and the shell. A
 * 401, or the failover 503 of a call that needs the Primary, takes the user to the login page,
 * keeping the page they were on (as BlueCat Gateway does); the UI's own reads go on through a failover.
 */
function SignedIn({ path }: { path: string }) {
  const hadSession = useRef(false);
  useEffect(() => {
    onSessionTrouble((err: ApiError) => {
      if (location.pathname === '/login') return; // already there: a second failed call must not make `next` the login page
      const reason = err.failover ? 'failover' : hadSession.current ? err.code : undefined;
      const params = new URLSearchParams({ next: here(), ...(reason ? { reason } : {}) });
      navigate(`/login?${params.toString()}`, { replace: true, state: reason ? { message: err.message } : null });
    });
    return () => void onSessionTrouble(undefined);
  }, []);
  return (
    <LiveProvider historyFirst={path === '/dashboard'}>
      {(live) => {
        if (!live.answer) {
          return (
            <main className="App__main">
              <Spinner size="medium" aria-label="Loading" />
            </main>
          );
        }
        hadSession.current = true;
        return (
          <SessionContext.Provider value={live.answer.session}>
            <Shell path={path}>{(PAGES[path] ?? PAGES[HOME]!)()}</Shell>
          </SessionContext.Provider>
        );
      }}
    </LiveProvider>
  );
}
