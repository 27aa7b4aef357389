// Where the claims module keeps its state. Only commitments, statuses, fingerprints, record references
// and figures are on chain: the claim itself stays in the provider's and the payer's vaults.
import type { StateReader } from '../state.ts';
import { readStateCount, readStateValue } from '../state.ts';
import type { FingerprintEntry } from './fingerprint.ts';
import type { ClaimEntry, PaRequestEntry } from './ledger-types.ts';
import type { RuleTable } from './types.ts';

export const CLAIMS_PREFIX = 'claims/';
export const ruleTableKey = (payerOrgId: string, version: number): string =>
  `claims/rules/${payerOrgId}/${version}`;
export const ruleTableLatestKey = (payerOrgId: string): string => `claims/rules-latest/${payerOrgId}`;
export const claimKey = (claimId: string): string => `claims/claim/${claimId}`;
export const fingerprintKey = (fingerprint: string): string => `claims/fingerprint/${fingerprint}`;
export const paRequestKey = (requestId: string): string => `claims/pa/${requestId}`;
export const paCountKey = (payerOrgId: string): string => `claims/pa-count/${payerOrgId}`;
export const paIndexKey = (payerOrgId: string, n: number): string => `claims/pa-index/${payerOrgId}/${n}`;

export function latestRuleTableVersion(state: StateReader, payerOrgId: string): number {
  return readStateCount(state, ruleTableLatestKey(payerOrgId));
}

export function ruleTable(state: StateReader, payerOrgId: string, version: number): RuleTable | undefined {
  return readStateValue<RuleTable>(state, ruleTableKey(payerOrgId, version));
}

export function claimEntry(state: StateReader, claimId: string): ClaimEntry | undefined {
  return readStateValue<ClaimEntry>(state, claimKey(claimId));
}

export function fingerprintEntry(state: StateReader, fingerprint: string): FingerprintEntry | undefined {
  return readStateValue<FingerprintEntry>(state, fingerprintKey(fingerprint));
}

export function paRequest(state: StateReader, requestId: string): PaRequestEntry | undefined {
  return readStateValue<PaRequestEntry>(state, paRequestKey(requestId));
}

/** Every PA request a payer received, in submission order: what its public metrics are computed from. */
export function paRequestsOf(state: StateReader, payerOrgId: string): PaRequestEntry[] {
  const count = readStateCount(state, paCountKey(payerOrgId));
  const out: PaRequestEntry[] = [];
  for (let n = 0; n < count; n++) {
    const id = readStateValue<string>(state, paIndexKey(payerOrgId, n));
    const entry = id === undefined ? undefined : paRequest(state, id);
    if (entry !== undefined) out.push(entry);
  }
  return out;
}
