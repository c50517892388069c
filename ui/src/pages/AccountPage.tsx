import { useState } from 'react';
import { Button, InlineNotification } from '@bluecateng/pelagos';
import { ApiError, api, onSessionTrouble, setCsrfToken } from '../api.js';
import { clock } from '../format.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';

/** Who is signed in, how, until when; logout. */
export function AccountPage() {
  const s = useSession();
  const [error, setError] = useState<string | null>(null);
  const logout = async () => {
    setError(null);
    const listener = onSessionTrouble(undefined); // a logout is not a lost session
    try {
      await api('POST', '/rest_logout', { quiet: true });
      setCsrfToken(undefined);
      navigate('/login', { replace: true });
    } catch (e) {
      // The session lives on: a later 401 or failover 503 must still take the user to the login page.
      onSessionTrouble(listener);
      setError(`Logout failed: ${e instanceof ApiError ? e.message : 'the gateway cannot be reached.'} Try again.`);
    }
  };
  return (
    <section className="Page" aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <dl className="Summary" aria-label="Your session">
        <div>
          <dt>User</dt>
          <dd data-testid="account-user">{s.username}</dd>
        </div>
        <div>
          <dt>BAM Selection</dt>
          <dd>{s.target}</dd>
        </div>
        <div>
          <dt>Bound to</dt>
          <dd>{s.bound_server}</dd>
        </div>
        <div>
          <dt>Restored after a failover</dt>
          <dd>{s.restorable ? 'yes (service credentials)' : 'no: log in again after a failover'}</dd>
        </div>
        <div>
          <dt>Session</dt>
          <dd data-testid="session-id">{s.session_id}</dd>
        </div>
        <div>
          <dt>Signed in</dt>
          <dd>{clock(s.created_at)}</dd>
        </div>
        <div>
          <dt>Session expires</dt>
          <dd data-testid="expires-at">{clock(s.expires_at)}</dd>
        </div>
      </dl>
      {error && <InlineNotification type="error" text={error} role="alert" data-testid="logout-error" />}
      <div className="Row">
        <Button type="primary" text="Log out" onClick={() => void logout()} />
      </div>
    </section>
  );
}
