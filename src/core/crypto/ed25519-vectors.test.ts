// RFC 8032 §7.1 known answers for both crypto backends: each derives the public key from the seed,
// produces the exact published signature (Ed25519 signing is deterministic, §5.1.6) and verifies it, and
// each rejects the signature once a single bit of the message, the signature or the key is flipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromHex, toHex } from '../bytes.ts';
import type { CryptoBackend } from './backend.ts';
import { backend as nodeBackend } from './backend-node.ts';
import { backend as nobleBackend } from './backend-noble.ts';
import { flipBit } from '../test-support.ts';

const BACKENDS: readonly (readonly [string, CryptoBackend])[] = [
  ['node', nodeBackend],
  ['noble', nobleBackend],
];

interface Rfc8032Vector {
  readonly name: string;
  readonly seed: string;
  readonly publicKey: string;
  readonly message: string;
  readonly signature: string;
}

// TEST 1024 signs a 1023-byte message; it is joined from lines of 60 hex digits as printed in the RFC.
const TEST_1024_MESSAGE = [
  '08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4',
  'eb98fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf',
  '73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a',
  '1b270b20329d658675fc6ea534e0810a4432826bf58c941efb65d57a338b',
  'bd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b',
  '199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da9',
  '03401aa62100ab5d1a36553e06203b33890cc9b832f79ef80560ccb9a39c',
  'e767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10',
  '3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83',
  'f4a41da4af2b74ef5c53f1d8ac70bdcb7ed185ce81bd84359d44254d9562',
  '9e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a',
  '2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6',
  '079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f27088d78b7e883c',
  '8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e694',
  '85bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b0707e0',
  '917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba',
  'b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255d',
  'c51addd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2',
  'af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e0',
  '56a9b47acdb751fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301',
  '651339e22904cc8c42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c',
  '4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f672451',
  '7b65e614ad6808d6f6ee34dff7310fdc82aebfd904b01e1dc54b2927094b',
  '2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7',
  '984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab4',
  '7b57f7f7276cd419c17a3ca8e1b939ae49e488acba6b965610b5480109c8',
  'b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308a',
  'a342721aac0943bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a4',
  '3dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5fb93246f6b111',
  '6398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba7',
  '7c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef13695',
  '46868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d',
  'b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86ab',
  'a41c0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00',
  'a0b9d0',
].join('');

const RFC8032_VECTORS: readonly Rfc8032Vector[] = [
  {
    name: 'TEST 1',
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    seed: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST 1024',
    seed: 'f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5',
    publicKey: '278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e',
    message: TEST_1024_MESSAGE,
    signature:
      '0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03',
  },
  {
    name: 'TEST SHA(abc)',
    seed: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    publicKey: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    signature:
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
];

/**
 * Which bits of a signature or key to flip: the first and last bit of every byte, which covers the x sign
 * bits of A and R and the top bits of S, where encodings are most fragile. (Every bit on the noble backend
 * would take seconds.) The message gets its first and last bit flipped, or, when empty, a byte appended.
 */
function bitsToFlip(length: number): number[] {
  const bits: number[] = [];
  for (let i = 0; i < length; i++) bits.push(8 * i, 8 * i + 7);
  return bits;
}

void test('the RFC 8032 TEST 1024 message has its published length of 1023 bytes', () => {
  assert.equal(fromHex(TEST_1024_MESSAGE).length, 1023);
});

for (const vector of RFC8032_VECTORS) {
  const seed = fromHex(vector.seed);
  const publicKey = fromHex(vector.publicKey);
  const message = fromHex(vector.message);
  const signature = fromHex(vector.signature);

  for (const [name, backend] of BACKENDS) {
    void test(`RFC 8032 §7.1 ${vector.name}, ${name} backend: key, exact signature, verification`, () => {
      assert.equal(toHex(backend.ed25519PublicKey(seed)), vector.publicKey);
      assert.equal(toHex(backend.ed25519Sign(seed, message)), vector.signature);
      assert.equal(backend.ed25519Verify(publicKey, message, signature), true);
    });

    void test(`RFC 8032 §7.1 ${vector.name}, ${name} backend: a flipped bit in message, signature or key fails`, () => {
      const tamperedMessages =
        message.length === 0
          ? [new Uint8Array(1)]
          : [flipBit(message, 0), flipBit(message, 8 * message.length - 1)];
      for (const tampered of tamperedMessages) {
        assert.equal(backend.ed25519Verify(publicKey, tampered, signature), false, 'message');
      }
      for (const bit of bitsToFlip(64)) {
        assert.equal(
          backend.ed25519Verify(publicKey, message, flipBit(signature, bit)),
          false,
          `sig bit ${bit}`,
        );
      }
      for (const bit of bitsToFlip(32)) {
        assert.equal(
          backend.ed25519Verify(flipBit(publicKey, bit), message, signature),
          false,
          `key bit ${bit}`,
        );
      }
    });
  }
}

void test('property: for random seeds and messages both backends derive the same key, sign identically, verify', () => {
  const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
  fc.assert(
    fc.property(bytes32, fc.uint8Array({ maxLength: 300 }), (seed, message) => {
      const publicKey = nodeBackend.ed25519PublicKey(seed);
      assert.equal(toHex(nobleBackend.ed25519PublicKey(seed)), toHex(publicKey));
      const signature = nodeBackend.ed25519Sign(seed, message);
      assert.equal(toHex(nobleBackend.ed25519Sign(seed, message)), toHex(signature));
      assert.equal(nodeBackend.ed25519Verify(publicKey, message, signature), true);
      assert.equal(nobleBackend.ed25519Verify(publicKey, message, signature), true);
    }),
    { numRuns: 200 },
  );
});
