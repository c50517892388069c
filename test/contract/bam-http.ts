import https from 'node:https';

/** Plain fetch helpers for the contract suite: the simulator is checked as any BAM client sees it. */
export async function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await fetch(url, { method, headers });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as any, type: res.headers.get('content-type') };
}

export async function send(method: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: () => JSON.parse(text) as any };
}

/** One HTTPS request with the given TLS options (client certificate or not). Rejects on a refused handshake. */
export function tlsRequest(method: string, url: string, tls: https.RequestOptions): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, agent: false, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export const v1Token = (loginAnswer: string) => `BAMAuthToken: ${/BAMAuthToken: (\S+)/.exec(loginAnswer)![1]}`;
