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
/** Per-payer index of the claims sent to it, in submission order: the payer's queue (issue 17 §7). */
export const claimCountKey = (payerOrgId: string): string => `claims/claim-count/${payerOrgId}`;
export const claimIndexKey = (payerOrgId: string, n: number): string =>
  `claims/claim-index/${payerOrgId}/${n}`;

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
  return indexedEntries(state, count, (n) => paIndexKey(payerOrgId, n), paRequest, { limit: count });
}

/** The latest `limit` PA requests sent to a payer, newest first: the insurer workspace's PA queue. */
export function latestPaRequestsOf(state: StateReader, payerOrgId: string, limit: number): PaRequestEntry[] {
  const count = readStateCount(state, paCountKey(payerOrgId));
  return indexedEntries(state, count, (n) => paIndexKey(payerOrgId, n), paRequest, {
    limit,
    newestFirst: true,
  });
}

/** How many claims were ever sent to this payer (its queue's length, replaced and voided ones included). */
export function claimCountOf(state: StateReader, payerOrgId: string): number {
  return readStateCount(state, claimCountKey(payerOrgId));
}

/**
 * The latest `limit` claims sent to a payer, newest first: the insurer workspace's queue. Bounded by
 * `limit`, so a payer with a long history costs the same to show.
 */
export function latestClaimsOf(state: StateReader, payerOrgId: string, limit: number): ClaimEntry[] {
  const count = claimCountOf(state, payerOrgId);
  return indexedEntries(state, count, (n) => claimIndexKey(payerOrgId, n), claimEntry, {
    limit,
    newestFirst: true,
  });
}

/** Up to `limit` entries a per-payer index names, oldest or newest first. */
function indexedEntries<T>(
  state: StateReader,
  count: number,
  keyAt: (n: number) => string,
  entryOf: (state: StateReader, id: string) => T | undefined,
  order: { limit: number; newestFirst?: boolean },
): T[] {
  const out: T[] = [];
  for (let i = 0; i < count && out.length < order.limit; i++) {
    const id = readStateValue<string>(state, keyAt(order.newestFirst === true ? count - 1 - i : i));
    const entry = id === undefined ? undefined : entryOf(state, id);
    if (entry !== undefined) out.push(entry);
  }
  return out;
}
