// Domain-separated hashes for carechain's own structures. Merkle hashing (RFC 9162) has its own
// prefixes in core/merkle; everything else hashes "carechain/v1/<kind>\n" followed by canonical bytes.
import { concatBytes, toHex, utf8 } from './bytes.ts';
import { canonicalBytes } from './canonical.ts';
import { sha256 } from './crypto/index.ts';

export type HashDomain =
  | 'block-header'
  | 'genesis'
  | 'commit'
  | 'state-step'
  | 'evidence'
  | 'patient-pseudonym'
  | 'trial-document'
  | 'trial-outcome'
  | 'monitoring-reading'
  | 'monitoring-day'
  | 'monitoring-day-roots'
  | 'monitoring-phd-id'
  | 'monitoring-observation-id'
  | 'claim-adjudication'
  | 'claim-commitment'
  | 'trial-seed'
  | 'trial-allocation';

export function domainHash(domain: HashDomain, data: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8(`carechain/v1/${domain}\n`), data));
}

/** domainHash over the UTF-8 of `text`, the prefix and text encoded in one pass (for hot paths). */
export function domainHashOfText(domain: HashDomain, text: string): Uint8Array {
  return sha256(utf8(`carechain/v1/${domain}\n${text}`));
}

export function hashCanonical(domain: HashDomain, value: unknown): string {
  return toHex(domainHash(domain, canonicalBytes(value)));
}

export const ZERO_HASH = '0'.repeat(64);
