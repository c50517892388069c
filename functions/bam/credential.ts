/**
 * What a BAM login yields, enough to call BAM as that user and to log out. Stored encrypted.
 * v1: the `Authorization: BAMAuthToken: ...` header value. v2: `Basic base64(user:apiToken)` and
 * the session id (logout is PATCH /sessions/{id}).
 */
export interface BamCredential {
  version: 1 | 2;
  authorization: string;
  sessionId?: number;
}
