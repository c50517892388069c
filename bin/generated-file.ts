import { readFileSync, writeFileSync } from 'node:fs';

/** Writes a generated file only when its content changed (no rebuild churn); answers whether it did. */
export function writeIfChanged(target: string, next: string): boolean {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* first run */
  }
  if (current === next) return false;
  writeFileSync(target, next);
  return true;
}
