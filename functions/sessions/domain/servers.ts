import { GatewayError } from '../../kernel/errors.js';
import type { BamServer } from '../../kernel/bam-types.js';

export type { BamServer };

/** The configured server of that name; a 500 when there is none (the configuration changed under a stored session). */
export function serverNamed(servers: readonly BamServer[], name: string): BamServer {
  const s = servers.find((x) => x.name === name);
  if (!s) throw new GatewayError(500, 'ConfigurationError', `Address Manager ${name} is not configured.`);
  return s;
}
