// Organisations enter the network through genesis, then through governance's add-member: a new node
// trusts genesis alone, so the member list it starts from must be checked as strictly as any tx.
import { fromHex, isHex } from '../../core/bytes.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { isAcceptablePublicKey } from '../../core/crypto/index.ts';
import { CoreError } from '../../core/errors.ts';
import type { Genesis } from '../../core/genesis.ts';
import { compareStrings, isPlainObject, ORG_ID_PATTERN } from '../payload.ts';
import type { StateOverlay } from '../state.ts';
import { encodeStateValue } from '../state.ts';
import { keyEntryKey, orgKey, ORGS_KEY } from './keys.ts';
import { ORGANISATION_TYPES, type KeyEntry, type Organisation, type OrganisationType } from './types.ts';

export const ORGANISATIONS_MAX = 1000;
export const NODE_KEYS_PER_ORG_MAX = 16;
export const ORG_NAME_LENGTH_MAX = 200;
// Printable text only: no control characters that could forge log lines or hide text.
const ORG_NAME_PATTERN = /^[^\p{Cc}\p{Cf}]+$/u;

function invalid(message: string, index?: number): CoreError {
  return new CoreError('genesis.invalid', `app.membership: ${message}`, index === undefined ? {} : { index });
}

function isUsableKey(value: unknown): value is string {
  return isHex(value, 32) && isAcceptablePublicKey(fromHex(value));
}

function parseOrganisation(value: CanonicalValue, index: number): Organisation {
  if (!isPlainObject(value)) throw invalid('an organisation must be an object', index);
  const fields = Object.keys(value).sort().join(',');
  if (fields !== 'adminKey,id,name,nodeKeys,type') {
    throw invalid('an organisation has exactly id, name, type, adminKey and nodeKeys', index);
  }
  const { id, name, type, adminKey, nodeKeys } = value;
  if (typeof id !== 'string' || !ORG_ID_PATTERN.test(id)) throw invalid('id must match [a-z0-9-]', index);
  if (typeof name !== 'string' || name.length > ORG_NAME_LENGTH_MAX || !ORG_NAME_PATTERN.test(name)) {
    throw invalid(`name must be 1 to ${ORG_NAME_LENGTH_MAX} printable characters`, index);
  }
  if (!ORGANISATION_TYPES.includes(type as OrganisationType)) {
    throw invalid(`type must be one of ${ORGANISATION_TYPES.join(', ')}`, index);
  }
  if (!isUsableKey(adminKey)) throw invalid('adminKey must be a valid Ed25519 public key (hex)', index);
  if (!Array.isArray(nodeKeys) || nodeKeys.length > NODE_KEYS_PER_ORG_MAX) {
    throw invalid(`nodeKeys must be a list of at most ${NODE_KEYS_PER_ORG_MAX} keys`, index);
  }
  const keys = nodeKeys as CanonicalValue[];
  if (!keys.every(isUsableKey)) throw invalid('nodeKeys must be valid Ed25519 public keys (hex)', index);
  return { id, name, type: type as OrganisationType, adminKey, nodeKeys: [...keys].sort(compareStrings) };
}

/** Parses genesis.app.membership; undefined when genesis has no membership section. */
export function parseMembershipGenesis(genesis: Genesis): Organisation[] | undefined {
  const app = genesis.app;
  if (!isPlainObject(app) || !('membership' in app)) return undefined;
  const section = app.membership;
  if (!isPlainObject(section) || Object.keys(section).join(',') !== 'organisations') {
    throw invalid('must be { organisations: [...] }');
  }
  const list = section.organisations;
  if (!Array.isArray(list) || list.length > ORGANISATIONS_MAX) {
    throw invalid(`organisations must be a list of at most ${ORGANISATIONS_MAX}`);
  }
  const orgs = (list as CanonicalValue[]).map(parseOrganisation);
  const ids = new Set<string>();
  const keys = new Set<string>();
  orgs.forEach((org, index) => {
    if (ids.has(org.id)) throw invalid('organisation ids must be unique', index);
    ids.add(org.id);
    // One key, one purpose (see KeyEntry): no key is both an admin and a node key, or shared by two orgs.
    for (const key of [org.adminKey, ...org.nodeKeys]) {
      if (keys.has(key)) throw invalid('a key may appear only once in membership', index);
      keys.add(key);
    }
  });
  return orgs;
}

/** Writes the organisations and their keys; writes nothing when genesis has no membership section. */
export function initMembershipGenesis(state: StateOverlay, genesis: Genesis): void {
  const orgs = parseMembershipGenesis(genesis);
  if (orgs === undefined) return;
  state.set(ORGS_KEY, encodeStateValue(orgs.map((o) => o.id).sort(compareStrings)));
  for (const org of orgs) writeOrganisation(state, org);
}

/** Writes an organisation and registers its admin and node keys (genesis, and governance's add-member). */
export function writeOrganisation(state: StateOverlay, org: Organisation): void {
  state.set(orgKey(org.id), encodeStateValue(org));
  const admin: KeyEntry = { kind: 'org-admin', orgId: org.id };
  state.set(keyEntryKey(org.adminKey), encodeStateValue(admin));
  for (const nodeKey of org.nodeKeys) {
    const entry: KeyEntry = { kind: 'node', orgId: org.id };
    state.set(keyEntryKey(nodeKey), encodeStateValue(entry));
  }
}
