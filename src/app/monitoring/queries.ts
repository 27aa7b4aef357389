// An organisation's monitoring lists, pure over a StateReader, for its staff's dashboard: the devices it
// registered (oldest first, with whom each is bound to now) and the escalations it opened (newest first,
// with their response clocks). Paged and bounded, as every list of the state's point reads is.
import { paged, type Page, type Paged } from '../paging.ts';
import { readStateCount, readStateValue, type StateReader } from '../state.ts';
import {
  orgDeviceCountKey,
  orgDeviceKey,
  orgEscalationCountKey,
  orgEscalationKey,
  readDevice,
  readEscalation,
  type DeviceRecord,
  type EscalationRecord,
} from './keys.ts';

/** The most items one page of an organisation's devices or escalations lists. */
export const ORG_LIST_PAGE_MAX = 100;

export function orgDevices(state: StateReader, orgId: string, page: Page): Paged<DeviceRecord> {
  return paged(readStateCount(state, orgDeviceCountKey(orgId)), page, ORG_LIST_PAGE_MAX, false, (n) => {
    const systemId = readStateValue<string>(state, orgDeviceKey(orgId, n));
    return systemId === undefined ? undefined : readDevice(state, systemId);
  });
}

export function orgEscalations(
  state: StateReader,
  orgId: string,
  page: Page,
): Paged<EscalationRecord & { readonly escalationId: string }> {
  const total = readStateCount(state, orgEscalationCountKey(orgId));
  return paged(total, page, ORG_LIST_PAGE_MAX, true, (n) => {
    const escalationId = readStateValue<string>(state, orgEscalationKey(orgId, n));
    const record = escalationId === undefined ? undefined : readEscalation(state, escalationId);
    return record === undefined ? undefined : { escalationId: escalationId!, ...record };
  });
}
