// Proves the pinned Ed25519 rule of ed25519-rule.ts: the node backend (OpenSSL, cofactorless equation)
// and the browser backend (@noble, cofactored equation) give the same verdict on every signature,
// including the edge cases where Ed25519 verifiers are known to differ ("Taming the many EdDSAs",
// Chalkias, Garillot, Nikolaenko, SSR 2020, whose vectors are novifinancial/ed25519-speccheck's
// cases.json). Each case also records what the *unpinned* libraries say, to show the gap the rule closes;
// docs/ARCHITECTURE.md "Ed25519 verification rule" carries the same table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as opensslVerify } from 'node:crypto';
import fc from 'fast-check';
import { ed25519, ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, fromHex, utf8 } from '../bytes.ts';
import { backend as nodeBackend } from './backend-node.ts';
import { backend as nobleBackend } from './backend-noble.ts';
import { isAcceptablePublicKey, isAcceptableSignatureR } from './ed25519-rule.ts';

const { Point } = ed25519;
const L = Point.Fn.ORDER;
const TORSION = ED25519_TORSION_SUBGROUP.map((hex) => fromHex(hex));
/** An order-8 point (the torsion subgroup is cyclic of order 8; this one generates it). */
const T8 = TORSION[1]!;
const IDENTITY = TORSION[0]!;
/** The identity with y = p + 1 (RFC 8032 §5.1.3 requires y < p). */
const IDENTITY_Y_ABOVE_P = fromHex('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
/** The identity with the x sign bit set although x = 0 (RFC 8032 §5.1.3 step 4 rejects it). */
const IDENTITY_NEGATIVE_ZERO = fromHex('0100000000000000000000000000000000000000000000000000000000000080');

// ---- What the unpinned libraries say -----------------------------------------------------------------

const SPKI_ED25519_PREFIX = fromHex('302a300506032b6570032100');

function rawOpenssl(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const der = Buffer.from(concatBytes(SPKI_ED25519_PREFIX, publicKey));
    return opensslVerify(
      null,
      message,
      createPublicKey({ key: der, format: 'der', type: 'spki' }),
      signature,
    );
  } catch {
    return false;
  }
}

function rawNoble(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  zip215: boolean,
): boolean {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215 });
  } catch {
    return false;
  }
}

type PointOfCurve = ReturnType<typeof Point.fromBytes>;

function orderOf(point: PointOfCurve): string {
  if (point.is0()) return 'identity';
  if (point.isSmallOrder()) return 'small';
  return point.isTorsionFree() ? 'prime' : 'mixed';
}

/** The point's order class, prefixed 'nc ' (non-canonical) when only ZIP-215 decoding accepts the bytes. */
function describePoint(bytes: Uint8Array): string {
  try {
    return orderOf(Point.fromBytes(bytes, false));
  } catch {
    return `nc ${orderOf(Point.fromBytes(bytes, true))}`;
  }
}

// ---- Signatures that satisfy chosen equations (signing only: all verification is the libraries') ------

const SEED = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'); // RFC 8032 TEST 1
const { scalar: SECRET, pointBytes: A } = ed25519.utils.getExtendedPublicKey(SEED);
const NONCE = 0x0ca5ec4a1ce0ddba11n;

/** k = SHA-512(R || A || M) mod L, over the bytes exactly as given (RFC 8032 §5.1.7 step 2). */
function challenge(r: Uint8Array, publicKey: Uint8Array, message: Uint8Array): bigint {
  return Point.Fn.create(bytesToNumberLE(sha512(concatBytes(r, publicKey, message))));
}

/** R || S with S = (nonce + k·secret) mod L (RFC 8032 §5.1.6 step 5) for a caller-chosen encoding of R. */
function signWith(r: Uint8Array, publicKey: Uint8Array, message: Uint8Array, nonce: bigint, secret: bigint) {
  const s = Point.Fn.create(nonce + challenge(r, publicKey, message) * secret);
  return concatBytes(r, numberToBytesLE(s, 32));
}

