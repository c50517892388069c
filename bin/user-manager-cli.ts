import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import type { UserManagerCommand, UserManagerResult } from '../functions/maintenance/user-manager-commands.js';
import { parseExpiry } from '../functions/maintenance/tenant-token-service.js';

/**
 * `npm run user-manager`, mirroring Airlock's airlock-user-manager-tool. Locally it sends the
 * parsed command to the running `npm start` (POST /_local/user-manager, which holds the table
 * and key); against AWS (--table and --secret-arn) it runs the same command code here with the
 * operator's AWS credentials. Answers the exit code: 0 done, 1 failed, 2 bad usage.
 */
export const USAGE = `Usage: npm run -s user-manager -- [options]

Create a tenant user's token (printed once; the gateway keeps only its id):
  -u, --user <name>          tenant user
  -t, --tenant <name>        tenant
  -r, --role <role>          role (repeat, or comma-separated), e.g. airlock-administrator
  -W, --write-paths <regex>  paths (after /airlock/rest) the token may POST/PUT/PATCH/DELETE, full match
  -R, --read-paths <regex>   paths the token may GET, full match (a missing regex grants nothing)
      --expiry <time>        lifetime: 8h (default), 30m, 2d, 3600 (seconds)
  -j, --jwt  -s, --set       accepted for airlock-user-manager-tool compatibility (always on)
  -J, --json                 print Airlock's JSON shape instead of the bare token
List or revoke:
      --list                 all tokens, or those of -t / -u (id, user, tenant, expiry, paths; never the token)
      --delete -u <u> -t <t> revoke every token of that tenant user, at once
      --delete --token-id <id>  revoke one token
Where:
  (default)                  the local gateway of \`npm start\` at http://127.0.0.1:\${PORT:-3000}
  --table <name> --secret-arn <arn> [--region <r>]
                             a deployed stack: its outputs TableName and TenantTokenSecretArn
                             (uses your AWS credentials; --stack <name> alone is not enough)
  -h, --help                 this text
`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

const OPTIONS = {
  user: { type: 'string', short: 'u' },
  tenant: { type: 'string', short: 't' },
  role: { type: 'string', short: 'r', multiple: true },
  jwt: { type: 'boolean', short: 'j' },
  set: { type: 'boolean', short: 's' },
  'write-paths': { type: 'string', short: 'W' },
  'read-paths': { type: 'string', short: 'R' },
  json: { type: 'boolean', short: 'J' },
  expiry: { type: 'string' },
  list: { type: 'boolean' },
  delete: { type: 'boolean' },
  'token-id': { type: 'string' },
  stack: { type: 'string' },
  region: { type: 'string' },
  table: { type: 'string' },
  'secret-arn': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: false }>>['values'];

