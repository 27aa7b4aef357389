// What a staff member may do in the app (contract/staff.ts), from their role and their organisation's
// type in the latest committed state, by the rules the chain enforces: clinical roles keep records,
// break-glass is for physicians and nurses of care-giving organisations (app/records/policy.ts), and
// supply steps follow the organisation's place in the chain (app/supply/lifecycle.ts refuses the rest).
import { organisation } from '../../app/membership/queries.ts';
import { isClinicalRole, mayBreakGlass } from '../../app/records/policy.ts';
import type { StateReader } from '../../app/state.ts';
import type { StaffMe } from '../../contract/staff.ts';
import type { Caller } from './caller.ts';
import { ServiceError } from '../errors.ts';

/** Organisations whose staff look after patients: the ones with clinical screens. */
const CLINICAL_ORGANISATION_TYPES = ['hospital', 'clinic', 'lab', 'pharmacy'];

export function staffMe(state: StateReader, caller: Caller): StaffMe {
  if (caller.kind !== 'practitioner')
    throw new ServiceError('consent.practitioner_only', 'only staff have a staff workspace');
  const org = organisation(state, caller.orgId);
  const orgType: string = org?.type ?? '';
  const clinical = isClinicalRole(caller.role) && CLINICAL_ORGANISATION_TYPES.includes(orgType);
  return {
    publicKey: caller.publicKey,
    orgId: caller.orgId,
    orgName: org?.name ?? caller.orgId,
    orgType,
    role: caller.role,
    actions: {
      clinical,
      writeRecords: clinical,
      breakGlass: mayBreakGlass(state, caller.role, caller.orgId),
      dispense: orgType === 'pharmacy',
      commission: orgType === 'manufacturer',
      recall: orgType === 'manufacturer',
      shipAndReceive: ['manufacturer', 'distributor', 'pharmacy'].includes(orgType),
      // As services/records/audit-views.ts decides who lists break-glass events with their reasons.
      reviewAccess: caller.role === 'privacy-officer',
    },
  };
}
