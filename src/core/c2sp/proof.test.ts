import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf8 } from '../bytes.ts';
import { publicKeyFromSeed, sha256 } from '../crypto/index.ts';
import { coreErrorCodeOf } from '../test-support.ts';
import { appendLeaves, inclusionProof, leafHash, MemoryLogNodeStore, rootAt } from '../merkle/index.ts';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.ts';
import {
  cosignLine,
  formatNote,
  formatVkey,
  signNoteLine,
  SIG_COSIGNATURE_V1,
  SIG_ED25519,
  verifier,
} from './note.ts';
import { parsePolicy, quorumMet } from './policy.ts';
import { formatProof, parseProof, verifyProof } from './proof.ts';

const ORIGIN = 'carechain.local/demo';
const key = (label: string) => {
  const seed = sha256(utf8(label));
  return { seed, publicKey: publicKeyFromSeed(seed) };
};
const node = key('node');
const validators = ['a', 'b', 'c', 'd'].map((id) => ({ id, ...key(`validator ${id}`) }));
const outsider = key('patients association');
const logV = verifier(ORIGIN, SIG_ED25519, node.publicKey);
const cosigners = validators.map((v) => ({
  ...v,
  v: verifier(`${v.id}.${ORIGIN}`, SIG_COSIGNATURE_V1, v.publicKey),
}));
const outsiderV = verifier(`patients.example/w`, SIG_COSIGNATURE_V1, outsider.publicKey);

const POLICY = [
  `log ${formatVkey(logV)}`,
  ...cosigners.map((c) => `witness ${c.id} ${formatVkey(c.v)}`),
  '# more than 2/3 of four validators',
  'group validators 3 a b c d',
  `witness patients ${formatVkey(outsiderV)} https://patients.example/w`,
  'group members any patients',
  'group demo all validators members',
  'quorum demo',
  '',
].join('\n');

const codeOf = coreErrorCodeOf;

/** A log of ten entries, and a proof of entry 6 cosigned by the given validators (and the outsider). */
function proofOf(signedBy: readonly string[], withOutsider = true) {
  const store = new MemoryLogNodeStore();
  const leaves = Array.from({ length: 10 }, (_, i) => leafHash(utf8(`tx ${i}`)));
  appendLeaves(store, 0, leaves);
  const text = formatCheckpoint({ origin: ORIGIN, size: 10, rootHash: rootAt(store, 10) });
  const lines = [
    signNoteLine(node.seed, logV, text),
    ...cosigners
      .filter((c) => signedBy.includes(c.id))
      .map((c) => cosignLine(c.seed, c.v, text, 1_800_000_000)),
    ...(withOutsider ? [cosignLine(outsider.seed, outsiderV, text, 1_800_000_001)] : []),
  ];
  const file = formatProof({
    extra: null,
    index: 6,
    path: inclusionProof(store, 6, 10),
    checkpoint: formatNote(text, lines),
  });
  return { file, leaf: leaves[6]! };
}

test('a proof cosigned by a quorum verifies offline from the policy alone, and survives a round trip', () => {
  const { file, leaf } = proofOf(['a', 'b', 'c']);
  assert.ok(file.startsWith('c2sp.org/tlog-proof@v1\nindex 6\n'));
  assert.equal(formatProof(parseProof(file)), file);
  const result = verifyProof(parseProof(file), leaf, parsePolicy(POLICY));
  assert.deepEqual(result.cosigners, ['a', 'b', 'c', 'patients']);
  assert.equal(result.checkpoint.size, 10);
});

