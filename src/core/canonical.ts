// The one canonical encoding for everything hashed or signed: RFC 8785 JSON Canonicalization Scheme
// (JCS). Values are restricted further than JCS requires: numbers must be safe integers, so no
// implementation's float formatting can ever change a hash. Bytes travel as lowercase hex strings.
import canonicalize from 'canonicalize';
import { utf8 } from './bytes.ts';
import { CoreError } from './errors.ts';

export type CanonicalValue =
  null | boolean | number | string | readonly CanonicalValue[] | { readonly [key: string]: CanonicalValue };

/** Throws CoreError('encoding.non_canonical') on anything outside the canonical value domain. */
export function assertCanonicalValue(value: unknown, path = '$'): asserts value is CanonicalValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new CoreError('encoding.non_canonical', `${path} must be a safe integer`, { path });
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertCanonicalValue(item, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
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
