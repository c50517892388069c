import { useEffect, useState } from 'react';

/** A tiny history router: the pages are few and fixed (page-paths.ts). */
const CHANGE = 'ui:navigate';

export function navigate(to: string, opts: { replace?: boolean; state?: unknown } = {}): void {
  if (opts.replace) history.replaceState(opts.state ?? null, '', to);
  else history.pushState(opts.state ?? null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

export interface Where {
  path: string;
  query: URLSearchParams;
  state: unknown;
}

const where = (): Where => ({ path: location.pathname, query: new URLSearchParams(location.search), state: history.state });

export function useLocation(): Where {
  const [loc, setLoc] = useState(where);
  useEffect(() => {
    const update = () => setLoc(where());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return loc;
}

/** The page the user is on, to come back to after logging in. */
export const here = () => `${location.pathname}${location.search}`;
