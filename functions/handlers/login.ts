import * as z from 'zod/mini';
import { gatewayDeps } from '../commons/deps.js';
import { json, parseJsonBody } from '../commons/http.js';
import { SESSION_COOKIE } from '../domain/tokens.js';
import { httpHandler } from './http-handler.js';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const LoginBody = z
  .object({
    username: text(256),
    password: text(1024),
    bam_alias: z.optional(text(256)),
    bam_url: z.optional(text(2048)),
  })
  .check(z.refine((b) => !(b.bam_alias !== undefined && b.bam_url !== undefined), { message: 'give bam_alias or bam_url, not both', path: ['bam_alias'] }));

/** POST /rest_login: logs in to BAM and answers BlueCat's `{"access_token": "BAMAuthToken: <token>"}`. */
export const handler = httpHandler().handler(async (event) => {
  const body = parseJsonBody(event, LoginBody);
  const { sessionService, config } = gatewayDeps();
  const { token } = await sessionService.login(body);
  const cookie = [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${config.sessionTtlSeconds}`, ...(config.localMode ? [] : ['Secure'])].join('; ');
  return json(200, { access_token: `BAMAuthToken: ${token}` }, {}, [cookie]);
});
