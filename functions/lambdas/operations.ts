import { dispatch, type HttpLambda } from './dispatch.js';
import { handler as status } from '../monitor/http/status.js';
import { handler as admin } from '../permissions/http/admin.js';
import { handler as availability } from '../group/http/availability.js';
import { handler as notFound } from '../kernel/not-found.js';
import { handler as docs } from '../openapi/http/docs.js';
import { warmUpInLambda } from '../wiring/warm-up.js';

// Connections and SDK warmed during init, not on the first request.
await warmUpInLambda();

/** Lambda `operations`: status, availability group, admin API, the OpenAPI document and reference page, and the JSON 404 (see functions/routes.ts). */
export const handler = dispatch({
  status: status as HttpLambda,
  admin: admin as HttpLambda,
  availability: availability as HttpLambda,
  docs: docs as HttpLambda,
  'not-found': notFound as HttpLambda,
});
