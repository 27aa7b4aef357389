// An organisation's monitoring lists for its staff (the clinician's dashboard): the devices it registered,
// with the patient each is bound to now, and the escalations it opened, with their clocks. Both are on
// chain for every member; they are served to staff of that organisation only, since together they say
// which patients it monitors.
import type { Page, Paged } from '../../app/paging.ts';
import type { DeviceRecord } from '../../app/monitoring/keys.ts';
import { orgDevices, orgEscalations } from '../../app/monitoring/queries.ts';
import type { StateReader } from '../../app/state.ts';
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import type { EscalationView } from './escalations.ts';

function staffOrg(who: Caller): string {
  if (who.kind !== 'practitioner') {
    throw new ServiceError('monitoring.not_staff', 'an organisation’s monitoring lists are for its staff');
  }
  return who.orgId;
}

export function devicesOfOwnOrg(state: StateReader, who: Caller, page: Page): Paged<DeviceRecord> {
  return orgDevices(state, staffOrg(who), page);
}

export function escalationsOfOwnOrg(state: StateReader, who: Caller, page: Page): Paged<EscalationView> {
  return orgEscalations(state, staffOrg(who), page);
}
