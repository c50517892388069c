import type { BamClient } from '../bam/clients.js';
import type { BamCredential } from '../bam/credential.js';
import type { MonitorState } from '../monitor/domain/monitor-machine.js';
import { serverNamed, type BamServer } from './domain/servers.js';
import type { BamLogins, CredentialSealer } from './ports.js';
import { sharedContext, type SessionRecord } from './domain/session-record.js';

export interface AuthenticatedSession {
  session: SessionRecord;
  server: BamServer;
  /** A BAM client for the session's server, in the configured API version, logged in as the session's user. */
  bam: BamClient;
  monitor: MonitorState | undefined;
}

export interface SessionClientDeps {
  servers: readonly BamServer[];
  cipher: CredentialSealer;
  bam: BamLogins;
}

/** The session's BAM credential, decrypted: its own (bound to its token hash), or the epoch's shared service credential. */
export function credentialOf(session: SessionRecord, cipher: CredentialSealer): BamCredential {
  return JSON.parse(cipher.decrypt(session.credential, session.sharedCredential ? sharedContext(session.epoch) : session.tokenHash)) as BamCredential;
}

/** The session with a BAM client for its bound server, logged in with its (decrypted) credential, and the state it was checked against. */
export function readySession(session: SessionRecord, monitor: MonitorState | undefined, d: SessionClientDeps): AuthenticatedSession {
  const server = serverNamed(d.servers, session.boundServer);
  return { session, server, bam: d.bam.client(server, credentialOf(session, d.cipher)), monitor };
}
