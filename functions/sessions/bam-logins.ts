import { bamClient } from '../bam/clients.js';
import { BamHttpError } from '../bam/http.js';
import { BamV1Client } from '../bam/v1-client.js';
import type { BamLogins } from './ports.js';

/** BamLogins over BAM's API (v1 or v2, as configured), each call with its own client. */
export function bamLoginsOver(apiVersion: 1 | 2, timeoutMs: number): BamLogins {
  return {
    login: (server, username, password) => bamClient(apiVersion, server.url, timeoutMs).login(username, password),
    logout: (server, credential) => bamClient(apiVersion, server.url, timeoutMs, credential).logout(),
    client: (server, credential) => bamClient(apiVersion, server.url, timeoutMs, credential),
    // One cheap call with the credential: a 401 or 403 says BAM no longer accepts it.
    accepts: async (server, credential) => {
      const client = bamClient(apiVersion, server.url, timeoutMs, credential);
      try {
        if (client instanceof BamV1Client) await client.getSystemInfo();
        else await client.httpGet('/sessions/current');
        return true;
      } catch (err) {
        if (err instanceof BamHttpError && (err.status === 401 || err.status === 403)) return false;
        throw err;
      }
    },
  };
}
