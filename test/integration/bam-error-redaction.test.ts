import http from 'node:http';
import { inspect } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BamV1Client } from '../../functions/bam/v1-client.js';
import { BamHttpError, BamUnreachableError } from '../../functions/bam/http.js';

const PASSWORD = 'hunter2-secret';

/** Everything an error can show: its message, stack, own fields, as logged or serialised. */
const everything = (err: unknown) => [String(err), (err as Error).stack, inspect(err, { depth: 5 }), JSON.stringify(err)].join('\n');

/** A server that echoes the request target in a 401, as some proxies and servlets do. */
let echo: http.Server;
let echoUrl: string;
/** A server that accepts the request and never answers. */
let hung: http.Server;
let hungUrl: string;
/** A port nothing listens on. */
let closedUrl: string;

const listen = async (s: http.Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  echo = http.createServer((req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `Invalid credentials for ${req.url} (${decodeURIComponent(req.url ?? '')})` }));
  });
  echoUrl = await listen(echo);
  hung = http.createServer(() => undefined);
  hungUrl = await listen(hung);
  const gone = http.createServer();
  closedUrl = await listen(gone);
  await new Promise((r) => gone.close(r));
});
afterAll(async () => {
  hung.closeAllConnections();
  await Promise.all([new Promise((r) => echo.close(r)), new Promise((r) => hung.close(r))]);
});

describe('BAM errors keep only origin and path of a URL (a v1 login carries the password in its query)', () => {
  it('connection refused', async () => {
    const err = await new BamV1Client(closedUrl, 2000).login('alice', PASSWORD).catch((e) => e);
    expect(err).toBeInstanceOf(BamUnreachableError);
    expect(err.url).toBe(`${closedUrl}/Services/REST/v1/login`);
    expect(everything(err)).not.toContain(PASSWORD);
    expect(everything(err)).not.toContain('password=');
  });

  it('timeout', async () => {
    const err = await new BamV1Client(hungUrl, 200).login('alice', PASSWORD).catch((e) => e);
    expect(err).toMatchObject({ name: 'BamUnreachableError', reason: 'timeout' });
    expect(everything(err)).not.toContain(PASSWORD);
  });

  it('an error answer that echoes the request', async () => {
    const err = await new BamV1Client(echoUrl, 2000).login('alice', PASSWORD).catch((e) => e);
    expect(err).toBeInstanceOf(BamHttpError);
    expect(err.status).toBe(401);
    expect(err.url).toBe(`${echoUrl}/Services/REST/v1/login`);
    expect(everything(err)).not.toContain(PASSWORD);
    expect(err.bamMessage).toContain('Invalid credentials');
  });
});