test('a proof fails without the quorum, for another entry, or with an altered path', () => {
  const policy = parsePolicy(POLICY);
  const twoOfFour = proofOf(['a', 'b']);
  assert.equal(
    codeOf(() => verifyProof(parseProof(twoOfFour.file), twoOfFour.leaf, policy)),
    'c2sp.quorum_not_met',
  );
  const noOutsider = proofOf(['a', 'b', 'c', 'd'], false);
  assert.equal(
    codeOf(() => verifyProof(parseProof(noOutsider.file), noOutsider.leaf, policy)),
    'c2sp.quorum_not_met',
  );
  const { file, leaf } = proofOf(['a', 'b', 'c']);
  assert.equal(
    codeOf(() => verifyProof(parseProof(file), leafHash(utf8('tx 5')), policy)),
    'c2sp.proof_invalid',
  );
  const proof = parseProof(file);
  const altered = { ...proof, path: [leafHash(utf8('x')), ...proof.path.slice(1)] };
  assert.equal(
    codeOf(() => verifyProof(altered, leaf, policy)),
    'c2sp.proof_invalid',
  );
  // Signed by a node the policy does not list as the log: refused even with every cosignature.
  const stranger = parsePolicy(
    POLICY.replace(formatVkey(logV), formatVkey(verifier(ORIGIN, SIG_ED25519, outsider.publicKey))),
  );
  assert.equal(
    codeOf(() => verifyProof(proof, leaf, stranger)),
    'c2sp.unverified',
  );
});

test('checkpoint text is exact: size without leading zeroes, a 32-byte root, and no carechain/ origin', () => {
  const root = 'A'.repeat(43) + '=';
  assert.equal(parseCheckpoint(`${ORIGIN}\n0\n${root}\n`).size, 0);
  for (const bad of [
    `${ORIGIN}\n010\n${root}\n`,
    `${ORIGIN}\n1\n${root}`,
    `${ORIGIN}\n1\nAAAA\n`,
    `carechain/v1/tx\n1\n${root}\n`,
    `${ORIGIN}\n1\n${root}\n\n`,
  ]) {
    assert.equal(
      codeOf(() => parseCheckpoint(bad)),
      'c2sp.malformed_checkpoint',
      JSON.stringify(bad),
    );
  }
});

// [policy text, refusal] — tlog-policy's rules, each shown to bite.
const BAD_POLICIES: [string, string][] = [
  ['log ' + formatVkey(logV) + '\n', 'no quorum line'],
  ['quorum none\nquorum none\n', 'two quorum lines'],
  ['quorum x\n', 'a quorum not defined above'],
  [`group g any a\nwitness a ${formatVkey(cosigners[0]!.v)}\nquorum g\n`, 'a member defined below'],
  [`witness a ${formatVkey(cosigners[0]!.v)}\ngroup g 2 a\nquorum g\n`, 'a threshold above the members'],
  [`witness a ${formatVkey(cosigners[0]!.v)}\ngroup g any a a\nquorum g\n`, 'a member twice'],
  [
    `witness a ${formatVkey(cosigners[0]!.v)}\nwitness b ${formatVkey(cosigners[0]!.v)}\nquorum a\n`,
    'a witness key twice',
  ],
  [`witness none ${formatVkey(cosigners[0]!.v)}\nquorum none\n`, 'the reserved name none'],
  [`witness a ${formatVkey(logV)}\nquorum a\n`, 'a note key as a witness key'],
  ['quorum none\nwitnesses a b\n', 'an unknown keyword'],
];
for (const [text, what] of BAD_POLICIES) {
  test(`a policy with ${what} is refused`, () =>
    assert.equal(
      codeOf(() => parsePolicy(text)),
      'c2sp.policy_invalid',
    ));
}

test('quorums nest: all of (3 of 4 validators, any member)', () => {
  const policy = parsePolicy(POLICY);
  assert.equal(quorumMet(policy, new Set(['a', 'b', 'c', 'patients'])), true);
  assert.equal(quorumMet(policy, new Set(['a', 'b', 'c'])), false);
  assert.equal(quorumMet(policy, new Set(['a', 'b', 'patients'])), false);
  assert.equal(quorumMet(parsePolicy('quorum none\n'), new Set()), true);
});
