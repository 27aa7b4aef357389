// The error catalogue (src/core/errors/codes.ts) is the one place a code gets its status: every code
// thrown in src/ must be in it, a status written beside a code must be the catalogue's, and the auth
// table's statuses must be the catalogue's. The source is scanned, so a new code without an entry fails here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AUTH_ERROR_CODES, authErrorKind } from '../../src/api/auth/errors.ts';
import { ERROR_CATALOGUE, isErrorCode, statusOfCode } from '../../src/core/errors/codes.ts';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const THROWN =
  /new (CoreError|TxError|NodeError|AuthError|ServiceError|StoreError|StorageError)\(\s*(?:(\d{3}),\s*)?'([a-z0-9_]+(?:\.[a-z0-9_]+)+)'/g;
/**
 * A refused tx's reason, which boundaries answer as a code: app/payload.ts rejected(), the supply
 * lifecycle's refuse(), and the membership status changes' refusal (the last dotted argument).
 */
const REJECTED = /(?:rejected\(|refuse\(|statusChange\([^)]*?)\s*'([a-z0-9_]+(?:\.[a-z0-9_]+)+)'/g;
/** The error constructors whose first argument is not a literal code: each must pass a code through. */
const PASSED_THROUGH = /new (CoreError|TxError|NodeError|AuthError|ServiceError)\(\s*(?:\d{3},\s*)?[a-zA-Z]/g;

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$|^(test-support|testing)\.ts$/.test(entry.name)) {
      yield path;
    }
  }
}

interface Thrown {
  readonly file: string;
  readonly kind: string;
  readonly status: number | null;
  readonly code: string;
}

function thrownCodes(): Thrown[] {
  const found: Thrown[] = [];
  for (const file of sources(SRC)) {
    for (const m of readFileSync(file, 'utf8').matchAll(THROWN)) {
      found.push({ file, kind: m[1]!, status: m[2] === undefined ? null : Number(m[2]), code: m[3]! });
    }
    for (const m of readFileSync(file, 'utf8').matchAll(REJECTED)) {
      found.push({ file, kind: 'rejected', status: null, code: m[1]! });
    }
  }
  return found;
}

test('every error code thrown in src/ is in the catalogue', () => {
  const thrown = thrownCodes();
  assert.ok(thrown.length > 200, `only ${thrown.length} throw sites found: is the scan still right?`);
  const missing = thrown.filter((t) => !isErrorCode(t.code)).map((t) => `${t.code} (${t.file})`);
  assert.deepEqual(missing, []);
});

test('a status written beside a code is the catalogue’s', () => {
  const differing = thrownCodes()
    .filter((t) => t.status !== null && t.status !== statusOfCode(t.code))
    .map((t) => `${t.code}: ${t.status} in ${t.file}, ${statusOfCode(t.code)} in the catalogue`);
  assert.deepEqual(differing, []);
});

test('codes passed through a variable are few and known', () => {
  const sites: string[] = [];
  for (const file of sources(SRC)) {
    const count = [...readFileSync(file, 'utf8').matchAll(PASSED_THROUGH)].length;
    if (count > 0) sites.push(file.slice(SRC.length + 1));
  }
  // register.ts and block.ts (adding the tx's index) re-raise a TxError with its own code; challenge.ts's
  // fail() takes an AuthErrorCode; ledger-refusal.ts (for the supply, trials and claims services) answers a refused
  // tx with its module's reason (each in the catalogue, scanned above as rejected()). Every other
  // translation is the one error translator's (api/errors.ts).
  assert.deepEqual(sites.sort(), [
    'api/auth/challenge.ts',
    'app/block.ts',
    'app/records/register.ts',
    'services/ledger-refusal.ts',
  ]);
});

test('the auth table answers each code with the catalogue’s status', () => {
  for (const code of AUTH_ERROR_CODES) {
    assert.equal(authErrorKind(code).status, statusOfCode(code), code);
  }
});

test('the scan finds a code that is not in the catalogue', () => {
  const source = "throw new NodeError('made.up_code', 'x');";
  const m = [...source.matchAll(THROWN)];
  assert.equal(m[0]?.[3], 'made.up_code');
  assert.equal(isErrorCode('made.up_code'), false);
});

test('every entry has an HTTP error status and a message', () => {
  for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
    assert.match(code, /^[a-z0-9_]+(\.[a-z0-9_]+)*$/);
    assert.ok(entry.status >= 400 && entry.status <= 599, code);
    assert.ok(entry.message.length > 0, code);
  }
});
