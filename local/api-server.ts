import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ApiFunction } from '../functions/kernel/route-table.js';
import { selectRoute } from '../functions/wiring/all-routes.js';
import { lambdaContext } from './lambda-context.js';
import { listenReusable } from './reusable-port.js';
import { serveUi } from './ui-static.js';
import { withSecurityBaseline } from './response-headers.js';

export type HttpLambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Local-only routes (`/_local/...`), answered before API routing; never part of the deployed API. */
export type LocalControls = (method: string, path: string, body: string, servingNode?: string) => Promise<{ status: number; body: unknown } | undefined>;

/** API Gateway's own payload limit: larger requests never reach a Lambda. */
const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;

/**
 * Emulates an API Gateway HTTP API: turns each request into a payload-2.0 event, picks the route
 * as API Gateway would, and invokes the Lambda function (functions/lambdas/*) that serves it.
 */
export class LocalApiServer {
  private server?: http.Server;
  url = '';

  constructor(
    private readonly functions: Record<ApiFunction, HttpLambda>,
    private readonly controls: LocalControls,
    /** The node this server belongs to, so a control can tell a request about the node itself. */
    private readonly nodeId?: string,
  ) {}

  async listen(port: number): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    this.url = `http://127.0.0.1:${await listenReusable(this.server, port)}`;
    return this;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const send = (status: number, headers: Record<string, string | string[]>, body: string | Buffer) => {
      if (res.destroyed || res.headersSent) return; // the client is gone: nobody to answer
      res.writeHead(status, withSecurityBaseline(headers));
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const fail = (status: number, code: string, message: string, extra: Record<string, string> = {}) =>
      send(status, { 'content-type': 'application/json', ...extra }, JSON.stringify({ code, message, status }));
    try {
      const raw = await readBody(req);
      if (raw === 'aborted') return; // a client that hangs up is not an error
      if (raw === 'too-large') {
        // API Gateway's own limit; close, so the rest of the upload is not read.
        fail(413, 'PayloadTooLarge', `Request bodies are limited to ${API_GATEWAY_MAX_BODY / 1024 / 1024} MB.`, { connection: 'close' });
        res.once('finish', () => req.destroy());
        return;
      }
      const url = parseTarget(req.url);
      if (!url) return fail(400, 'BadRequest', 'The request target is not a valid path.');
      const method = (req.method ?? 'GET').toUpperCase();
      if (url.pathname.startsWith('/_local/')) {
        const refused = foreignControlRequest(req, method);
        if (refused) return fail(403, 'Forbidden', refused);
        // HEAD is GET without a body (and node b's control client may send no body with either).
        const answer = await this.controls(method === 'HEAD' ? 'GET' : method, url.pathname, method === 'HEAD' ? '' : raw.toString('utf8'), this.nodeId);
        if (answer) return send(answer.status, { 'content-type': 'application/json' }, JSON.stringify(answer.body));
      }
      // The web UI's pages and assets, on the API's origin (CloudFront does the same in AWS).
      const page = await serveUi(method, url.pathname);
      if (page) return send(page.status, page.headers, page.body);
      const route = selectRoute(method, url.pathname);
      const event = toEvent(req, url, method, raw, route.routeKey);
      const result = await this.functions[route.fn](event, lambdaContext(`gateway-${route.fn}`, 29_000));
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
      if (result.cookies?.length) headers['set-cookie'] = result.cookies;
      const body = result.body ?? '';
      send(result.statusCode ?? 200, headers, result.isBase64Encoded ? Buffer.from(body, 'base64').toString('binary') : body);
    } catch (err) {
      if (req.destroyed && !req.complete) return; // aborted mid-request: not a crash
      // What API Gateway answers when the integration itself fails, in the gateway's error shape.
      console.error('local api: handler crashed', err);
      fail(500, 'InternalServerError', 'Internal Server Error');
    }
  }
}

/**
 * Why a request to a local control must be refused, if it must: the controls stop servers and mint
 * tenant tokens, so a web page the operator visits must not reach them. A browser's cross-site
 * request (Sec-Fetch-Site, or an Origin not on loopback), or a Host not on loopback (DNS
 * rebinding), is refused; curl, the scripts and node b's worker send neither.
 */
export function foreignControlRequest(req: http.IncomingMessage, method: string): string | undefined {
  const loopback = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;
  const host = req.headers.host ?? '';
  if (host && !loopback.test(host)) return `Local controls answer only on a loopback Host, not ${host}.`;
  if (method === 'GET' || method === 'HEAD') return undefined;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return 'Local controls refuse cross-site requests.';
  const origin = req.headers.origin;
  // The page must come from this very server: another dev server on a loopback port is another site.
  if (origin && origin !== 'null' && origin.replace(/^https?:\/\//, '').toLowerCase() !== host.toLowerCase()) return `Local controls refuse requests from ${origin}.`;
  if (origin === 'null') return 'Local controls refuse requests from an opaque origin.';
  return undefined;
}

/** The request body, or why there is none to serve: the client hung up, or it is over API Gateway's limit. */
function readBody(req: http.IncomingMessage): Promise<Buffer | 'aborted' | 'too-large'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > API_GATEWAY_MAX_BODY) {
        req.off('data', onData);
        req.pause();
        resolve('too-large');
      } else chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', () => resolve('aborted'));
    req.once('close', () => {
      if (!req.complete) resolve('aborted');
    });
  });
}

/** The request target as a URL, or undefined when it cannot be one (`//[`, a bare `*`, ...). */
function parseTarget(target = '/'): URL | undefined {
  if (!target.startsWith('/')) return undefined;
  try {
    // Resolved against an origin, never as a reference: `//host` would otherwise become a host.
    return new URL(`http://localhost${target}`);
  } catch {
    return undefined;
  }
}

function toEvent(req: http.IncomingMessage, url: URL, method: string, raw: Buffer, routeKey: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    // HTTP APIs move cookies out of the headers into `cookies`, and join repeated headers with commas.
    if (name === 'cookie')
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    else headers[name] = headers[name] ? `${headers[name]},${value}` : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] ? `${query[k]},${v}` : v;
  const now = new Date();
  const isText = raw.length === 0 || /json|text|xml|x-www-form-urlencoded/.test(headers['content-type'] ?? 'application/json');
  const proxy = routeKey.includes('{proxy+}') ? url.pathname.slice(routeKey.split(' ')[1]!.indexOf('{proxy+}')) : undefined;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(proxy ? { pathParameters: { proxy } } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(raw.length ? { body: isText ? raw.toString('utf8') : raw.toString('base64') } : {}),
    isBase64Encoded: !isText,
  };
}
