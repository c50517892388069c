import type { Reply } from './reply.js';
import { v2Reply } from './reply.js';
import type { SimBamServer } from './server.js';

/**
 * BAM's Failover API, served on the server's own HTTPS port with mutual TLS (BlueCat "Address
 * Manager Failover API Guide"; port 8444 on a real BAM). TLS itself refuses clients without a
 * certificate signed by the cluster's CA, before any of this runs.
 */
export function failoverApi(server: SimBamServer, method: string, path: string): Reply {
  if (!server.failoverApi) return v2Reply(404, 'NotFound', `No route ${method} ${path}`);
  if (path === '/bam/v1/health' && method === 'GET') return { status: 200, body: health(server) };
  if (path === '/bam/v1/promote' && method === 'PUT') {
    const refusal = server.cluster.promote(server.name);
    if (refusal) return v2Reply(409, 'PromoteNotAllowed', refusal);
    return { status: 200, body: { status: 'PROMOTED', server: server.name, replicationRole: server.role } };
  }
  return v2Reply(404, 'NotFound', `No route ${method} ${path}`);
}

function health(server: SimBamServer) {
  return {
    status: 'UP',
    details: {
      replicationMetrics: {
        hostname: server.name,
        replicationRole: server.role,
        replicationStatus: replicationStatus(server),
      },
    },
  };
}

export function replicationStatus(server: SimBamServer): string {
  return server.role === 'Primary' ? 'Replicating' : server.role === 'Standalone' ? 'Not Replicating' : 'Standby';
}
