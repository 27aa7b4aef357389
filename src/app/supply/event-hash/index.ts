// The EPCIS Event Hash ID of GS1 CBV 2.0 §8.9: "ni:///sha-256;<hex>?ver=CBV2.0" (RFC 6920) over the
// pre-hash string of an EPCIS 2.0 JSON/JSON-LD event. Pure and deterministic; SHA-256 from src/core.
import { toHex, utf8 } from '../../../core/bytes.ts';
import { sha256 } from '../../../core/crypto/index.ts';
import { namespacesFrom } from './context.ts';
import { buildPrehash } from './prehash.ts';

export const EVENT_HASH_VERSION = 'CBV2.0';

/** The pre-hash string the standard defines, exposed for tests and debugging. */
export function epcisEventPreHashString(event: Record<string, unknown>, context?: unknown): string {
  return buildPrehash(event, namespacesFrom(context));
}

/** The EPCIS event hash ("ni:///sha-256;<64 hex>?ver=CBV2.0") of an event as it appears in eventList. */
export function epcisEventHash(event: Record<string, unknown>, context?: unknown): string {
  const digest = toHex(sha256(utf8(epcisEventPreHashString(event, context))));
  return `ni:///sha-256;${digest}?ver=${EVENT_HASH_VERSION}`;
}
