/**
 * The gateway's schema library: zod's tree-shakable "mini" API with English messages. The classic
 * API weighs ~440 KB in a Lambda bundle; this is ~23 KB. Import `z` from here, not from 'zod'.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

export { z };
export type Schema = z.ZodMiniType;

/** Parses or answers the issues as `field: problem` pairs. */
export function validate<S extends z.ZodMiniType>(schema: S, data: unknown): { ok: true; data: z.output<S> } | { ok: false; issues: { field: string; problem: string }[] } {
  const parsed = z.safeParse(schema, data);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message })) };
}
