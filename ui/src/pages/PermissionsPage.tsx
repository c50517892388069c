import { useEffect, useState, type FormEvent } from 'react';
import { Button, CheckBox, DropDownField, InlineNotification, Tag, TextInputField } from '@bluecateng/pelagos';
import { api } from '../api.js';
import { useSession } from '../session.js';
import { SessionLifetimePanel } from './SessionLifetimePanel.js';

type Kind = 'users' | 'groups';
const KINDS: Kind[] = ['users', 'groups'];
const kindLabel = (k: Kind) => (k === 'users' ? 'User' : 'Group');

/**
 * Permissions (admins): grant and revoke to users and groups, and a user's group membership,
 * through the admin API. Changes count on the very next request; nobody has to log in again.
 */
export function PermissionsPage() {
  const session = useSession();
  const [known, setKnown] = useState<string[]>([]);
  const [kind, setKind] = useState<Kind>('users');
  const [name, setName] = useState('');
  const [shown, setShown] = useState<{ kind: Kind; name: string } | null>(null);
  const [held, setHeld] = useState<string[]>([]);
  const [groups, setGroups] = useState<string[]>([]);
  const [newGroup, setNewGroup] = useState('');
  const [notice, setNotice] = useState<{ type: 'success' | 'error'; text: string } | null>(null);

  useEffect(() => {
    if (session.admin) void api<{ permissions: string[] }>('GET', '/admin/permissions').then((r) => setKnown(r.permissions));
  }, [session.admin]);

  if (!session.admin) {
    return (
      <section className="Page">
        <h1>Permissions</h1>
        <InlineNotification type="info" text="Only gateway administrators manage permissions." role="status" />
      </section>
    );
  }

  const path = (k: Kind, n: string) => `/admin/${k}/${encodeURIComponent(n)}`;
  const load = async (k: Kind, n: string) => {
    setHeld((await api<{ permissions: string[] }>('GET', `${path(k, n)}/permissions`)).permissions);
    setGroups(k === 'users' ? (await api<{ groups: string[] }>('GET', `${path(k, n)}/groups`)).groups : []);
    setShown({ kind: k, name: n });
  };
  const guarded = async (work: () => Promise<unknown>, success: string) => {
    setNotice(null);
    try {
      await work();
      setNotice({ type: 'success', text: success });
    } catch (e) {
      setNotice({ type: 'error', text: e instanceof Error ? e.message : 'The change failed.' });
    }
  };
  const show = (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (n) void guarded(() => load(kind, n), `Showing ${kindLabel(kind).toLowerCase()} ${n}.`);
  };
  const toggle = (permission: string, grant: boolean) =>
    shown &&
    void guarded(
      async () => {
        await api(grant ? 'PUT' : 'DELETE', `${path(shown.kind, shown.name)}/permissions/${encodeURIComponent(permission)}`);
        await load(shown.kind, shown.name);
      },
      `${grant ? 'Granted' : 'Revoked'} ${permission} ${grant ? 'to' : 'from'} ${shown.name}.`,
    );
  const membership = (group: string, add: boolean) =>
    shown &&
    void guarded(
      async () => {
        await api(add ? 'PUT' : 'DELETE', `/admin/groups/${encodeURIComponent(group)}/members/${encodeURIComponent(shown.name)}`);
        setNewGroup('');
        await load(shown.kind, shown.name);
      },
      `${shown.name} ${add ? 'added to' : 'removed from'} ${group}.`,
    );

  return (
    <section className="Page" aria-labelledby="permissions-title">
      <h1 id="permissions-title">Permissions</h1>
      <form className="Row" onSubmit={show} aria-label="Choose a user or group">
        <DropDownField id="principal-kind" label="Kind" value={kind} options={KINDS} renderOption={(k: Kind) => kindLabel(k)} onChange={(k: Kind) => setKind(k)} />
        <TextInputField id="principal-name" label={`${kindLabel(kind)} name`} value={name} onChange={setName} required />
        <Button type="primary" text="Show" />
      </form>
      {notice && <InlineNotification type={notice.type} text={notice.text} role={notice.type === 'error' ? 'alert' : 'status'} />}
      {shown && (
        <>
          <h2>
            Permissions of {kindLabel(shown.kind).toLowerCase()} {shown.name}
          </h2>
          <fieldset className="Page" aria-label={`Permissions of ${shown.name}`}>
            {known.map((p) => (
              <CheckBox key={p} id={`perm-${p}`} label={p} checked={held.includes(p)} onChange={(e) => toggle(p, e.target.checked)} />
            ))}
          </fieldset>
          {shown.kind === 'users' && (
            <>
              <h2>Groups of {shown.name}</h2>
              <div className="Row">
                {groups.length === 0 && <span className="Muted">No group.</span>}
                {groups.map((g) => (
                  <Tag key={g} type="blue" text={g} removeTitle={`Remove ${shown.name} from ${g}`} onRemove={() => membership(g, false)} />
                ))}
              </div>
              <form
                className="Row"
                aria-label="Add to a group"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (newGroup.trim()) membership(newGroup.trim(), true);
                }}
              >
                <TextInputField id="new-group" label="Group" value={newGroup} onChange={setNewGroup} />
                <Button text="Add to group" />
              </form>
              <SessionLifetimePanel user={shown.name} />
            </>
          )}
        </>
      )}
    </section>
  );
}
