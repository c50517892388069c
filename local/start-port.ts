/** What `npm start` makes of PORT, and what it says when a port is taken: pure, so the tests can read it. */
export const DEFAULT_PORT = 3000;

/**
 * The port of node a (node b takes the next one). An empty or invalid PORT is a warning and the
 * default: `PORT=` (empty) used to start on random ports without a word. PORT=0 still asks for
 * free ports on purpose.
 */
export function resolvePort(raw: string | undefined): { port: number; warning?: string } {
  if (raw === undefined) return { port: DEFAULT_PORT };
  const text = raw.trim();
  if (text === '') return { port: DEFAULT_PORT, warning: `warning: PORT is empty; using ${DEFAULT_PORT} (node b: ${DEFAULT_PORT + 1}). Unset it, or set PORT=0 for free ports.` };
  const n = Number(text);
  // Node b listens on PORT+1, so the last usable PORT is 65534.
  if (!/^\d+$/.test(text) || n > 65534)
    return { port: DEFAULT_PORT, warning: `warning: PORT="${raw}" is not a port from 0 to 65534 (node b takes PORT+1); using ${DEFAULT_PORT} (node b: ${DEFAULT_PORT + 1}).` };
  return { port: n };
}

/** A start failure in words: on EADDRINUSE, which node's port is taken and what to do. */
export function explainStartError(err: unknown, port: number): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string } | undefined)?.code;
  if (code !== 'EADDRINUSE' && !message.includes('EADDRINUSE')) return message;
  const taken = Number(/:(\d+)\s*$/.exec(message)?.[1] ?? (err as { port?: number }).port);
  const owner = taken === port + 1 ? `node b's port (PORT+1 = ${taken})` : taken === port ? `node a's port (PORT = ${taken})` : `port ${taken}`;
  return `${owner} is already in use, maybe by another npm start. Stop it, or start on other ports: PORT=${port + 2} npm start (node b then uses ${port + 3}).`;
}
