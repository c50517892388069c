import https from 'node:https';
import { BamHttpError, BamUnreachableError, safeUrl } from './http.js';
import type { FailoverApiConfig } from '../kernel/bam-types.js';
export type { FailoverApiConfig };

/**
 * BAM's Failover API: its own HTTPS service (port 8444 by default) that requires a client
 * certificate. One keep-alive agent per server URL, at module scope, trusting only the configured CA.
 */
const agents = new Map<string, https.Agent>();

function agentFor(url: string, tls: FailoverApiConfig): https.Agent {
  const key = `${url}\n${tls.clientCert}\n${tls.ca}`;
  let a = agents.get(key);
  if (!a) {
    a = new https.Agent({ keepAlive: true, maxSockets: 2, cert: tls.clientCert, key: tls.clientKey, ca: tls.ca });
    agents.set(key, a);
  }
  return a;
}

/** Thrown when the TLS handshake fails: our certificate refused, or theirs not signed by the CA. */
export class FailoverTlsError extends Error {
  constructor(
    url: string,
    readonly code: string,
  ) {
    super(`Failover API at ${safeUrl(url)} refused the TLS connection (${code})`);
    this.name = 'FailoverTlsError';
  }
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|EPROTO$|HOSTNAME_MISMATCH)/;

/** GET on the Failover API; answers the raw body and content type, or throws a classified error. */
export function failoverGet(url: string, tls: FailoverApiConfig, timeoutMs: number): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    let handshaken = false;
    const req = https.request(url, { method: 'GET', agent: agentFor(new URL(url).origin, tls), headers: { accept: 'application/json' }, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 400) return reject(new BamHttpError(status, text.slice(0, 300) || res.statusMessage || 'error', text, url));
        resolve({ status, contentType: String(res.headers['content-type'] ?? ''), text });
      });
      res.on('error', reject);
    });
    // A reused keep-alive socket was handshaken before: listening on it again would only pile up listeners.
    req.on('socket', (s) => {
      if (!req.reusedSocket) s.once('secureConnect', () => (handshaken = true));
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT_PROBE' })), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT_PROBE' })));
    req.on('error', (err: Error & { code?: string }) => {
      const code = err.code ?? '';
      if (code === 'ETIMEDOUT_PROBE') return reject(new BamUnreachableError(url, 'timeout', 'no answer in time'));
      if (code === 'ECONNREFUSED') return reject(new BamUnreachableError(url, 'refused', 'connection refused'));
      // Under TLS 1.3 a server refusing our certificate resets the connection right after a handshake made for this request.
      const resetAfterHandshake = handshaken && !req.reusedSocket && code === 'ECONNRESET';
      if (TLS_CODE.test(code) || resetAfterHandshake || (!handshaken && /tls|ssl|certificate/i.test(err.message))) return reject(new FailoverTlsError(url, code || 'handshake'));
      reject(new BamUnreachableError(url, 'network', code || err.message, code));
    });
    req.end();
  });
}
