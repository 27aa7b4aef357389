// Who is signed in, for the whole app: the token, and the seed (in memory only, for signing txs). A
// reload or "Sign out" forgets both; the sealed key stays in this browser's key list.
import { createContext, useContext, type ReactNode } from 'react';
import type { Session } from './auth.ts';
import type { StaffRole } from './staff-roles.ts';

export type { StaffRole } from './staff-roles.ts';

export interface SignedIn {
  readonly session: Session;
  readonly seed: Uint8Array;
  /** Staff: the workspace they chose at sign-in. */
  readonly workspace?: StaffRole;
}

export interface SessionState {
  readonly current: SignedIn | undefined;
  readonly setCurrent: (next: SignedIn | undefined) => void;
}

const SessionContext = createContext<SessionState>({ current: undefined, setCurrent: () => {} });

export function SessionProvider(props: { value: SessionState; children: ReactNode }) {
  return <SessionContext.Provider value={props.value}>{props.children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}
