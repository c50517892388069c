import { beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { InMemoryTenantTokenStore } from '../support/fakes/tenant-token-store.js';
import { TenantTokens, signingKey } from '../../functions/maintenance/tenant-token-service.js';
import { mayCall, type MaintenancePrincipal } from '../../functions/maintenance/domain/contract.js';

/** The path rights a verified token carries, as mayCall enforces them: full match, GET → readPaths, others → writePaths. */
let principal: MaintenancePrincipal;

beforeAll(async () => {
  const key = signingKey(randomBytes(32).toString('base64'));
  const tokens = new TenantTokens(new InMemoryTenantTokenStore(), async () => key);
  // Airlock's example tenant user, with our back-end group in place of virtual hosts.
  const { token } = await tokens.issue({
    user: 'tenant_user',
    tenant: 'myTenant',
    roles: ['airlock-administrator'],
    writePaths: '^\\/session\\/(create|terminate)|\\/configuration\\/configurations\\/(load-active|activate)|\\/configuration\\/back-end-groups\\/(1|address-manager)\\/host-mode$',
    readPaths: '^\\/configuration\\/(back-end-groups.*)|\\/system\\/status\\/.*$',
  });
  principal = await tokens.verify(token);
});

describe("a tenant token's path rights", () => {
  it('allow the writes its writePaths match, including /session/create as a write', () => {
    for (const path of ['/session/create', '/session/terminate', '/configuration/configurations/load-active', '/configuration/configurations/activate', '/configuration/back-end-groups/1/host-mode']) {
      expect(mayCall(principal, 'POST', path), path).toBe(true);
    }
    expect(mayCall(principal, 'DELETE', '/session/terminate')).toBe(true);
  });

  it('refuse writes outside writePaths, and GET of a write-only path', () => {
    expect(mayCall(principal, 'POST', '/configuration/back-end-groups/2/host-mode')).toBe(false);
    expect(mayCall(principal, 'PATCH', '/configuration/back-end-groups/1')).toBe(false);
    expect(mayCall(principal, 'PUT', '/system/status/node')).toBe(false); // readable, not writable
    expect(mayCall(principal, 'GET', '/session/create')).toBe(false);
  });

  it('use readPaths for GET, as a full match (a prefix or a suffix is not enough)', () => {
    expect(mayCall(principal, 'GET', '/configuration/back-end-groups')).toBe(true);
    expect(mayCall(principal, 'GET', '/system/status/back-end-groups/address-manager')).toBe(true);
    expect(mayCall(principal, 'GET', '/configuration/configurations')).toBe(false);
    expect(mayCall(principal, 'POST', '/session/create/extra')).toBe(false);
    expect(mayCall(principal, 'POST', '/x/session/create')).toBe(false);
  });
});
