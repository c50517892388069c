import { useEffect, useState } from 'react';
import { Button, InlineNotification, Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@bluecateng/pelagos';
import { ApiError, api } from '../api.js';
import { ScrollRegion } from '../ScrollRegion.js';

interface WorkflowInfo {
  name: string;
  routes: { method: string; path: string; permission: string; has_body: boolean }[];
}

/** The workflows the user may use, with their routes; a GET route without parameters can be called here. */
export function WorkflowsPage() {
  const [list, setList] = useState<WorkflowInfo[] | null>(null);
  const [result, setResult] = useState<{ path: string; status: string; body: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  // Read once: the list changes only with a grant, which takes effect at the next page load.
  useEffect(() => {
    api<{ workflows: WorkflowInfo[] }>('GET', '/ui/api/workflows')
      .then((r) => setList(r.workflows))
      .catch((e: unknown) => setFailed(e instanceof Error ? e.message : 'The gateway cannot be reached.'));
  }, []);

  const run = async (path: string) => {
    setBusy(path);
    try {
      const body = await api<unknown>('GET', path);
      setResult({ path, status: '200 OK', body: JSON.stringify(body, null, 2) });
    } catch (e) {
      if (e instanceof ApiError && (e.failover || e.status === 401)) return; // the app takes the user to the login page
      setResult({ path, status: e instanceof ApiError ? `${e.status} ${e.code}` : 'failed', body: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="Page" aria-labelledby="workflows-title">
      <h1 id="workflows-title">Workflows</h1>
      {failed && <InlineNotification type="error" text={`The workflows could not be read: ${failed}`} role="alert" />}
      {list?.length === 0 && <InlineNotification type="info" text="You may use no workflow yet. An administrator grants permissions on the Permissions page." role="status" />}
      {(list ?? []).map((w) => (
        <div key={w.name} className="Page" data-workflow={w.name}>
          <h2>{w.name}</h2>
          <ScrollRegion label={`Routes of ${w.name} table`}>
            <Table aria-label={`Routes of ${w.name}`} className="Wide">
              <TableHead>
                <TableRow>
                  <TableHeader>Method</TableHeader>
                  <TableHeader>Route</TableHeader>
                  <TableHeader>Permission</TableHeader>
                  <TableHeader>Call</TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {w.routes.map((r) => (
                  <TableRow key={`${r.method} ${r.path}`}>
                    <TableCell>{r.method}</TableCell>
                    <TableCell>
                      <code>{r.path}</code>
                    </TableCell>
                    <TableCell>{r.permission}</TableCell>
                    <TableCell>
                      {r.method === 'GET' && !r.path.includes('{') ? (
                        <Button size="small" text={busy === r.path ? 'Calling…' : 'Call'} aria-label={`Call GET ${r.path}`} disabled={busy !== null} onClick={() => void run(r.path)} />
                      ) : (
                        <span className="Muted">from the API</span>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </ScrollRegion>
        </div>
      ))}
      {result && (
        <div className="Page" aria-live="polite">
          <h2>
            GET {result.path}: {result.status}
          </h2>
          <ScrollRegion label={`Answer of GET ${result.path}`} className="Json">
            <pre data-testid="workflow-result">{result.body}</pre>
          </ScrollRegion>
        </div>
      )}
    </section>
  );
}
