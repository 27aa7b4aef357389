// The one canonical encoding for everything hashed or signed: RFC 8785 JSON Canonicalization Scheme
// (JCS). Values are restricted further than JCS requires: numbers must be safe integers, so no
// implementation's float formatting can ever change a hash. Bytes travel as lowercase hex strings.
import canonicalize from 'canonicalize';
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

export function canonicalJson(value: unknown): string {
  assertCanonicalValue(value);
  const text = canonicalize(value);
  if (text === undefined) throw new CoreError('encoding.non_canonical', 'value has no JSON form', {});
  return text;
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}
