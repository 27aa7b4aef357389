// The sealed keys this browser keeps (localStorage, this node's origin only). Only sealed entries are
// stored: the seed itself lives in memory while signed in, and is gone on reload or sign-out.
import { parseSealedKey, type KeyKind, type SealedKey } from './keystore.ts';

const STORAGE_KEY = 'carechain.keys.v1';
/** Keys kept per browser: plenty for a household on a shared device. */
export const STORED_KEYS_MAX = 20;

export function storedKeys(kind?: KeyKind): SealedKey[] {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
  } catch {
    raw = [];
  }
  const list = Array.isArray(raw) ? raw : [];
  const keys: SealedKey[] = [];
  for (const entry of list) {
    try {
      keys.push(parseSealedKey(JSON.stringify(entry)));
    } catch {
      // A damaged entry is skipped, not fatal: the others still sign in.
    }
  }
  return kind === undefined ? keys : keys.filter((k) => k.kind === kind);
}

export function storeKey(sealed: SealedKey): void {
  const others = storedKeys().filter((k) => k.publicKey !== sealed.publicKey);
  if (others.length >= STORED_KEYS_MAX) throw new Error(`this browser keeps at most ${STORED_KEYS_MAX} keys`);
  localStorage.setItem(STORAGE_KEY, JSON.stringify([...others, sealed]));
}

export function forgetKey(publicKey: string): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(storedKeys().filter((k) => k.publicKey !== publicKey)));
}
