// Who a tx's signer acts for, or the module's refusal: the same question asked by several modules, each
// refusing with its own greppable reason.
import { organisationActingAs } from './membership/queries.ts';
import { rejected } from './payload.ts';
import type { StateReader } from './state.ts';

/** The organisation whose node or administrator signed; otherwise refused with `reason`. */
export function signingOrganisation(state: StateReader, signer: string, reason: string): string {
  const orgId = organisationActingAs(state, signer);
  if (orgId !== undefined) return orgId;
  throw rejected(reason, 'only an organisation’s node or administrator may do this');
}
