// What the signed-in staff member may do, as their node says (GET /api/v1/staff/me, contract/staff.ts):
// the screens show only these actions, and staff without a clinical role see no clinical screen.
import { useEffect, useState } from 'react';
import type { StaffMe } from '../../../src/contract/staff.ts';
import { request } from './http.ts';

export const STAFF_ME_PATH = '/api/v1/staff/me';

export function useStaffMe(token: string | undefined): { me?: StaffMe; error?: unknown } {
  const [answer, setAnswer] = useState<{ me?: StaffMe; error?: unknown }>({});
  useEffect(() => {
    if (token === undefined) return;
    let live = true;
    request<StaffMe>(STAFF_ME_PATH, { token }).then(
      (me) => live && setAnswer({ me }),
      (error: unknown) => live && setAnswer({ error }),
    );
    return () => {
      live = false;
    };
  }, [token]);
  return answer;
}
