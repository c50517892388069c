import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Spinner } from '@bluecateng/pelagos';
import { api, onSessionTrouble, setCsrfToken, type ApiError } from './api.js';
import { HOME } from './page-paths.js';
import { here, navigate, useLocation } from './router.js';
import { SessionContext, type SessionInfo } from './session.js';
import { useVisibleInterval } from './visible-interval.js';
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

/** How often an open page checks its session (SPEC §12: a light heartbeat, a few seconds apart). */
export const HEARTBEAT_MS = 3000;

export function App() {
  const { path } = useLocation();
  useEffect(() => {
    if (path === '/') navigate(HOME, { replace: true });
  }, [path]);
  if (path === '/login') return <LoginPage />;
  return <SignedIn path={path} />;
}

/**
 * Every signed-in page: the session (heartbeat) and the shell. A failover 503 or a 401 on any call
 * takes the user to the login page, keeping the page they were on (reference/000).
 */
function SignedIn({ path }: { path: string }) {
  const [session, setSession] = useState<SessionInfo | null>(null);
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
  useVisibleInterval(async () => {
    const s = await api<SessionInfo>('GET', '/ui/api/session');
    setCsrfToken(s.csrf_token);
    hadSession.current = true;
    setSession(s);
  }, HEARTBEAT_MS);
  if (!session) {
    return (
      <main className="App__main">
        <Spinner size="medium" aria-label="Loading" />
      </main>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell path={path}>{(PAGES[path] ?? PAGES[HOME]!)()}</Shell>
    </SessionContext.Provider>
  );
}
