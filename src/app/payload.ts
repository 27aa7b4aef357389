// Shared payload checks for app modules. A payload is untrusted JSON: each handler parses it into a typed
// value first, and every refusal is a TxError with a stable code, so the API can report it verbatim.
// Nothing here echoes a payload value back in a message: a stray name in a payload must not reach a log.
import { fromHex, isHex } from '../core/bytes.ts';
import type { CanonicalValue } from '../core/canonical.ts';
import { isAcceptablePublicKey } from '../core/crypto/index.ts';
import type { Details } from '../core/errors.ts';
import { TxError } from '../core/tx.ts';

export type PayloadObject = Readonly<Record<string, CanonicalValue>>;

export function invalidPayload(message: string, details: Details = {}): TxError {
  return new TxError('tx.invalid_payload', message, details);
}

/** A well-formed tx the state refuses; `reason` is the stable, greppable code clients branch on. */
export function rejected(reason: string, message: string, details: Details = {}): TxError {
  return new TxError('tx.rejected', message, { ...details, reason });
}

export function isPlainObject(value: unknown): value is PayloadObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object with exactly the required fields and any of the optional ones: an unknown field is refused
 * rather than ignored, so nothing (free text, say) can ride along unchecked into the chain.
 */
export function exactObject(
  value: unknown,
  what: string,
  required: readonly string[],
  optional: readonly string[] = [],
): PayloadObject {
  if (!isPlainObject(value)) throw invalidPayload(`${what} must be an object`);
  for (const field of required) {
    if (!Object.hasOwn(value, field)) throw invalidPayload(`${what} lacks ${field}`, { field });
  }
  // The unknown field's name is not echoed: it is the sender's text, and errors end up in logs.
  const allowed = [...required, ...optional];
  if (Object.keys(value).some((field) => !allowed.includes(field))) {
    throw invalidPayload(`${what} has a field other than ${allowed.join(', ')}`);
  }
  return value;
}

export function hexField(value: CanonicalValue | undefined, field: string, byteLength: number): string {
  if (!isHex(value, byteLength)) {
    throw invalidPayload(`${field} must be ${byteLength}-byte lowercase hex`, { field });
  }
  return value;
}

/**
 * An Ed25519 public key that passes the pinned verification rule (docs/ARCHITECTURE.md): a key nobody can
 * sign with (small-order, non-canonical) must not be registered, or it names an actor who can never act.
 */
export function usableKeyField(value: CanonicalValue | undefined, field: string): string {
  const key = hexField(value, field, 32);
  if (!isAcceptablePublicKey(fromHex(key)))
    throw invalidPayload(`${field} is not a valid Ed25519 key`, { field });
  return key;
}

export function enumField<T extends string>(
  value: CanonicalValue | undefined,
  field: string,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw invalidPayload(`${field} must be one of ${allowed.join(', ')}`, { field });
  }
  return value as T;
}

/** A non-empty set of allowed strings without repeats, returned sorted so one set has one encoding. */
export function enumSetField<T extends string>(
  value: CanonicalValue | undefined,
  field: string,
  allowed: readonly T[],
): T[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > allowed.length) {
    throw invalidPayload(`${field} must be a non-empty list of ${allowed.join(', ')}`, { field });
  }
  const items = (value as CanonicalValue[]).map((item) => enumField(item, field, allowed));
  if (new Set(items).size !== items.length) throw invalidPayload(`${field} has a repeat`, { field });
  return items.sort(compareStrings);
}

export function safeIntegerField(value: CanonicalValue | undefined, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidPayload(`${field} must be an integer ≥ ${min}`, { field });
  }
  return value;
}

export const ORG_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Organisation ids are checked for shape first, so an id echoed in a refusal is never free text. */
export function orgIdField(value: CanonicalValue | undefined, field: string): string {
  if (typeof value !== 'string' || !ORG_ID_PATTERN.test(value)) {
    throw invalidPayload(`${field} must be an organisation id ([a-z0-9-])`, { field });
  }
  return value;
}

/** Code-unit order: the same on every platform and locale, unlike localeCompare. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
