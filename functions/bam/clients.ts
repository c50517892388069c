import { BamV1Client } from './v1-client.js';
import { BamV2Client } from './v2-client.js';
import type { BamCredential } from './credential.js';

export type BamClient = BamV1Client | BamV2Client;

/**
 * The pair BlueCat workflows know as `g.user.bam_api`: exactly one of v1 / v2 is set, by the
 * configured API version.
 */
export interface BamApi {
  v1?: BamV1Client;
  v2?: BamV2Client;
}

export function bamClient(version: 1 | 2, baseUrl: string, timeoutMs: number, credential?: BamCredential): BamClient {
  return version === 1 ? new BamV1Client(baseUrl, timeoutMs, credential) : new BamV2Client(baseUrl, timeoutMs, credential);
}

export function bamApi(client: BamClient): BamApi {
  return client instanceof BamV1Client ? { v1: client } : { v2: client };
}
