// Keys at rest in the browser (web/src/lib/keystore.ts), run in Node's WebCrypto: a sealed seed opens
// only with its passphrase, a relabelled file does not open, and weak or foreign files are refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toHex } from '../../src/core/bytes.ts';
import { publicKeyFromSeed } from '../../src/core/crypto/index.ts';
import {
  openSeed,
  parseSealedKey,
  parseSeedHex,
  PBKDF2_ITERATIONS_MIN,
  sealSeed,
} from '../../web/src/lib/keystore.ts';

const seed = new Uint8Array(32).map((_, i) => i + 1);
const seal = (pass = 'a good passphrase') =>
  sealSeed(seed, pass, { kind: 'patient', label: 'mine' }, PBKDF2_ITERATIONS_MIN);

test('a sealed seed round-trips through its recovery file, and only with its passphrase', async () => {
  const sealed = await seal();
  assert.equal(sealed.publicKey, toHex(publicKeyFromSeed(seed)));
  assert.ok(!JSON.stringify(sealed).includes(toHex(seed)), 'the seed is not in the file');
  const file = parseSealedKey(JSON.stringify(sealed));
  assert.deepEqual(await openSeed(file, 'a good passphrase'), seed);
  await assert.rejects(openSeed(file, 'a good passphrasE'), { code: 'keystore.wrong_passphrase' });
});

test('the kind and public key are bound to the ciphertext: a relabelled file does not open', async () => {
  const sealed = await seal();
  await assert.rejects(openSeed({ ...sealed, kind: 'staff' }, 'a good passphrase'), {
    code: 'keystore.wrong_passphrase',
  });
  const other = toHex(publicKeyFromSeed(new Uint8Array(32).fill(9)));
  await assert.rejects(openSeed({ ...sealed, publicKey: other }, 'a good passphrase'), {
    code: 'keystore.wrong_passphrase',
  });
});

test('weak passphrases, weak KDF settings and foreign files are refused', async () => {
  await assert.rejects(seal('short'), { code: 'keystore.weak_passphrase' });
  const sealed = await seal();
  const weak = { ...sealed, kdf: { ...sealed.kdf, iterations: 1000 } };
  assert.throws(() => parseSealedKey(JSON.stringify(weak)), { code: 'keystore.bad_file' });
  assert.throws(() => parseSealedKey('{"format":"something-else"}'), { code: 'keystore.bad_file' });
  assert.throws(() => parseSealedKey('not json'), { code: 'keystore.bad_file' });
  assert.deepEqual(parseSeedHex(`  0x${toHex(seed).toUpperCase()} `), seed);
  assert.throws(() => parseSeedHex('abc'), { code: 'keystore.bad_seed' });
});
