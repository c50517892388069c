import { dispatch, type HttpLambda } from './dispatch.js';
import { handler as ui, publicHandler as uiPublic } from '../ui-api/http/ui.js';
import { warmUpInLambda } from '../wiring/warm-up.js';

// Connections and SDK warmed during init, not on the first request.
await warmUpInLambda();

/** Lambda `ui`: the web UI's reads under /ui/api (see functions/routes.ts). */
export const handler = dispatch({ ui: ui as unknown as HttpLambda, 'ui-public': uiPublic as HttpLambda });
