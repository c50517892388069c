import type { Context } from 'aws-lambda';
import { gatewayDeps } from '../../wiring/gateway.js';
import { audit } from '../../kernel/audit.js';
import { clientAddress } from '../../kernel/client-address.js';
import { json, type HttpEvent, type HttpResult } from '../../kernel/http.js';
import { hashToken, sessionCookie, sessionCookieName, tokenFromRequest } from '../domain/tokens.js';
import { httpHandler } from '../../wiring/http-handler.js';

const cleared = () => sessionCookie('', 0, gatewayDeps().config.localMode);

/** POST /rest_logout: ends the session (and its BAM session, best effort). */
const logout = httpHandler().handler(async (event, context) => {
  const { sessionService, sessions, config } = gatewayDeps();
  const token = tokenFromRequest(event.headers ?? {}, event.cookies ?? [], sessionCookieName(config.localMode));
  // Who is logging out, for the audit log (the token itself is never logged).
  const username = token ? (await sessions.get(hashToken(token)))?.username : undefined;
  await sessionService.logout(token);
  audit({ action: 'logout', outcome: 'success', ...(username ? { actor: username } : {}), sourceIp: clientAddress(event), correlationId: context.awsRequestId });
  return json(200, { message: 'Logged out.' }, {}, [cleared()]);
});

/**
 * A token that names no live session (ended, expired, revoked) is a 401 as before, and the
 * browser's session cookie is cleared all the same: it is of no use any more.
 */
export const handler = async (event: HttpEvent, context: Context): Promise<HttpResult> => {
  const res = await logout(event, context);
  return res.statusCode === 401 ? { ...res, cookies: [...(res.cookies ?? []), cleared()] } : res;
};
