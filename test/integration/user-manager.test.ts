import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLocalStack, type LocalStack } from '../../local/runtime.js';
import { userManager } from '../../bin/user-manager-cli.js';
import type { MaintenancePrincipal } from '../../functions/maintenance/domain/contract.js';

/**
 * `npm run user-manager` against a running local gateway (startLocalStack, as `npm start`): the CLI
 * reaches it over HTTP, and the tokens it prints verify in the gateway until they are deleted.
 */
let stack: LocalStack;
let port: string;
let verify: (token: string) => Promise<MaintenancePrincipal>;

beforeAll(async () => {
  stack = await startLocalStack();
  port = new URL(stack.url).port;
  // Imported after the stack set TABLE_NAME, AWS_ENDPOINT_URL_DYNAMODB and TENANT_TOKEN_KEY, as the gateway's functions are.
  verify = (await import('../../functions/wiring/tenant-tokens.js')).verifyTenantToken;
});
afterAll(async () => stack?.close());

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await userManager(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: { PORT: port } });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const refusal = (token: string) =>
  verify(token).then(
    () => undefined,
    (e: { status?: number; code?: string }) => ({ status: e.status, code: e.code }),
  );
const W = '^\\/session\\/(create|terminate)|\\/configuration\\/configurations\\/(load-active|activate)|\\/configuration\\/back-end-groups\\/\\d{1,10}\\/host-mode$';

describe('npm run user-manager against the local gateway', () => {
  it('creates a token (the Airlock user-manager flags) that the gateway accepts, with its path rights', async () => {
    const r = await run('-s', '-u', 'tenant_user', '-j', '-r', 'airlock-administrator', '-W', W, '-R', '^\\/configuration\\/.*$', '-t', 'myTenant');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/); // the token alone on stdout, for TOKEN=$(...)
    await expect(verify(r.out)).resolves.toMatchObject({ kind: 'tenant', user: 'tenant_user', tenant: 'myTenant', writePaths: W, readPaths: '^\\/configuration\\/.*$' });
  });

  it("prints Airlock's JSON shape with -J", async () => {
    const r = await run('-s', '-j', '-J', '-u', 'json_user', '-t', 'myTenant', '-r', 'airlock-administrator', '-R', '.*', '-W', '.*');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as Record<string, Record<string, string>>;
    expect(doc).toEqual({ json_user: { roles: 'airlock-administrator', token: expect.any(String), tokenExpired: 'false', readPaths: '.*', writePaths: '.*' } });
    await expect(verify(doc.json_user!.token!)).resolves.toMatchObject({ user: 'json_user' });
  });

  it('lists tokens without the token itself, filtered by tenant or user', async () => {
    const created = await run('-u', 'lister', '-t', 'listTenant', '-r', 'reader', '-R', '.*', '--expiry', '30m');
    const all = await run('--list');
    expect(all.code).toBe(0);
    expect(all.out).toContain('listTenant/lister');
    expect(all.out).not.toContain(created.out);
    const mine = await run('--list', '-J', '-t', 'listTenant');
    const rows = JSON.parse(mine.out) as { user: string; tenant: string; tokenId: string; expiresAt: string; readPaths: string }[];
    expect(rows).toEqual([expect.objectContaining({ user: 'lister', tenant: 'listTenant', readPaths: '.*', tokenId: expect.any(String) })]);
    expect(Date.parse(rows[0]!.expiresAt) - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    expect(mine.out).not.toContain(created.out);
  });

  it("--delete revokes all of a user's tokens at once; --token-id revokes one", async () => {
    const a = (await run('-u', 'leaver', '-t', 'myTenant', '-r', 'x', '-W', '.*')).out;
    const b = (await run('-u', 'leaver', '-t', 'myTenant', '-r', 'x', '-W', '.*')).out;
    const other = (await run('-u', 'stayer', '-t', 'myTenant', '-r', 'x', '-W', '.*')).out;
    await verify(a);
    const del = await run('--delete', '-u', 'leaver', '-t', 'myTenant');
    expect(del.code).toBe(0);
    expect(del.out).toMatch(/^revoked 2 tokens/);
    expect(await refusal(a)).toEqual({ status: 401, code: 'InvalidToken' });
    expect(await refusal(b)).toEqual({ status: 401, code: 'InvalidToken' });
    await expect(verify(other)).resolves.toMatchObject({ user: 'stayer' });

    const id = (await verify(other)).tokenId!;
    expect((await run('--delete', '--token-id', id)).code).toBe(0);
    expect(await refusal(other)).toEqual({ status: 401, code: 'InvalidToken' });
    const again = await run('--delete', '--token-id', id);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/No tenant token with id/);
  });

  it('refuses a regex that does not compile, naming the flag (exit 2, nothing created)', async () => {
    const r = await run('-u', 'bad_regex', '-t', 'myTenant', '-r', 'x', '-W', '^/session/(create');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/writePaths regex \(-W\) does not compile/);
    expect((await run('--list', '-u', 'bad_regex')).out).toBe('no tokens');
  });

  it('bad flags and incomplete commands print a clear error and the usage, exit 2', async () => {
    for (const argv of [['--bogus'], ['-u', 'x'], ['-u', 'x', '-t', 'y'], ['--list', '--delete'], ['--delete', '-u', 'x'], ['-u', 'x', '-t', 'y', '-r', 'z', '--expiry', 'soon'], ['stray']]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/^user-manager: .+/);
      expect(r.err).toContain('Usage: npm run -s user-manager');
    }
    expect((await run('--stack', 'prod')).err).toMatch(/--table and --secret-arn/);
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('--delete -u <u> -t <t>');
  });

  it('says to start npm start (or set PORT) when nothing answers', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await userManager(['--list'], { out: (l) => out.push(l), err: (l) => err.push(l), env: { PORT: '1' } });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/nothing answers at http:\/\/127\.0\.0\.1:1: start the gateway with `npm start` first .*or set PORT/);
  });

  it('works as the npm script a newcomer types, in another process', async () => {
    const exec = promisify(execFile);
    const created = await exec('npm', ['run', '-s', 'user-manager', '--', '-u', 'cli_user', '-t', 'myTenant', '-r', 'airlock-administrator', '-R', '.*', '-W', '.*'], {
      env: { ...process.env, PORT: port },
    });
    await expect(verify(created.stdout.trim())).resolves.toMatchObject({ user: 'cli_user' });
    const bad = await exec('npm', ['run', '-s', 'user-manager', '--', '--bogus'], { env: { ...process.env, PORT: port } }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toMatch(/Unknown option '--bogus'/);
  });
});

describe('the local control behind the CLI', () => {
  it('answers a 400 JSON error for a body that is not a user-manager command', async () => {
    for (const body of ['not json', '{"command":"nope"}', '[]', '']) {
      const res = await fetch(`${stack.url}/_local/user-manager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, body).toBe(400);
      expect(await res.json(), body).toMatchObject({ code: expect.any(String), message: expect.any(String), status: 400 });
    }
  });
});
