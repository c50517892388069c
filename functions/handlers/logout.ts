import { gatewayDeps } from '../commons/deps.js';
import { json } from '../commons/http.js';
import { SESSION_COOKIE, tokenFromRequest } from '../domain/tokens.js';
import { httpHandler } from './http-handler.js';

/** POST /rest_logout: ends the session (and its BAM session, best effort). */
export const handler = httpHandler().handler(async (event) => {
  await gatewayDeps().sessionService.logout(tokenFromRequest(event.headers ?? {}, event.cookies ?? []));
  return json(200, { message: 'Logged out.' }, {}, [`${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`]);
});
