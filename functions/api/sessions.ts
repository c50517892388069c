import { dispatch, type HttpLambda } from './dispatch.js';
import { handler as login } from '../handlers/login.js';
import { handler as logout } from '../handlers/logout.js';

/** Lambda `sessions`: POST /rest_login, POST /rest_logout (see functions/routes.ts). */
export const handler = dispatch({ login: login as HttpLambda, logout: logout as HttpLambda });
