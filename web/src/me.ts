// Who is signed in, as the service's profile says (roles come from its store, not from the token).
import { createContext, useContext } from 'react';

export interface Me {
  readonly user: string;
  readonly roles: readonly string[];
  readonly isAdmin: boolean;
  readonly pools: readonly string[];
  readonly defaultPool: string | null;
}

export const ADMIN_ROLE = 'osmo-admin';
export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (me === null) throw new Error('useMe outside the signed-in app');
  return me;
}
