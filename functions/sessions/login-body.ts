import * as z from 'zod/mini';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

/** POST /rest_login's body (its own module: the OpenAPI document describes it without the handler). */
export const LoginBody = z
  .object({
    username: text(256),
    password: text(1024),
    bam_alias: z.optional(text(256)),
    bam_url: z.optional(text(2048)),
  })
  .check(z.refine((b) => !(b.bam_alias !== undefined && b.bam_url !== undefined), { message: 'give bam_alias or bam_url, not both', path: ['bam_alias'] }));
