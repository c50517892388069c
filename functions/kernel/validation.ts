/**
 * Schemas in the gateway use zod's tree-shakable "mini" API (`import * as z from 'zod/mini'`):
 * the classic API weighs ~440 KB in a Lambda bundle. This module gives them English messages
 * (mini ships none) and is what parses: always validate through `validate()` here.
 */
import { config, safeParse, type ZodMiniType, type output } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export type Schema = ZodMiniType;
export type Output<S extends Schema> = output<S>;

/** Parses or answers the issues as `field: problem` pairs. */
export function validate<S extends Schema>(schema: S, data: unknown): { ok: true; data: Output<S> } | { ok: false; issues: { field: string; problem: string }[] } {
  const parsed = safeParse(schema, data);
  if (parsed.success) return { ok: true, data: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), problem: i.message })) };
}
