import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { GatewayError, badRequest } from '../kernel/errors.js';
import type { MaintenancePrincipal } from './domain/contract.js';
import type { TenantTokenKeySource, TenantTokenRecord, TenantTokenStore } from './ports.js';

/**
 * Tenant users and their tokens, free of AWS: JWTs signed HS256 with the gateway's key,
 * each recorded in a store by its jti. A token is valid only while its record exists, so deleting
 * the records revokes at once. The store never holds the token, only its id and claims.
 */
export const TOKEN_ISSUER = 'failover-gateway';
export const TOKEN_AUDIENCE = 'failover-gateway/airlock-rest';
export const DEFAULT_EXPIRY_SECONDS = 8 * 3600;
const MAX_EXPIRY_SECONDS = 366 * 24 * 3600;
const MAX_REGEX_LENGTH = 2000;
/** Names become parts of table keys: no `#`, no spaces. */
const NAME = /^[A-Za-z0-9_.@-]{1,64}$/;

export interface IssueRequest {
  user: string;
  tenant: string;
  roles: string[];
  readPaths: string;
  writePaths: string;
  expirySeconds?: number;
}

/** The key for HS256: SHA-256 of the key material (a random string of ≥ 256 bits), so any length gives exactly 256 bits. */
export function signingKey(material: string): Uint8Array {
  if (material.length < 32) throw new Error('the tenant-token key material is too short (at least 32 characters)');
  return new Uint8Array(createHash('sha256').update(material, 'utf8').digest());
}

/**
 * The signing key of a key source, derived again only when the material changes (a rotated secret).
 */
export function keyOf(source: TenantTokenKeySource): () => Promise<Uint8Array> {
  let held: { material: string; bytes: Uint8Array } | undefined;
  return async () => {
    const material = await source.material();
    if (held?.material !== material) held = { material, bytes: signingKey(material) };
    return held.bytes;
  };
}

/** `8h`, `30m`, `90s`, `2d` or plain seconds → seconds; undefined when it is none of these. */
export function parseExpiry(text: string): number | undefined {
  const m = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const seconds = Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return seconds > 0 && seconds <= MAX_EXPIRY_SECONDS ? seconds : undefined;
}

/** Refuses what would make a token useless or ambiguous, with a message naming the field. */
export function checkIssueRequest(r: IssueRequest): void {
  if (!NAME.test(r.user)) throw badRequest('The user name must be 1 to 64 letters, digits, or _ . @ -.');
  if (!NAME.test(r.tenant)) throw badRequest('The tenant must be 1 to 64 letters, digits, or _ . @ -.');
  if (r.roles.length === 0 || !r.roles.every((x) => NAME.test(x))) throw badRequest('Give at least one role (-r), each 1 to 64 letters, digits, or _ . @ -.');
  for (const [flag, field, value] of [
    ['-R', 'readPaths', r.readPaths],
    ['-W', 'writePaths', r.writePaths],
  ] as const) {
    const problem = regexProblem(value);
    if (problem) throw badRequest(`The ${field} regex (${flag}) ${problem}.`);
  }
  if (r.expirySeconds !== undefined && !(Number.isInteger(r.expirySeconds) && r.expirySeconds > 0 && r.expirySeconds <= MAX_EXPIRY_SECONDS)) {
    throw badRequest(`The expiry must be a whole number of seconds from 1 to ${MAX_EXPIRY_SECONDS}.`);
  }
}

/** Why a path regex cannot be used, or undefined. Compiled as mayCall compiles it (full match). */
function regexProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_REGEX_LENGTH) return `is longer than ${MAX_REGEX_LENGTH} characters`;
  try {
    new RegExp(`^(?:${pattern})$`);
    return undefined;
  } catch (err) {
    return `does not compile: ${(err as Error).message}`;
  }
}

const invalid = (reason: string) => new GatewayError(401, 'InvalidToken', reason);

