import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button, DropDownField, InlineNotification, TextInputField } from '@bluecateng/pelagos';
import { ApiError, api, setCsrfToken } from '../api.js';
import { FAILOVER_ENDED, messageFor } from '../login-notice.js';
import { MonitoringBanner } from '../monitoring-banner.js';
import { safeNext } from '../next-path.js';
import { navigate, useLocation } from '../router.js';
import type { SessionInfo } from '../session.js';
import { useVisibleInterval } from '../visible-interval.js';

interface LoginOptions {
  bam_selection: string[];
  default_alias: string;
  monitoring_state: string;
}

/**
 * BlueCat Gateway's login page with BAM Selection (docs/web-ui.md). Sent here by a call that needed the
 * Primary during a failover, it shows the failover message and checks the session again after
 * each `Retry-After` (and on a refresh): once the failover is over, a restorable session is back
 * and the user returns to `next`; an ended one is explained, and after logging in the user
 * returns to `next` too.
 */
export function LoginPage() {
  const { query, state } = useLocation();
  const next = safeNext(query.get('next'));
  const reason = query.get('reason');
  const [options, setOptions] = useState<LoginOptions | null>(null);
  const [alias, setAlias] = useState<string | null>(null);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>(() => messageFor(reason, (state as { message?: string } | null)?.message));
  const [failover, setFailover] = useState(reason === 'failover');
  const [retryIn, setRetryIn] = useState<number | null>(null);
  const checking = useRef(true);

  useVisibleInterval(async () => {
    const o = await api<LoginOptions>('GET', '/ui/api/login-options', { quiet: true });
    setOptions(o);
    setAlias((a) => a ?? o.default_alias);
  }, 3000);

  // A session that still works (restored after the failover, or a refresh) goes straight back to `next`.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const check = async () => {
      try {
        const s = await api<SessionInfo>('GET', '/ui/api/session', { quiet: true });
        if (stopped) return;
        // Sent here by a call that needed the Primary: back once the failover is over (the session
        // itself answers throughout; whether the failover ends it is known only then).
        if (reason === 'failover' && (s.monitoring_state === 'FAILOVER_IN_PROGRESS' || s.monitoring_state === 'SWITCHOVER_IN_PROGRESS')) {
          setFailover(true);
          setRetryIn(2);
          timer = setTimeout(() => void check(), 2000);
          return;
        }
        setCsrfToken(s.csrf_token);
        navigate(next, { replace: true });
      } catch (err) {
        if (stopped) return;
        if (err instanceof ApiError && err.failover) {
          setFailover(true);
          const seconds = err.retryAfterSeconds ?? 2;
          setRetryIn(seconds);
          timer = setTimeout(() => void check(), seconds * 1000);
        } else if (err instanceof ApiError && err.status === 401) {
          checking.current = false;
          setRetryIn(null);
          setFailover(false);
          if (reason === 'failover') setNotice(err.code === 'SessionEndedByFailover' ? err.message : FAILOVER_ENDED);
        } else {
          timer = setTimeout(() => void check(), 3000); // the gateway itself is unreachable: try again
        }
      }
    };
    void check();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [next, reason]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', '/rest_login', { body: { username, password, bam_alias: alias ?? options?.default_alias }, quiet: true });
      const s = await api<SessionInfo>('GET', '/ui/api/session', { quiet: true });
      setCsrfToken(s.csrf_token);
      navigate(next, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.failover) setFailover(true);
      else setError(err instanceof ApiError ? err.message : 'The gateway cannot be reached. Try again later.');
    } finally {
      setBusy(false);
    }
  };

  const state_ = options?.monitoring_state;
  const showFailover = failover || state_ === 'FAILOVER_IN_PROGRESS';
  return (
    <main className="Login" id="main">
      <h1>Failover Gateway</h1>
      {showFailover ? (
        <InlineNotification
          type="warning"
          title="Address Manager failover in progress."
          text={`Refresh the page or try again later.${retryIn ? ` Checking your session again in ${retryIn} s.` : ''}`}
          role="status"
          data-testid="failover-message"
        />
      ) : (
        <MonitoringBanner state={state_} />
      )}
      {notice && <InlineNotification type="warning" text={notice} role="status" data-testid="login-notice" />}
      <form className="Login__form" onSubmit={(e) => void submit(e)} aria-label="Log in">
        <TextInputField id="username" label="Username" name="username" autoComplete="username" value={username} onChange={setUsername} required />
        <TextInputField id="password" label="Password" name="password" type="password" autoComplete="current-password" value={password} onChange={setPassword} required />
        <DropDownField id="bam-selection" label="BAM Selection" value={alias} options={options?.bam_selection ?? []} renderOption={(o: string) => o} onChange={(o: string) => setAlias(o)} />
        {error && <InlineNotification type="error" text={error} role="alert" />}
        <Button type="primary" text={busy ? 'Logging in…' : 'Log in'} disabled={busy || !username || !password} />
      </form>
    </main>
  );
}