export async function userManager(argv: string[], io: CliIo): Promise<number> {
  let values: Values;
  let command: UserManagerCommand;
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
    if (values.help) {
      io.out(USAGE);
      return 0;
    }
    checkAwsTarget(values);
    command = toCommand(values);
  } catch (err) {
    io.err(`user-manager: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    const aws = values.table !== undefined || values['secret-arn'] !== undefined || values.stack !== undefined;
    const answer = aws ? await runInAws(values, command, io) : await runLocally(io.env, command);
    if ('error' in answer) {
      io.err(`user-manager: ${answer.error}`);
      return answer.usage ? 2 : 1;
    }
    print(answer.result, values.json === true, io);
    return 0;
  } catch (err) {
    io.err(`user-manager: ${(err as Error).message}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

/** Against AWS both names are needed: reading them from the stack would need a package this project does not carry. */
function checkAwsTarget(v: Values): void {
  if ((v.table !== undefined || v['secret-arn'] !== undefined || v.stack !== undefined) && (!v.table || !v['secret-arn'])) {
    throw new UsageError(
      'against AWS, give --table and --secret-arn: the stack outputs TableName and TenantTokenSecretArn ' +
        `(aws cloudformation describe-stacks --stack-name ${v.stack ?? '<name>'} --query "Stacks[0].Outputs")`,
    );
  }
}

function toCommand(v: Values): UserManagerCommand {
  if (v.list && v.delete) throw new UsageError('choose one of --list and --delete');
  const operator = safeUserName();
  const who = { ...(v.user !== undefined ? { user: v.user } : {}), ...(v.tenant !== undefined ? { tenant: v.tenant } : {}), ...(operator ? { operator } : {}) };
  if (v.list) return { action: 'list', ...who };
  if (v.delete) {
    if (v['token-id']) return { action: 'delete', tokenId: v['token-id'], ...who };
    if (!v.user || !v.tenant) throw new UsageError('--delete needs -u <user> and -t <tenant>, or --token-id <id>');
    return { action: 'delete', ...who };
  }
  if (v['token-id']) throw new UsageError('--token-id goes with --delete');
  if (!v.user || !v.tenant) throw new UsageError('creating a token needs -u <user> and -t <tenant> (or use --list / --delete)');
  const roles = (v.role ?? [])
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  if (roles.length === 0) throw new UsageError('creating a token needs a role: -r <role>');
  let expirySeconds: number | undefined;
  if (v.expiry !== undefined) {
    expirySeconds = parseExpiry(v.expiry);
    if (expirySeconds === undefined) throw new UsageError(`--expiry must be like 8h, 30m, 2d or a number of seconds (at most 366 days), got "${v.expiry}"`);
  }
  return { action: 'create', ...who, roles, readPaths: v['read-paths'] ?? '', writePaths: v['write-paths'] ?? '', ...(expirySeconds !== undefined ? { expirySeconds } : {}) };
}

function safeUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

type Answer = { result: UserManagerResult } | { error: string; usage: boolean };

async function runLocally(env: NodeJS.ProcessEnv, command: UserManagerCommand): Promise<Answer> {
  const url = `http://127.0.0.1:${env.PORT || 3000}`;
  let res: Response;
  try {
    res = await fetch(`${url}/_local/user-manager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(command) });
  } catch {
    return { error: `nothing answers at ${url}: start the gateway with \`npm start\` first (in another terminal), or set PORT to the port it runs on.`, usage: false };
  }
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  if (res.ok) return { result: body as UserManagerResult };
  if (res.status === 404 && !body.message?.includes('tenant token')) return { error: `${url} is not a local gateway with the user-manager control (${body.message ?? res.status}).`, usage: false };
  return { error: body.message ?? `the gateway answered ${res.status}`, usage: res.status === 400 };
}

async function runInAws(v: Values, command: UserManagerCommand, io: CliIo): Promise<Answer> {
  if (!v.table || !v['secret-arn']) throw new UsageError('--table and --secret-arn are both needed');
  if (v.region) process.env.AWS_REGION = v.region;
  const { makeDocumentClient } = await import('../functions/adapters/dynamo.js');
  const { DynamoTenantTokenStore } = await import('../functions/adapters/tenant-token-store.js');
  const { readTenantTokenSecret } = await import('../functions/adapters/tenant-token-key.js');
  const { TenantTokens, signingKey } = await import('../functions/maintenance/tenant-token-service.js');
  const { runUserManagerCommand } = await import('../functions/maintenance/user-manager-commands.js');
  const { GatewayError } = await import('../functions/kernel/errors.js');
  // The audit entries of this run go to the operator's terminal (stderr: stdout carries the token).
  (await import('../functions/kernel/audit.js')).setAuditSink((e) => io.err(JSON.stringify(e)));
  const db = makeDocumentClient();
  const arn = v['secret-arn'];
  let key: Uint8Array | undefined;
  const tokens = new TenantTokens(new DynamoTenantTokenStore(db, v.table), async () => (key ??= signingKey(await readTenantTokenSecret(arn, v.region))));
  try {
    return { result: await runUserManagerCommand(tokens, command) };
  } catch (err) {
    if (err instanceof GatewayError) return { error: err.message, usage: err.status === 400 };
    throw err;
  } finally {
    db.destroy();
  }
}

function print(result: UserManagerResult, json: boolean, io: CliIo): void {
  if (result.action === 'create') {
    if (json) {
      io.out(
        JSON.stringify(
          { [result.user]: { roles: result.roles.join(','), token: result.token, tokenExpired: String(result.expired), readPaths: result.readPaths, writePaths: result.writePaths } },
          null,
          2,
        ),
      );
    } else {
      io.out(result.token);
      io.err(`token ${result.tokenId} for ${result.tenant}/${result.user}, expires ${result.expiresAt}`);
    }
    return;
  }
  const rows = result.action === 'list' ? result.tokens : result.revoked;
  if (json) {
    io.out(JSON.stringify(rows, null, 2));
    return;
  }
  if (result.action === 'delete') io.out(`revoked ${rows.length} token${rows.length === 1 ? '' : 's'}`);
  else if (rows.length === 0) io.out('no tokens');
  for (const r of rows) {
    io.out(`${r.tokenId}  ${r.tenant}/${r.user}  ${r.expired ? 'expired' : 'expires'} ${r.expiresAt}  roles=${r.roles.join(',')}  read=${r.readPaths}  write=${r.writePaths}`);
  }
}