export class TenantTokens {
  constructor(
    private readonly store: TenantTokenStore,
    private readonly key: () => Promise<Uint8Array>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates and records a token; answers it once (it is stored nowhere). */
  async issue(r: IssueRequest): Promise<{ token: string; record: TenantTokenRecord }> {
    checkIssueRequest(r);
    const issuedAt = Math.floor(this.now() / 1000);
    const record: TenantTokenRecord = {
      jti: randomUUID(),
      user: r.user,
      tenant: r.tenant,
      roles: r.roles,
      readPaths: r.readPaths,
      writePaths: r.writePaths,
      issuedAt,
      expiresAt: issuedAt + (r.expirySeconds ?? DEFAULT_EXPIRY_SECONDS),
    };
    const token = await new SignJWT({ tenant: r.tenant, roles: r.roles, readPaths: r.readPaths, writePaths: r.writePaths })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(r.user)
      .setJti(record.jti)
      .setIssuedAt(issuedAt)
      .setExpirationTime(record.expiresAt)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .sign(await this.key());
    await this.store.put(record);
    return { token, record };
  }

  /** The caller a token names, or a 401 InvalidToken saying why (never quoting the token). */
  async verify(token: string): Promise<MaintenancePrincipal> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, await this.key(), {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: ['sub', 'jti', 'iat', 'exp'],
        currentDate: new Date(this.now()),
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) throw invalid('The tenant token has expired: create a new one (npm run user-manager).');
      if (err instanceof joseErrors.JOSEError) throw invalid('The tenant token is not valid: its signature, format or claims do not check.');
      throw err; // not the token's fault (e.g. the key could not be read)
    }
    const { sub, jti, tenant } = payload;
    if (typeof sub !== 'string' || typeof jti !== 'string' || typeof tenant !== 'string' || !NAME.test(sub) || !NAME.test(tenant)) {
      throw invalid('The tenant token is not valid: its claims are incomplete.');
    }
    const record = await this.store.get(tenant, sub, jti);
    if (!record) throw invalid('The tenant token was revoked or is unknown to this gateway.');
    if (record.expiresAt * 1000 <= this.now()) throw invalid('The tenant token has expired: create a new one (npm run user-manager).');
    // The record is the authority for rights: the same as the claims unless the store was edited.
    return { kind: 'tenant', user: record.user, tenant: record.tenant, readPaths: record.readPaths, writePaths: record.writePaths, tokenId: record.jti };
  }

  /**
   * The principal of a REST session opened with a tenant token, re-read from the token's record:
   * a 401 InvalidToken once the token was revoked (its record deleted) or has expired, so the
   * session ends with the token. One strongly consistent GetItem, as session/create costs.
   */
  async recheck(p: MaintenancePrincipal): Promise<MaintenancePrincipal> {
    const record = p.tenant && p.tokenId ? await this.store.get(p.tenant, p.user, p.tokenId) : undefined;
    if (!record) throw invalid('The tenant token this REST session was opened with was revoked: the session has ended. Use a new token (npm run user-manager) and create a new session.');
    if (record.expiresAt * 1000 <= this.now()) throw invalid('The tenant token this REST session was opened with has expired: the session has ended. Use a new token (npm run user-manager).');
    return { kind: 'tenant', user: record.user, tenant: record.tenant, readPaths: record.readPaths, writePaths: record.writePaths, tokenId: record.jti };
  }

  list(filter: { tenant?: string; user?: string } = {}): Promise<TenantTokenRecord[]> {
    return this.store.list(filter);
  }

  /** Revokes every token of a tenant user; answers how many. */
  async revokeUser(tenant: string, user: string): Promise<TenantTokenRecord[]> {
    const records = await this.store.list({ tenant, user });
    for (const r of records) await this.store.delete(r);
    return records;
  }

  /** Revokes one token by its id; answers it, or undefined when no such token exists. */
  async revokeToken(jti: string): Promise<TenantTokenRecord | undefined> {
    const record = (await this.store.list({})).find((r) => r.jti === jti);
    if (record) await this.store.delete(record);
    return record;
  }
}
