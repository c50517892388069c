import { audit, typedUsername } from '../../kernel/audit.js';
import { clientAddress } from '../../kernel/client-address.js';
import { GatewayError } from '../../kernel/errors.js';
import { json, type HttpResult } from '../../kernel/http.js';
import { throttleKeys } from '../domain/login-backoff.js';
import { secretsEqual, sessionCookie } from '../domain/tokens.js';
import type { LoginLimits, LoginThrottle } from '../login-throttle.js';
import { deviceCookieAfterLogin, deviceOf } from '../login-devices.js';
import { errorResponse } from '../../kernel/http-errors.js';
import { parseLoginRequest } from '../login-request.js';
import type { SessionService } from '../session-service.js';
import type { Route } from '../../kernel/http-route.js';
import type { GatewayConfig } from '../../kernel/gateway-config.js';

/** What the login needs (the wiring gives it). */
export interface LoginDeps {
  config: Pick<GatewayConfig, 'credentialKey' | 'localMode' | 'service'>;
  /** The credential key this process holds (the device cookies' key derives from it). */
  heldCredentialKey: () => GatewayConfig['credentialKey'] | undefined;
  sessionService: Pick<SessionService, 'login'>;
  throttle: LoginThrottle;
  limits: LoginLimits;
}

/**
 * What an unauthenticated caller may learn from a failed login (docs/security.md): that the credentials
 * were wrong, or that Address Manager could not be used now; never BAM's own text or a server URL.
 * Errors the gateway words itself (bad alias, failover 503, no Primary yet) pass through.
 */
function publicLoginError(err: unknown): { error: unknown; wrongCredentials: boolean } {
  if (!(err instanceof GatewayError)) return { error: err, wrongCredentials: false }; // the failover 503 among them
  if (err.status === 401) return { error: new GatewayError(401, 'Unauthorized', 'Invalid username or password.'), wrongCredentials: true };
  const generic: Record<string, GatewayError> = {
    AddressManagerError: new GatewayError(502, 'AddressManagerError', 'Address Manager could not complete the login. Try again later.'),
    AddressManagerUnreachable: new GatewayError(502, 'AddressManagerUnreachable', 'Address Manager cannot be reached. Try again later.'),
    AddressManagerTimeout: new GatewayError(504, 'AddressManagerTimeout', 'Address Manager did not answer in time. Try again later.'),
  };
  return { error: generic[err.code] ?? err, wrongCredentials: false };
}

/** POST /rest_login: logs in to BAM and answers BlueCat's `{"access_token": "BAMAuthToken: <token>"}`. */
export function loginRoute(deps: () => LoginDeps): Route {
  return { auth: 'public', handle: (event, context) => login(deps(), event, context) };
}

async function login(d: LoginDeps, event: Parameters<Route['handle']>[0], context: Parameters<Route['handle']>[1]): Promise<HttpResult> {
  const body = parseLoginRequest(event);
  const { sessionService, config } = d;
  const loginThrottle = () => d.throttle;
  const loginLimitsNow = () => d.limits;
  const sourceIp = clientAddress(event);
  // Until BAM accepts it, the username is only what was typed: the audit log keeps a tame form of it.
  const who = { actor: typedUsername(body.username), sourceIp, target: body.bam_alias ?? body.bam_url ?? 'default', correlationId: context.awsRequestId };
  // A browser that logged in as this user before shows its device cookie: failures elsewhere cannot refuse it.
  const device = deviceOf({ ...config, held: d.heldCredentialKey }, event.cookies, body.username, loginLimitsNow().knownClientMs);
  const keys = throttleKeys(body.username, sourceIp, config.service.username, device);
  // The service credentials are known here: a right attempt takes no place in flight, so parallel
  // service logins never pace each other. Whatever refuses a wrong attempt (a blocked counter, a
  // full count in flight) refuses it too, so a refusal tells an attacker nothing.
  const knownRight = secretsEqual(body.username, config.service.username) && secretsEqual(body.password, config.service.password);
  const admission = await loginThrottle().admit(keys, { knownRight });
  if (admission.admitted && admission.delayMs > 0) await new Promise((r) => setTimeout(r, admission.delayMs)); // failures elsewhere slow it
  // Operators see that an attack slows a user's logins (the login entries below say by how much).
  const slowed = admission.admitted && admission.slowedMs > 0 ? `slowed ${admission.slowedMs} ms by failed logins elsewhere` : undefined;
  if (!admission.admitted) {
    audit({ action: 'login-throttled', outcome: 'denied', ...who, reason: admission.reason });
    const refusal = new GatewayError(429, 'TooManyLoginAttempts', 'Too many login attempts. Try again later.', undefined, { 'retry-after': String(admission.retryAfterSeconds) });
    return errorResponse(refusal, context.awsRequestId);
  }
  let token: string;
  try {
    ({ token } = await sessionService.login(body));
  } catch (err) {
    const { error, wrongCredentials } = publicLoginError(err);
    await loginThrottle().finished(keys, admission, wrongCredentials ? 'wrong-credentials' : 'other');
    const why = wrongCredentials ? 'wrong credentials' : error instanceof GatewayError ? error.code : 'error';
    audit({ action: 'login', outcome: 'failure', ...who, reason: slowed ? `${why}; ${slowed}` : why });
    // Answered here, not thrown: the refusal is audited above as a login, not again as a 401.
    return errorResponse(error, context.awsRequestId);
  }
  await loginThrottle().finished(keys, admission, 'success');
  audit({ action: 'login', outcome: 'success', ...who, actor: body.username, ...(slowed ? { reason: slowed } : {}) });
  // A browser-session cookie: closing the browser ends it; the server keeps the idle timeout and
  // the absolute lifetime (docs/api.md), whatever a client does with the cookie.
  const cookies = [sessionCookie(token, undefined, config.localMode), ...deviceCookieAfterLogin({ ...config, held: d.heldCredentialKey }, body.username, device, loginLimitsNow().knownClientMs)];
  return json(200, { access_token: `BAMAuthToken: ${token}` }, {}, cookies);
}
