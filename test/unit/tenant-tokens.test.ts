import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { InMemoryTenantTokenStore } from '../support/fakes/tenant-token-store.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TenantTokens, signingKey, type IssueRequest } from '../../functions/maintenance/tenant-token-service.js';
import { GatewayError } from '../../functions/kernel/errors.js';

/**
 * Tenant tokens on the in-memory store: sign → verify, and every way a token must fail with 401.
 * (How the DynamoDB adapter records them: test/integration/tenant-token-store.test.ts.)
 */
const store = new InMemoryTenantTokenStore();
const material = randomBytes(32).toString('base64');
const key = signingKey(material);
let clock = Date.now();
const tokens = () =>
  new TenantTokens(
    store,
    async () => key,
    () => clock,
  );

const request: IssueRequest = {
  user: 'tenant_user',
  tenant: 'myTenant',
  roles: ['airlock-administrator'],
  writePaths: '^\\/session\\/(create|terminate)|\\/configuration\\/configurations\\/(load-active|activate)|\\/configuration\\/back-end-groups\\/[^/]+\\/host-mode$',
  readPaths: '^\\/configuration\\/.*|\\/system\\/status\\/.*$',
};

async function rejection(p: Promise<unknown>): Promise<GatewayError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GatewayError);
  return err as GatewayError;
}

describe('tenant tokens', () => {
  it('a created token verifies into the tenant principal with its path rights', async () => {
    const { token, record } = await tokens().issue(request);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'tenant_user', tenant: 'myTenant', roles: ['airlock-administrator'], iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, jti: record.jti });
    expect(claims.exp! - claims.iat!).toBe(8 * 3600);
    await expect(tokens().verify(token)).resolves.toEqual({
      kind: 'tenant',
      user: 'tenant_user',
      tenant: 'myTenant',
      readPaths: request.readPaths,
      writePaths: request.writePaths,
      tokenId: record.jti,
    });
  });

  it('an expired token is refused with 401 InvalidToken saying it expired', async () => {
    const { token } = await tokens().issue({ ...request, expirySeconds: 60 });
    clock += 61_000;
    try {
      const err = await rejection(tokens().verify(token));
      expect(err).toMatchObject({ status: 401, code: 'InvalidToken' });
      expect(err.message).toMatch(/expired/);
      expect(err.message).not.toContain(token);
    } finally {
      clock = Date.now();
    }
  });

  it("a REST session's principal stays valid only while its token is: revoked or expired, 401 saying which", async () => {
    const live = await tokens().issue({ ...request, user: 'session_user', expirySeconds: 60 });
    const principal = await tokens().verify(live.token);
    await expect(tokens().recheck(principal)).resolves.toEqual(principal);
    clock += 61_000;
    try {
      const expired = await rejection(tokens().recheck(principal));
      expect(expired).toMatchObject({ status: 401, code: 'InvalidToken' });
      expect(expired.message).toMatch(/expired/);
    } finally {
      clock = Date.now();
    }
    await tokens().revokeToken(live.record.jti);
    const revoked = await rejection(tokens().recheck(principal));
    expect(revoked).toMatchObject({ status: 401, code: 'InvalidToken' });
    expect(revoked.message).toMatch(/revoked/);
    // A tenant principal without a token id (never issued by verify) names no live token.
    expect((await rejection(tokens().recheck({ ...principal, tokenId: undefined }))).message).toMatch(/revoked/);
  });

  it('a tampered token (claims changed, signature kept) is refused', async () => {
    const { token } = await tokens().issue(request);
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, writePaths: '.*' })).toString('base64url');
    expect(await rejection(tokens().verify(`${h}.${forged}.${s}`))).toMatchObject({ status: 401, code: 'InvalidToken' });
  });

  it('a token signed with another key, alg none, or for another audience is refused', async () => {
    const other = new TenantTokens(
      store,
      async () => signingKey(randomBytes(32).toString('base64')),
      () => clock,
    );
    const { token: foreign } = await other.issue(request); // recorded, yet signed with the wrong key
    expect(await rejection(tokens().verify(foreign))).toMatchObject({ status: 401, code: 'InvalidToken' });
    const { token, record } = await tokens().issue(request);
    const [, p] = token.split('.');
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    expect(await rejection(tokens().verify(none))).toMatchObject({ status: 401 });
    const wrongAud = await new SignJWT({ tenant: 'myTenant', readPaths: '.*', writePaths: '.*' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('tenant_user')
      .setJti(record.jti)
      .setIssuedAt()
      .setExpirationTime('1h')
      .setIssuer(TOKEN_ISSUER)
      .setAudience('someone-else')
      .sign(key);
    expect(await rejection(tokens().verify(wrongAud))).toMatchObject({ status: 401 });
    expect(await rejection(tokens().verify('not a token'))).toMatchObject({ status: 401 });
  });

  it('a correctly signed token whose jti was never recorded, or was revoked, is refused at once', async () => {
    const unrecorded = await new SignJWT({ tenant: 'myTenant', roles: ['x'], readPaths: '.*', writePaths: '.*' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('tenant_user')
      .setJti('never-issued')
      .setIssuedAt()
      .setExpirationTime('1h')
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .sign(key);
    expect((await rejection(tokens().verify(unrecorded))).message).toMatch(/revoked or is unknown/);

    const a = await tokens().issue({ ...request, user: 'revoked_user' });
    const b = await tokens().issue({ ...request, user: 'revoked_user' });
    const kept = await tokens().issue({ ...request, user: 'kept_user' });
    const byId = await tokens().issue({ ...request, user: 'kept_user' });
    await tokens().verify(a.token);
    expect((await tokens().revokeUser('myTenant', 'revoked_user')).map((r) => r.jti).sort()).toEqual([a.record.jti, b.record.jti].sort());
    for (const tok of [a.token, b.token]) expect(await rejection(tokens().verify(tok))).toMatchObject({ status: 401, code: 'InvalidToken' });
    expect(await tokens().revokeToken(byId.record.jti)).toMatchObject({ jti: byId.record.jti });
    expect(await rejection(tokens().verify(byId.token))).toMatchObject({ status: 401 });
    await expect(tokens().verify(kept.token)).resolves.toMatchObject({ user: 'kept_user' });
  });

  it("lists all tokens, a tenant's or a user's, without the token", async () => {
    await tokens().issue({ ...request, tenant: 'otherTenant', user: 'ops' });
    const all = await tokens().list();
    expect(all.some((r) => r.tenant === 'otherTenant')).toBe(true);
    expect((await tokens().list({ tenant: 'otherTenant' })).map((r) => r.user)).toEqual(['ops']);
    expect((await tokens().list({ user: 'ops' })).map((r) => r.tenant)).toEqual(['otherTenant']);
    expect((await tokens().list({ tenant: 'myTenant', user: 'kept_user' })).every((r) => r.user === 'kept_user')).toBe(true);
  });

  it('refuses at creation a regex that does not compile, or a name that could break the table keys', async () => {
    const err = await rejection(tokens().issue({ ...request, writePaths: '^/session/(create' }));
    expect(err).toMatchObject({ status: 400 });
    expect(err.message).toMatch(/writePaths regex \(-W\) does not compile/);
    expect((await rejection(tokens().issue({ ...request, readPaths: '[' }))).message).toMatch(/readPaths regex \(-R\)/);
    expect((await rejection(tokens().issue({ ...request, tenant: 'a#USER#b' }))).message).toMatch(/tenant/);
    expect((await rejection(tokens().issue({ ...request, roles: [] }))).message).toMatch(/role/);
  });
});
