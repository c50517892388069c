import http from 'node:http';

/**
 * The benchmarks' clients share this machine's two cores with the gateway, which in production
 * they would not: `http.request` on keep-alive sockets costs them less CPU per request than
 * `fetch`, and leaves more to the gateway being measured.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * One request and its whole body, on `via` (default: one shared keep-alive agent); rejects on a
 * network error (no answer at all). A request on a kept-alive socket the server had just closed as
 * idle never reached it: it is sent once more on a new socket (`fetch` avoids those sockets by
 * following the server's keep-alive timeout).
 */
export function send(url: string, method: string, headers: Record<string, string>, body?: string, via: http.Agent = agent): Promise<Reply> {
  return sendOnce(url, method, headers, body, via).catch((err: Error & { reusedSocket?: boolean; code?: string }) => {
    if (err.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return sendOnce(url, method, headers, body, via);
    throw err;
  });
}

function sendOnce(url: string, method: string, headers: Record<string, string>, body: string | undefined, via: http.Agent): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request(url, { method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }, agent: via }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

/** The body as JSON, or {} when it is none. */
export function jsonOf<T>(reply: Reply): T | Record<string, never> {
  try {
    return JSON.parse(reply.text) as T;
  } catch {
    return {};
  }
}
