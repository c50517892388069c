import { z } from 'zod';
import { gatewayDeps } from '../commons/deps.js';
import { json, parseJsonBody } from '../commons/http.js';
import { SESSION_COOKIE } from '../domain/tokens.js';
import { httpHandler } from './http-handler.js';

const LoginBody = z
  .object({
    username: z.string().min(1).max(256),
    password: z.string().min(1).max(1024),
    bam_alias: z.string().min(1).max(256).optional(),
    bam_url: z.string().min(1).max(2048).optional(),
  })
  .refine((b) => !(b.bam_alias !== undefined && b.bam_url !== undefined), { message: 'give bam_alias or bam_url, not both', path: ['bam_alias'] });

/** POST /rest_login: logs in to BAM and answers BlueCat's `{"access_token": "BAMAuthToken: <token>"}`. */
export const handler = httpHandler().handler(async (event) => {
  const body = parseJsonBody(event, LoginBody);
  const { sessionService, config } = gatewayDeps();
  const { token } = await sessionService.login(body);
  const cookie = [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${config.sessionTtlSeconds}`, ...(config.localMode ? [] : ['Secure'])].join('; ');
  return json(200, { access_token: `BAMAuthToken: ${token}` }, {}, [cookie]);
});
