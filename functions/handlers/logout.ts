import { gatewayDeps } from '../commons/deps.js';
import { audit } from '../commons/audit.js';
import { clientAddress } from '../commons/client-address.js';
import { json } from '../commons/http.js';
import { hashToken, sessionCookie, sessionCookieName, tokenFromRequest } from '../domain/tokens.js';
import { httpHandler } from './http-handler.js';

/** POST /rest_logout: ends the session (and its BAM session, best effort). */
export const handler = httpHandler().handler(async (event, context) => {
  const { sessionService, sessions, config } = gatewayDeps();
  const token = tokenFromRequest(event.headers ?? {}, event.cookies ?? [], sessionCookieName(config.localMode));
  // Who is logging out, for the audit log (the token itself is never logged).
  const username = token ? (await sessions.get(hashToken(token)))?.username : undefined;
  await sessionService.logout(token);
  audit({ action: 'logout', outcome: 'success', ...(username ? { actor: username } : {}), sourceIp: clientAddress(event), correlationId: context.awsRequestId });
  return json(200, { message: 'Logged out.' }, {}, [sessionCookie('', 0, config.localMode)]);
});
