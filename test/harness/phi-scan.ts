// The PHI scan: every identifying string of the imported patients, looked for byte for byte in every
// store file of a node (ledger, mempool, vault, directory, break-glass reasons, each with its WAL), in
// UTF-8, UTF-16 and base64. It reports what it read, so a test can require that each store was read.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STORE_FILES } from '../../src/node/storage/sqlite/sqlite-storage.ts';
import type { StoreName } from '../../src/node/storage/port.ts';

type Json = any; // FHIR resources, walked by field

/** A UTF-8 match this short could occur by chance in ciphertext, so it must stand between delimiters. */
const SHORT = 5;
/**
 * Delimiters a short string stands between when written as text: JSON quotes, spaces, separators, and
 * HL7 v2's (| ^ ~ & and the CR that ends a segment), now that HL7 text reaches a node (issue 21).
 */
const DELIMITERS = [
  0x22, 0x20, 0x27, 0x2c, 0x3a, 0x3b, 0x0a, 0x00, 0x2f, 0x3d, 0x3c, 0x3e, 0x7c, 0x5e, 0x7e, 0x26, 0x0d,
];
/** Base64 of a string is looked for only where its aligned core is this long (chance matches below). */
const BASE64_CORE_MIN = 8;

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'base64';

export interface Needle {
  readonly phi: string;
  readonly encoding: Encoding;
  readonly bytes: Buffer;
  /** Must be bounded by a delimiter on both sides (short UTF-8 strings). */
  readonly delimited: boolean;
}

/** Every name, birth date, identifier, address and telecom of the Patients in these bundles, and every
 * coded display of their records. */
export function phiOfBundles(bundles: readonly Json[], pseudonymSystem: string): string[] {
  const found = new Set<string>();
  const add = (s: unknown) => {
    if (typeof s === 'string' && s.trim().length >= 3) found.add(s);
  };
  const walk = (value: Json): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (value === null || typeof value !== 'object') return;
    // A Coding's display describes the patient's health; a Reference's display names an organisation
    // or practitioner, which the directory publishes on purpose.
    if ('code' in value || 'system' in value) add(value.display);
    for (const v of Object.values(value)) walk(v);
  };
  for (const bundle of bundles) {
    for (const { resource } of bundle.entry as Json[]) {
      if (resource.resourceType === 'Patient') {
        for (const name of resource.name ?? []) {
          for (const part of [name.family, name.text, ...(name.given ?? []), ...(name.prefix ?? [])])
            add(part);
        }
        add(resource.birthDate);
        for (const address of resource.address ?? []) {
          for (const line of address.line ?? []) add(line);
          add(address.city);
        }
        for (const telecom of resource.telecom ?? []) add(telecom.value);
        for (const id of resource.identifier ?? []) if (id.system !== pseudonymSystem) add(id.value);
      }
      walk(resource);
    }
  }
  return [...found];
}

/** The byte forms of one PHI string that a leak could take. */
export function needlesOf(phi: string): Needle[] {
  const utf8 = Buffer.from(phi, 'utf8');
  const needles: Needle[] = [
    { phi, encoding: 'utf-8', bytes: utf8, delimited: utf8.length < SHORT },
    { phi, encoding: 'utf-16le', bytes: Buffer.from(phi, 'utf16le'), delimited: false },
    { phi, encoding: 'utf-16be', bytes: Buffer.from(phi, 'utf16le').swap16(), delimited: false },
  ];
  // Inside a longer base64 text the string starts at byte 0, 1 or 2 of a 3-byte group. Encode it after
  // that many filler bytes and keep the characters whose 6 bits all come from the string itself.
  for (let shift = 0; shift < 3; shift++) {
    const text = Buffer.concat([Buffer.alloc(shift), utf8]).toString('base64');
    const core = text.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + utf8.length)) / 6));
    if (core.length >= BASE64_CORE_MIN) {
      needles.push({ phi, encoding: 'base64', bytes: Buffer.from(core, 'latin1'), delimited: false });
    }
  }
  return needles;
}

function occursIn(haystack: Buffer, needle: Needle): boolean {
  for (let at = haystack.indexOf(needle.bytes); at >= 0; at = haystack.indexOf(needle.bytes, at + 1)) {
    if (!needle.delimited) return true;
    const before = at === 0 ? 0x00 : haystack[at - 1]!;
    const after = haystack[at + needle.bytes.length] ?? 0x00;
    if (DELIMITERS.includes(before) && DELIMITERS.includes(after)) return true;
  }
  return false;
}

export interface Leak {
  readonly store: StoreName;
  readonly file: string;
  readonly phi: string;
  readonly encoding: Encoding;
}

export interface ScanReport {
  /** Bytes read per store (its file and WAL together); a store with no file reads 0. */
  readonly bytesRead: Record<StoreName, number>;
  readonly leaks: Leak[];
}

/** Every string value in these resources: what a store publishes on purpose (the directory's staff). */
export function stringsOf(value: Json, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, into);
  else if (value !== null && typeof value === 'object')
    for (const v of Object.values(value)) stringsOf(v, into);
  return into;
}

/**
 * Scans every store file of a node's data directory for every form of every PHI string. `published`
 * names, per store, strings it holds on purpose: a practitioner in the directory may share a
 * patient's surname, and that is not a leak of the patient's.
 */
export function scanStores(
  dataDir: string,
  phi: readonly string[],
  published: Partial<Record<StoreName, ReadonlySet<string>>> = {},
): ScanReport {
  const needles = phi.flatMap(needlesOf);
  const bytesRead = {} as Record<StoreName, number>;
  const leaks: Leak[] = [];
  for (const [store, name] of Object.entries(STORE_FILES) as [StoreName, string][]) {
    bytesRead[store] = 0;
    for (const file of [name, `${name}-wal`]) {
      const path = join(dataDir, file);
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path);
      bytesRead[store] += bytes.length;
      for (const needle of needles) {
        if (published[store]?.has(needle.phi)) continue;
        if (occursIn(bytes, needle)) leaks.push({ store, file, phi: needle.phi, encoding: needle.encoding });
      }
    }
  }
  return { bytesRead, leaks };
}
