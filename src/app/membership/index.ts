// The membership module: organisations (from genesis), their practitioners, patient pseudonyms with key
// rotation, and the proxies patients appoint. State layout: ./keys.ts.
import type { AppModule } from '../module.ts';
import { custodialHandlers } from './custodial.ts';
import { initMembershipGenesis } from './genesis.ts';
import { patientHandlers } from './patients.ts';
import { practitionerHandlers } from './practitioners.ts';

export * from './types.ts';
export * from './queries.ts';
export {
  custodialClaimMessage,
  custodialPseudonym,
  keyRotationMessage,
  patientPseudonym,
  proxyAcceptanceMessage,
} from './pseudonym.ts';
export { MEMBERSHIP_PREFIX } from './keys.ts';
export { parseMembershipGenesis } from './genesis.ts';

/**
 * The txs a key unknown to the membership state may send: the ones that make it known. Patients enrol
 * themselves, or claim the custodial identity a custodian made for them; staff, nodes and admins are
 * registered by keys already known (an admin, genesis).
 */
export const IDENTITY_CREATING_TX_TYPES: readonly string[] = [
  'membership.registerPatient',
  'membership.claimPatient',
];

export const membershipModule: AppModule = {
  name: 'membership',
  handlers: [...practitionerHandlers, ...patientHandlers, ...custodialHandlers],
  initGenesis: initMembershipGenesis,
};
