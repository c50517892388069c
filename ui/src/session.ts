import { createContext, useContext } from 'react';

/** GET /ui/api/session. */
export interface SessionInfo {
  username: string;
  session_id: string;
  target: string;
  bound_server: string;
  restorable: boolean;
  created_at: string;
  expires_at: string;
  admin: boolean;
  permissions: string[];
  monitoring_state: string;
  csrf_token: string;
}

export const SessionContext = createContext<SessionInfo | null>(null);

export function useSession(): SessionInfo {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}

export const may = (s: SessionInfo, permission: string) => s.admin || s.permissions.includes(permission);
