import { dispatch, type HttpLambda } from './dispatch.js';
import { handler as status } from '../handlers/status.js';
import { handler as admin } from '../handlers/admin.js';
import { handler as availability } from '../handlers/availability.js';
import { handler as notFound } from '../handlers/not-found.js';
import { handler as docs } from '../handlers/docs.js';
import { warmUpInLambda } from '../commons/warm-up.js';

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
