import { dispatch, type HttpLambda } from './dispatch.js';
import { withInit } from './init-event.js';
import { handler as login } from '../sessions/http/login.js';
import { handler as logout } from '../sessions/http/logout.js';
import { warmUpInLambda } from '../wiring/warm-up.js';

// Connections and SDK warmed during init, not on the first request.
await warmUpInLambda();

/**
 * Lambda `sessions`: POST /rest_login, POST /rest_logout (see functions/routes.ts), and the
 * deployment's init event, which makes the credential data key exist (see init-event.ts).
 */
export const handler = withInit(dispatch({ login: login as HttpLambda, logout: logout as HttpLambda }));
