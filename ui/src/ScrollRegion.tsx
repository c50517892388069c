import type { ReactNode } from 'react';

/**
 * Content that may be wider (or taller) than its box scrolls inside this region, which keyboard
 * users can focus and scroll (axe: scrollable-region-focusable), instead of widening the page.
 */
export function ScrollRegion({ label, children, className, testId }: { label: string; children: ReactNode; className?: string; testId?: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className={`ScrollRegion${className ? ` ${className}` : ''}`} aria-label={label} tabIndex={0} data-testid={testId}>
      {children}
    </section>
  );
}
