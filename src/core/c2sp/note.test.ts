// Signed notes against the Go reference implementation's published vectors (golang.org/x/mod/sumdb/note
// note_test.go: the PeterNeumann and EnochRoot keys and signatures), and our own signatures round trip.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf8 } from '../bytes.ts';
import { publicKeyFromSeed, sha256 } from '../crypto/index.ts';
import { coreErrorCodeOf } from '../test-support.ts';
import {
  cosignLine,
  formatNote,
  formatVkey,
  parseNote,
  parseVkey,
  signNoteLine,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  verifier,
  verifyNote,
} from './note.ts';

const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

const codeOf = coreErrorCodeOf;

test('the Go vkeys parse, with the key IDs Go computes, and format back byte for byte', () => {
  const peter = parseVkey(PETER_VKEY);
  assert.equal(peter.keyId, 0xc74f20a3);
  assert.equal(peter.type, SIG_ED25519);
  assert.equal(formatVkey(peter), PETER_VKEY);
  assert.equal(parseVkey(ENOCH_VKEY).keyId, 0xaf0cfe78);
});

// Go's TestNewVerifier manglings: wrong key ID, unknown algorithm, wrong length, truncations.
const BAD_VKEYS = [
  'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
  'PeterNeumann+c74f20a3',
  'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  PETER_VKEY.slice(0, -1),
  PETER_VKEY.slice(1),
];
for (const vkey of BAD_VKEYS) {
  test(`the vkey ${vkey.slice(0, 40)}… is refused`, () =>
    assert.equal(
      codeOf(() => parseVkey(vkey)),
      'c2sp.malformed',
    ));
}

test('the Go-signed note verifies; an unknown key’s signature is ignored, a known key’s bad one rejects it', () => {
  const peter = parseVkey(PETER_VKEY);
  const enoch = parseVkey(ENOCH_VKEY);
  const note = parseNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`);
  assert.equal(note.text, TEXT);
  assert.deepEqual(
    verifyNote(note, [peter]).map((s) => s.verifier.name),
    ['PeterNeumann'],
  );
  assert.deepEqual(
    verifyNote(note, [peter, enoch]).map((s) => s.verifier.name),
    ['PeterNeumann', 'EnochRoot'],
  );
  assert.equal(
    codeOf(() => verifyNote(note, [])),
    'c2sp.unverified',
  );
  const forged = parseNote(`${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`);
  assert.equal(
    codeOf(() => verifyNote(forged, [peter])),
    'c2sp.invalid_signature',
  );
  const otherText = parseNote(`${TEXT.replace('problem', 'problems')}\n${PETER_SIG}`);
  assert.equal(
    codeOf(() => verifyNote(otherText, [peter])),
    'c2sp.invalid_signature',
  );
});

// Go's TestOpen bad messages, and more signatures than Go accepts.
const BAD_NOTES: [string, string][] = [
  ['no signatures', TEXT],
  ['a blank line only', `${TEXT}\n`],
  ['no final newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
  ['a control character', `\x01${TEXT}\n${PETER_SIG}`],
  [
    'a space in the name',
    `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
  ],
  ['a line after the signatures', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
  ['101 signatures', `${TEXT}\n${PETER_SIG.repeat(101)}`],
];
for (const [what, message] of BAD_NOTES) {
  test(`a note with ${what} is malformed`, () => {
    assert.match(
      codeOf(() => parseNote(message)),
      /^c2sp\.malformed/,
    );
  });
}

test('our note signatures and cosignatures verify under their vkeys, and only over their own text', () => {
  const seed = sha256(utf8('c2sp test key'));
  const key = publicKeyFromSeed(seed);
  const log = verifier('carechain.local/demo', SIG_ED25519, key);
  const witness = verifier('st-mary.carechain.local/demo', SIG_COSIGNATURE_V1, key);
  // One key, two types: different key IDs, and neither signature verifies as the other.
  assert.notEqual(log.keyId, witness.keyId);
  const text = 'carechain.local/demo\n3\n' + 'A'.repeat(43) + '=\n';
  const note = formatNote(text, [
    signNoteLine(seed, log, text),
    cosignLine(seed, witness, text, 1_700_000_000),
  ]);
  const verified = verifyNote(parseNote(note), [parseVkey(formatVkey(log)), parseVkey(formatVkey(witness))]);
  assert.deepEqual(
    verified.map((s) => [s.verifier.name, s.timestampSeconds]),
    [
      ['carechain.local/demo', null],
      ['st-mary.carechain.local/demo', 1_700_000_000],
    ],
  );
  const moved = note.replace('\n3\n', '\n4\n');
  assert.equal(
    codeOf(() => verifyNote(parseNote(moved), [log, witness])),
    'c2sp.invalid_signature',
  );
  // A cosignature whose time was edited no longer verifies: the time is signed.
  const line = cosignLine(seed, witness, text, 1_700_000_000);
  const retimed = cosignLine(seed, witness, text, 1_700_000_001);
  // The first 16 base64 characters are the 4-byte key ID and the 8-byte time; the rest is the signature.
  const b64 = (l: string) => l.trim().split(' ')[2]!;
  const spliced = `— ${witness.name} ${b64(retimed).slice(0, 16)}${b64(line).slice(16)}\n`;
  assert.equal(
    codeOf(() => verifyNote(parseNote(formatNote(text, [spliced])), [witness])),
    'c2sp.invalid_signature',
  );
});