function addPoints(a: Uint8Array, b: Uint8Array): Uint8Array {
  return Point.fromBytes(a).add(Point.fromBytes(b)).toBytes();
}

/** The first message "<label> <i>" whose challenge satisfies a condition (found in a few tries). */
function messageWhere(label: string, holds: (message: Uint8Array) => boolean): Uint8Array {
  for (let i = 0; i < 1000; i++) {
    const message = utf8(`${label} ${i}`);
    if (holds(message)) return message;
  }
  throw new Error(`no message for ${label}`);
}

// ---- The cases -----------------------------------------------------------------------------------------

type Verdict = 'yes' | 'no';
/**
 * One edge case as a table row: what it exercises; the class of A and of R and whether S < L (checked
 * against the bytes, so a row cannot mislabel its vector); the raw verdicts of node:crypto verify
 * (OpenSSL 3.0 in Node 20), noble ed25519.verify with zip215 true and with zip215 false; and the verdict
 * of the pinned rule, which both backends must return.
 */
type Row = readonly [
  id: string,
  exercises: string,
  a: string,
  r: string,
  s: 'S < L' | 'S ≥ L',
  openssl: Verdict,
  nobleZip215: Verdict,
  nobleStrict: Verdict,
  pinned: Verdict,
];

interface Input {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

// ed25519-speccheck cases.json (commit 65519336), the 12 vectors of the paper's Table 6c. The pinned rule
// rejects all twelve: 0-5 and 8-11 have a small-order, mixed-order or non-canonical A; 6-7 have S ≥ L.
// "nc" = non-canonical encoding; "nc small" here is the order-2 point (0, -1) with the x sign bit set
// although x = 0. In S8-S11, "k over R re-encoded" means the signer hashed the canonical re-encoding of
// the point, not the bytes sent.
// prettier-ignore
const SPECCHECK_ROWS: readonly Row[] = [
  ['S0',  'S = 0, small A, small R',              'small',    'small',    'S < L', 'yes', 'yes', 'no',  'no'],
  ['S1',  'small A, mixed R',                     'small',    'mixed',    'S < L', 'yes', 'yes', 'no',  'no'],
  ['S2',  'mixed A, small R',                     'mixed',    'small',    'S < L', 'yes', 'yes', 'yes', 'no'],
  ['S3',  'mixed A and R, both equations hold',   'mixed',    'mixed',    'S < L', 'yes', 'yes', 'yes', 'no'],
  ['S4',  'mixed A and R, cofactored only',       'mixed',    'mixed',    'S < L', 'no',  'yes', 'yes', 'no'],
  ['S5',  'mixed A, fails if 8·k is pre-reduced', 'mixed',    'prime',    'S < L', 'no',  'yes', 'yes', 'no'],
  ['S6',  'S + L',                                'prime',    'prime',    'S ≥ L', 'no',  'no',  'no',  'no'],
  ['S7',  'S with high bits set',                 'prime',    'prime',    'S ≥ L', 'no',  'no',  'no',  'no'],
  ['S8',  'nc R, k over R re-encoded',            'mixed',    'nc small', 'S < L', 'no',  'no',  'no',  'no'],
  ['S9',  'nc R, k over R as sent',               'mixed',    'nc small', 'S < L', 'no',  'yes', 'no',  'no'],
  ['S10', 'nc A, k over A re-encoded',            'nc small', 'mixed',    'S < L', 'no',  'yes', 'no',  'no'],
  ['S11', 'nc A, k over A as sent',               'nc small', 'mixed',    'S < L', 'yes', 'yes', 'no',  'no'],
];

/** [message, public key, signature] in hex, in the order of cases.json. */
const SPECCHECK_HEX: readonly (readonly [string, string, string])[] = [
  [
    '8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6',
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a0000000000000000000000000000000000000000000000000000000000000000',
  ],
  [
    '9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79',
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
    'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04',
  ],
  [
    'aebf3f2601a0c8c5d39cc7d8911642f740b78168218da8471772b35f9d35b9ab',
    'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43',
    'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa8c4bd45aecaca5b24fb97bc10ac27ac8751a7dfe1baff8b953ec9f5833ca260e',
  ],
  [
    '9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79',
    'cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d',
    '9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009',
  ],
  [
    'e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c',
    'cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d',
    '160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed5125ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09',
  ],
  [
    'e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c',
    'cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d',
    '21122a84e0b5fca4052f5b1235c80a537878b38f3142356b2c2384ebad4668b7e40bc836dac0f71076f9abe3a53f9c03c1ceeeddb658d0030494ace586687405',
  ],
  [
    '85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40',
    '442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623',
    'e96f66be976d82e60150baecff9906684aebb1ef181f67a7189ac78ea23b6c0e547f7690a0e2ddcd04d87dbc3490dc19b3b3052f7ff0538cb68afb369ba3a514',
  ],
  [
    '85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40',
    '442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623',
    '8ce5b96c8f26d0ab6c47958c9e68b937104cd36e13c33566acd2fe8d38aa19427e71f98a473474f2f13f06f97c20d58cc3f54b8bd0d272f42b695dd7e89a8c22',
  ],
  [
    '9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41',
    'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff03be9678ac102edcd92b0210bb34d7428d12ffc5df5f37e359941266a4e35f0f',
  ],
  [
    '9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41',
    'f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffca8c5b64cd208982aa38d4936621a4775aa233aa0505711d8fdcfdaa943d4908',
  ],
  [
    'e96b7021eb39c1a163b6da4e3093dcd3f21387da4cc4572be588fafae23c155b',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    'a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04',
  ],
  [
    '39a591f5321bbe07fd5a23dc2f39d025d74526615746727ceefd6e82ae65c06f',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    'a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04',
  ],
];

// Constructed with the RFC 8032 TEST 1 key pair (A of prime order, secret scalar a known) unless a case
// swaps the key. The speccheck vectors never pair a *good* key with a bad R, so these cover the R side of
// the rule, where only the noble backend's R check keeps the backends together (C4, C5), and show that
// OpenSSL alone accepts small, mixed and non-canonical keys (C8-C11), hence the key check on the node.
// prettier-ignore
const CONSTRUCTED_ROWS: readonly Row[] = [
  ['C1',  'honest signature (control)',            'prime',       'prime',       'S < L', 'yes', 'yes', 'yes', 'yes'],
  ['C2',  'honest signature with S + L',           'prime',       'prime',       'S ≥ L', 'no',  'no',  'no',  'no'],
  ['C3',  'R = identity, S = k·a',                 'prime',       'identity',    'S < L', 'yes', 'yes', 'yes', 'yes'],
  ['C4',  'R = order-8 point, S = k·a',            'prime',       'small',       'S < L', 'no',  'yes', 'yes', 'no'],
  ['C5',  'R = rB + T8, S = r + k·a',              'prime',       'mixed',       'S < L', 'no',  'yes', 'yes', 'no'],
  ['C6',  'R = identity as y = p + 1, S = k·a',    'prime',       'nc identity', 'S < L', 'no',  'yes', 'no',  'no'],
  ['C7',  'R = identity with x sign bit, S = k·a', 'prime',       'nc identity', 'S < L', 'no',  'yes', 'no',  'no'],
  ['C8',  'A = R = identity, S = 0',               'identity',    'identity',    'S < L', 'yes', 'yes', 'no',  'no'],
  ['C9',  'A = T8, R = identity, S = 0, 8 | k',    'small',       'identity',    'S < L', 'yes', 'yes', 'no',  'no'],
  ['C10', 'A = identity as y = p + 1, S = 0',      'nc identity', 'identity',    'S < L', 'yes', 'yes', 'no',  'no'],
  ['C11', 'A + T8 (mixed key), 8 | k',             'mixed',       'prime',       'S < L', 'yes', 'yes', 'yes', 'no'],
  ['C12', 'A + T8 (mixed key), 8 ∤ k',             'mixed',       'prime',       'S < L', 'no',  'yes', 'yes', 'no'],
];

function constructedInputs(): Input[] {
  const message = (id: string) => utf8(`carechain edge case ${id}`);
  const honestMessage = message('C1');
  const honest = ed25519.sign(honestMessage, SEED);
  const sPlusL = bytesToNumberLE(honest.subarray(32)) + L;
  const zeroS = concatBytes(IDENTITY, new Uint8Array(32));
  const rPrime = Point.BASE.multiply(NONCE).toBytes();
  const rMixed = addPoints(rPrime, T8);
  const aMixed = addPoints(A, T8);
  const m9 = messageWhere('C9', (m) => challenge(IDENTITY, T8, m) % 8n === 0n);
  const m11 = messageWhere('C11', (m) => challenge(rPrime, aMixed, m) % 8n === 0n);
  const m12 = messageWhere('C12', (m) => challenge(rPrime, aMixed, m) % 8n !== 0n);
  const signed = (id: string, r: Uint8Array, nonce: bigint): Input => ({
    publicKey: A,
    message: message(id),
    signature: signWith(r, A, message(id), nonce, SECRET),
  });
  return [
    { publicKey: A, message: honestMessage, signature: honest },
    {
      publicKey: A,
      message: honestMessage,
      signature: concatBytes(honest.subarray(0, 32), numberToBytesLE(sPlusL, 32)),
    },
    signed('C3', IDENTITY, 0n),
    signed('C4', T8, 0n),
    signed('C5', rMixed, NONCE),
    signed('C6', IDENTITY_Y_ABOVE_P, 0n),
    signed('C7', IDENTITY_NEGATIVE_ZERO, 0n),
    { publicKey: IDENTITY, message: message('C8'), signature: zeroS },
    { publicKey: T8, message: m9, signature: zeroS },
    { publicKey: IDENTITY_Y_ABOVE_P, message: message('C10'), signature: zeroS },
    { publicKey: aMixed, message: m11, signature: signWith(rPrime, aMixed, m11, NONCE, SECRET) },
    { publicKey: aMixed, message: m12, signature: signWith(rPrime, aMixed, m12, NONCE, SECRET) },
  ];
}

const SPECCHECK_INPUTS: Input[] = SPECCHECK_HEX.map(([message, publicKey, signature]) => ({
  message: fromHex(message),
  publicKey: fromHex(publicKey),
  signature: fromHex(signature),
}));

const EDGE_CASES: (readonly [Row, Input])[] = [
  ...SPECCHECK_ROWS.map((row, i) => [row, SPECCHECK_INPUTS[i]!] as const),
  ...constructedInputs().map((input, i) => [CONSTRUCTED_ROWS[i]!, input] as const),
];

const yes = (verdict: Verdict) => verdict === 'yes';

for (const [row, { publicKey, message, signature }] of EDGE_CASES) {
  const [id, exercises, a, r, s, openssl, nobleZip215, nobleStrict, pinned] = row;

  void test(`${id} (${exercises}): both backends return the pinned verdict "${pinned}"`, () => {
    assert.equal(describePoint(publicKey), a, 'class of A');
    assert.equal(describePoint(signature.subarray(0, 32)), r, 'class of R');
    assert.equal(bytesToNumberLE(signature.subarray(32)) < L ? 'S < L' : 'S ≥ L', s);
    const node = nodeBackend.ed25519Verify(publicKey, message, signature);
    const noble = nobleBackend.ed25519Verify(publicKey, message, signature);
    assert.equal(node, noble, 'the node and noble backends disagree');
    assert.equal(node, yes(pinned), 'verdict differs from the pinned rule');
  });

  // Not a property of carechain: a failure here means a library changed its behaviour, and this table and
  // the one in docs/ARCHITECTURE.md need updating (the pinned verdicts above must hold regardless).
  void test(`${id} (${exercises}): raw library verdicts are as documented`, () => {
    const raw = [
      rawOpenssl(publicKey, message, signature),
      rawNoble(publicKey, message, signature, true),
      rawNoble(publicKey, message, signature, false),
    ];
    assert.deepEqual(raw, [yes(openssl), yes(nobleZip215), yes(nobleStrict)], '[OpenSSL, zip215, strict]');
  });
}

void test('the rule checks reject every small-order point as A, and every one but the identity as R', () => {
  for (const [i, point] of TORSION.entries()) {
    assert.equal(isAcceptablePublicKey(point), false, `torsion point ${i} as A`);
    assert.equal(
      isAcceptableSignatureR(concatBytes(point, new Uint8Array(32))),
      i === 0,
      `torsion point ${i} as R`,
    );
  }
  assert.equal(isAcceptablePublicKey(A), true);
  assert.equal(isAcceptablePublicKey(A.subarray(0, 31)), false);
  assert.equal(isAcceptableSignatureR(new Uint8Array(63)), false);
});

void test('signatures and keys of the wrong length are rejected by both backends, without throwing', () => {
  const signature = ed25519.sign(utf8('x'), SEED);
  const inputs: [Uint8Array, Uint8Array][] = [
    [A.subarray(0, 31), signature],
    [concatBytes(A, new Uint8Array(1)), signature],
    [A, signature.subarray(0, 63)],
    [A, concatBytes(signature, new Uint8Array(1))],
    [new Uint8Array(0), new Uint8Array(0)],
  ];
  for (const [publicKey, sig] of inputs) {
    assert.equal(nodeBackend.ed25519Verify(publicKey, utf8('x'), sig), false);
    assert.equal(nobleBackend.ed25519Verify(publicKey, utf8('x'), sig), false);
  }
});

// ---- Properties ----------------------------------------------------------------------------------------

const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

void test('property: on random keys and garbage signatures both backends agree (and reject)', () => {
  const someKey = fc.oneof(
    bytes(32),
    bytes(32).map((seed) => ed25519.getPublicKey(seed)),
    fc.constantFrom(...TORSION),
  );
  fc.assert(
    fc.property(someKey, fc.uint8Array({ maxLength: 64 }), bytes(64), (publicKey, message, signature) => {
      const node = nodeBackend.ed25519Verify(publicKey, message, signature);
      const noble = nobleBackend.ed25519Verify(publicKey, message, signature);
      assert.equal(node, noble);
      assert.equal(node, false);
    }),
    { numRuns: 300 },
  );
});

// The heart of the matter. Take an honest key and nonce, then add torsion: T_i to the key and T_j to R,
// and compute S so that the cofactored equation holds. Raw noble (cofactored) then accepts every such
// signature; raw OpenSSL (cofactorless) accepts exactly when T_j + k·T_i is the identity; the pinned
// backends must both accept exactly the torsion-free signature (i = j = 0).
void test('property: torsion added to A or R never splits the backends', () => {
  fc.assert(
    fc.property(
      bytes(32),
      fc.uint8Array({ maxLength: 64 }),
      fc.bigInt({ min: 1n, max: L - 1n }),
      fc.integer({ min: 0, max: 7 }),
      fc.integer({ min: 0, max: 7 }),
      (seed, message, nonce, i, j) => {
        const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
        const publicKey = addPoints(pointBytes, TORSION[i]!);
        const r = addPoints(Point.BASE.multiply(nonce).toBytes(), TORSION[j]!);
        const signature = signWith(r, publicKey, message, nonce, scalar);
        const k = challenge(r, publicKey, message);
        const residue = Point.fromBytes(TORSION[j]!).add(Point.fromBytes(TORSION[i]!).multiplyUnsafe(k % 8n));

        assert.equal(rawNoble(publicKey, message, signature, false), true, 'cofactored equation holds');
        assert.equal(rawOpenssl(publicKey, message, signature), residue.is0(), 'cofactorless equation');
        const node = nodeBackend.ed25519Verify(publicKey, message, signature);
        const noble = nobleBackend.ed25519Verify(publicKey, message, signature);
        assert.equal(node, noble, `backends disagree (i=${i}, j=${j})`);
        assert.equal(node, i === 0 && j === 0);
      },
    ),
    { numRuns: 200 },
  );
});
