// Where the membership module keeps its state. Every value is canonical JSON (encodeStateValue).
//
//   membership/orgs                            → string[]        organisation ids, sorted (from genesis)
//   membership/org/<orgId>                     → Organisation
//   membership/key/<publicKey>                 → KeyEntry        what the key was registered as, for life
//   membership/practitioner/<publicKey>        → PractitionerRecord
//   membership/patient/<pseudonym>             → PatientRecord   (current key; no demographics, ever)
//   membership/proxy/<pseudonym>/<proxyKey>    → ProxyRecord
//
// The state has point reads only (no iteration), so every query here is a fixed number of gets. Keys and
// pseudonyms are 32-byte lowercase hex and organisation ids are [a-z0-9-], so no segment contains "/".

export const MEMBERSHIP_PREFIX = 'membership/';
export const ORGS_KEY = 'membership/orgs';

export const orgKey = (orgId: string): string => `membership/org/${orgId}`;
export const keyEntryKey = (publicKey: string): string => `membership/key/${publicKey}`;
export const practitionerKey = (publicKey: string): string => `membership/practitioner/${publicKey}`;
export const patientKey = (pseudonym: string): string => `membership/patient/${pseudonym}`;
export const proxyKey = (pseudonym: string, key: string): string => `membership/proxy/${pseudonym}/${key}`;

export { readStateValue as readRecord } from '../state.ts';
