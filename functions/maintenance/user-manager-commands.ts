import * as z from 'zod/mini';
import { validate } from '../kernel/validation.js';
import { audit } from '../kernel/audit.js';
import { badRequest, notFound } from '../kernel/errors.js';
import type { TenantTokenRecord } from './ports.js';
import type { TenantTokens } from './tenant-token-service.js';

/**
 * What `npm run user-manager` asks, as JSON: the same object goes to the local gateway's
 * `POST /_local/user-manager` or, against AWS, straight to `runUserManagerCommand` in the CLI.
 */
const text = z.string().check(z.maxLength(4000));
const schema = z.object({
  action: z.enum(['create', 'list', 'delete']),
  user: z.optional(text),
  tenant: z.optional(text),
  roles: z.optional(z.array(text)),
  readPaths: z.optional(text),
  writePaths: z.optional(text),
  expirySeconds: z.optional(z.number()),
  tokenId: z.optional(text),
  /** Who runs the command (the operator's login name), for the audit log. */
  operator: z.optional(text),
});
export type UserManagerCommand = z.infer<typeof schema>;

export function parseUserManagerCommand(body: unknown): UserManagerCommand {
  const parsed = validate(schema, body);
  if (!parsed.ok) throw badRequest(`Invalid user-manager command: ${parsed.issues.map((i) => `${i.field || 'body'}: ${i.problem}`).join('; ')}`);
  return parsed.data;
}

/** A token as listed: never the token itself. */
export function tokenSummary(r: TenantTokenRecord, now = Date.now()) {
  return {
    tokenId: r.jti,
    user: r.user,
    tenant: r.tenant,
    roles: r.roles,
    expiresAt: new Date(r.expiresAt * 1000).toISOString(),
    expired: r.expiresAt * 1000 <= now,
    readPaths: r.readPaths,
    writePaths: r.writePaths,
  };
}

export async function runUserManagerCommand(tokens: TenantTokens, cmd: UserManagerCommand) {
  const actor = cmd.operator ?? 'user-manager';
  if (cmd.action === 'create') {
    if (!cmd.user || !cmd.tenant) throw badRequest('Creating a token needs a user (-u) and a tenant (-t).');
    try {
      const { token, record } = await tokens.issue({
        user: cmd.user,
        tenant: cmd.tenant,
        roles: cmd.roles ?? [],
        readPaths: cmd.readPaths ?? '',
        writePaths: cmd.writePaths ?? '',
        ...(cmd.expirySeconds !== undefined ? { expirySeconds: cmd.expirySeconds } : {}),
      });
      audit({ action: 'maintenance', outcome: 'success', actor, target: `tenant-token create ${record.tenant}/${record.user} ${record.jti}` });
      return { action: 'create' as const, token, ...tokenSummary(record) };
    } catch (err) {
      audit({ action: 'maintenance', outcome: 'failure', actor, target: `tenant-token create ${cmd.tenant}/${cmd.user}`, reason: (err as Error).message });
      throw err;
    }
  }
  if (cmd.action === 'list') {
    const records = await tokens.list({ ...(cmd.tenant ? { tenant: cmd.tenant } : {}), ...(cmd.user ? { user: cmd.user } : {}) });
    return { action: 'list' as const, tokens: records.map((r) => tokenSummary(r)) };
  }
  let revoked: TenantTokenRecord[];
  if (cmd.tokenId) {
    const one = await tokens.revokeToken(cmd.tokenId);
    if (!one) throw notFound(`No tenant token with id ${cmd.tokenId}.`);
    revoked = [one];
  } else if (cmd.user && cmd.tenant) {
    revoked = await tokens.revokeUser(cmd.tenant, cmd.user);
  } else {
    throw badRequest('Deleting needs a user and a tenant (-u, -t), or a token id (--token-id).');
  }
  for (const r of revoked) audit({ action: 'maintenance', outcome: 'success', actor, target: `tenant-token revoke ${r.tenant}/${r.user} ${r.jti}` });
  return { action: 'delete' as const, revoked: revoked.map((r) => tokenSummary(r)) };
}

export type UserManagerResult = Awaited<ReturnType<typeof runUserManagerCommand>>;
