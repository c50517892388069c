import { createContext, useContext } from 'react';
import type { SessionInfo } from './types.js';

export type { SessionInfo };

export const SessionContext = createContext<SessionInfo | null>(null);

export function useSession(): SessionInfo {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

export const may = (s: SessionInfo, permission: string) => s.admin || s.permissions.includes(permission);
