// The one canonical encoding for everything hashed or signed: RFC 8785 JSON Canonicalization Scheme
// (JCS). Values are restricted further than JCS requires: numbers must be safe integers, so no
// implementation's float formatting can ever change a hash. Bytes travel as lowercase hex strings.
//
// Inside that domain JCS is small: keys sorted by UTF-16 code units (what Array.prototype.sort does),
// strings as JSON.stringify writes them (RFC 8785 §3.2.2.2 is ECMAScript's rule), integers as decimal.
// So the check and the encoding are one pass here rather than the `canonicalize` package after a separate
// check: every tx, state value and vault AAD is encoded, and the two passes (with the package's per-
// character surrogate scan and cycle set) were about a tenth of a custodian's busy time under HL7 load.
// canonical.test.ts checks this against `canonicalize` on random values.
import { utf8 } from './bytes.ts';
import { CoreError } from './errors.ts';

export type CanonicalValue =
  null | boolean | number | string | readonly CanonicalValue[] | { readonly [key: string]: CanonicalValue };

/** Throws CoreError('encoding.non_canonical') on anything outside the canonical value domain. */
// I-JSON (RFC 7493 §2.1) forbids lone surrogates, and RFC 8785 canonicalises I-JSON only.
const LONE_SURROGATE = /\p{Cs}/u;

function assertWellFormedString(text: string, path: string): void {
  if (LONE_SURROGATE.test(text)) {
    throw new CoreError('encoding.non_canonical', `${path} has a lone surrogate`, { path });
  }
}

export function assertCanonicalValue(value: unknown, path = '$'): asserts value is CanonicalValue {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') return assertWellFormedString(value, path);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new CoreError('encoding.non_canonical', `${path} must be a safe integer`, { path });
    }
    return;
  }
  if (Array.isArray(value)) {
    // A plain index loop, not forEach: forEach skips the holes of a sparse array, which JSON cannot hold.
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new CoreError('encoding.non_canonical', `${path}[${i}] is a hole`, { path });
      assertCanonicalValue(value[i], `${path}[${i}]`);
    }
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      assertWellFormedString(key, `${path} key`);
      assertCanonicalValue(item, `${path}.${key}`);
    }
    return;
  }
  throw new CoreError('encoding.non_canonical', `${path} is not a JSON value`, { path });
}

/**
 * The encoding of a value of the canonical domain; anything else throws (without a path, see below).
 * With `finite`, any finite number is allowed, written as ECMAScript writes it (RFC 8785 §3.2.2.3): for
 * documents that are stored, never hashed into the chain's own encoding (a FHIR resource's decimals).
 */
function encode(value: unknown, finite: boolean): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (finite ? !Number.isFinite(value) : !Number.isSafeInteger(value)) throw outsideDomain();
      return String(value); // -0 gives "0", as RFC 8785 §3.2.2.3 wants
    case 'string':
      if (LONE_SURROGATE.test(value)) throw outsideDomain();
      return JSON.stringify(value);
    case 'object':
      return Array.isArray(value) ? encodeArray(value, finite) : encodeObject(value, finite);
    default:
      throw outsideDomain();
  }
}

function encodeArray(array: readonly unknown[], finite: boolean): string {
  let text = '[';
  for (let i = 0; i < array.length; i++) {
    if (!(i in array)) throw outsideDomain();
    const item = array[i];
    // A document is written as JSON.stringify writes it: an undefined element is null.
    text += (i === 0 ? '' : ',') + (finite && item === undefined ? 'null' : encode(item, finite));
  }
  return text + ']';
}

function encodeObject(object: object, finite: boolean): string {
  if (Object.getPrototypeOf(object) !== Object.prototype) throw outsideDomain();
  const record = object as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  for (const key of keys) {
    const item = record[key];
    // A document is written as JSON.stringify writes it: an undefined member is left out.
    if (finite && item === undefined) continue;
    if (LONE_SURROGATE.test(key)) throw outsideDomain();
    text += (text.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + encode(item, finite);
  }
  return text + '}';
}

class OutsideDomain extends Error {}

function outsideDomain(): OutsideDomain {
  return new OutsideDomain();
}

export function canonicalJson(value: unknown): string {
  try {
    return encode(value, false);
  } catch (error) {
    if (!(error instanceof OutsideDomain)) throw error;
    // The fast pass keeps no path; the checking pass finds the same value and names where it is.
    assertCanonicalValue(value);
    throw new CoreError('encoding.non_canonical', 'value has no JSON form', {});
  }
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}

/**
 * RFC 8785 JCS of a JSON document whose numbers may be any finite number: a FHIR resource as the vault
 * seals it. Not for what the chain hashes or signs (canonicalJson, safe integers only). Undefined members
 * are left out and undefined elements written null, as JSON.stringify does; anything else JSON cannot
 * hold throws encoding.non_canonical.
 */
export function canonicalDocumentJson(value: unknown): string {
  try {
    return encode(value, true);
  } catch (error) {
    if (!(error instanceof OutsideDomain)) throw error;
    throw new CoreError('encoding.non_canonical', 'the document is not JSON', {});
  }
}
