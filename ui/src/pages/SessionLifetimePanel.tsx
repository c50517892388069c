import { useEffect, useState, type FormEvent } from 'react';
import { Button, DropDownField, InlineNotification, TextInputField } from '@bluecateng/pelagos';
import { api } from '../api.js';

interface Lifetime {
  username: string;
  session_max_lifetime_seconds: number | null;
  source: 'user' | 'default';
  default_seconds: number;
}
type Choice = 'default' | 'hours' | 'none';
const CHOICES: Choice[] = ['default', 'hours', 'none'];
const choiceLabel = (c: Choice) => (c === 'default' ? 'The default' : c === 'hours' ? 'Hours of its own' : 'No absolute lifetime');

/** Seconds as people read them: "12 h", "7 days". */
export function lifetimeText(seconds: number | null): string {
  if (seconds === null) return 'no absolute lifetime (only the idle timeout ends a session)';
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds} s`;
}

/** Shows a lifetime in the panel's state setters (stable: no effect depends on a closure). */
function showIn(l: Lifetime, setCurrent: (l: Lifetime) => void, setChoice: (c: Choice) => void, setHours: (h: string) => void): void {
  setCurrent(l);
  setChoice(l.source === 'default' ? 'default' : l.session_max_lifetime_seconds === null ? 'none' : 'hours');
  setHours(l.source === 'user' && l.session_max_lifetime_seconds !== null ? String(l.session_max_lifetime_seconds / 3600) : '');
}

/**
 * A user's absolute session lifetime (admins, on the Permissions page): the default, hours of
 * its own, or none, for automation accounts such as external-dns that keep one token for weeks.
 * It applies to the user's next logins.
 */
export function SessionLifetimePanel({ user }: { user: string }) {
  const path = `/admin/users/${encodeURIComponent(user)}/session-lifetime`;
  const [current, setCurrent] = useState<Lifetime | null>(null);
  const [choice, setChoice] = useState<Choice>('default');
  const [hours, setHours] = useState('');
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string } | null>(null);

  const show = (l: Lifetime) => showIn(l, setCurrent, setChoice, setHours);
  useEffect(() => {
    setNotice(null);
    void api<Lifetime>('GET', path).then(
      (l) => showIn(l, setCurrent, setChoice, setHours),
      (e: Error) => setNotice({ type: 'error', text: e.message }),
    );
  }, [path]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    try {
      const seconds = Math.round(Number(hours) * 3600);
      const l = choice === 'default' ? await api<Lifetime>('DELETE', path) : await api<Lifetime>('PUT', `${path}/${choice === 'none' ? 'none' : seconds}`);
      show(l);
      setNotice({
        type: 'success',
        text: `${user}'s sessions now last at most ${lifetimeText(l.session_max_lifetime_seconds)}${l.source === 'default' ? ' (the default)' : ''}, from their next login.`,
      });
    } catch (err) {
      setNotice({ type: 'error', text: err instanceof Error ? err.message : 'The change failed.' });
    }
  };

  return (
    <>
      <h2>Session lifetime of {user}</h2>
      {current && (
        <p data-testid="session-lifetime">
          At most {lifetimeText(current.session_max_lifetime_seconds)}
          {current.source === 'default' ? ' (the default)' : ''}.
        </p>
      )}
      <form className="Row" aria-label={`Session lifetime of ${user}`} onSubmit={save}>
        <DropDownField id="lifetime-choice" label="Lifetime" value={choice} options={CHOICES} renderOption={choiceLabel} onChange={(c: Choice) => setChoice(c)} />
        {choice === 'hours' && <TextInputField id="lifetime-hours" label="Hours" value={hours} onChange={setHours} required />}
        <Button text="Save lifetime" />
      </form>
      {notice && <InlineNotification type={notice.type} text={notice.text} role={notice.type === 'error' ? 'alert' : 'status'} />}
    </>
  );
}
