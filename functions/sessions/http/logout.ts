import { audit } from '../../kernel/audit.js';
import { clientAddress } from '../../kernel/client-address.js';
import { json } from '../../kernel/http.js';
import { hashToken, sessionCookie, sessionCookieName, tokenFromRequest } from '../domain/tokens.js';
import type { Route } from '../../kernel/http-route.js';
import type { SessionService } from '../session-service.js';

/** What the logout needs (the wiring gives it). */
export interface LogoutDeps {
  localMode: boolean;
  sessionService: Pick<SessionService, 'logout'>;
  sessions: { get(tokenHash: string): Promise<{ username: string } | undefined> };
}

/**
 * POST /rest_logout: ends the session (and its BAM session, best effort). A token that names no
 * live session (ended, expired, revoked) is a 401 as before, and the browser's session cookie is
 * cleared all the same: it is of no use any more.
 */
export function logoutRoute(deps: () => LogoutDeps): Route {
  const cleared = () => sessionCookie('', 0, deps().localMode);
  return {
    auth: 'public',
    finish: (res) => (res.statusCode === 401 ? { ...res, cookies: [...(res.cookies ?? []), cleared()] } : res),
    handle: async (event, context) => {
      const { sessionService, sessions, localMode } = deps();
      const config = { localMode };
      const token = tokenFromRequest(event.headers ?? {}, event.cookies ?? [], sessionCookieName(config.localMode));
      // Who is logging out, for the audit log (the token itself is never logged).
      const username = token ? (await sessions.get(hashToken(token)))?.username : undefined;
      await sessionService.logout(token);
      audit({ action: 'logout', outcome: 'success', ...(username ? { actor: username } : {}), sourceIp: clientAddress(event), correlationId: context.awsRequestId });
      return json(200, { message: 'Logged out.' }, {}, [cleared()]);
    },
  };
}
