// The explorer's in-browser verification follows the governed validator set (issue 15: "the browser
// verifier follows validator-set changes from genesis, checking each change against the commit of the
// set that made it"), on a real ledger whose set changed twice by vote: a validator's key rotated, then
// another validator voted out. A tx committed after both verifies from the genesis document alone with
// the changes the node serves (node/proofs.ts validatorSetChanges, GET /api/v1/governance/validator-sets);
// without them, or with a change forged, altered or not signed by a quorum of the set before it, the
// validators step fails, and the commit is judged against no set.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { party } from '../../src/app/test-support.ts';
import { encodeTx, txHashOfBytes } from '../../src/core/tx.ts';
import { Ledger } from '../../src/node/ledger.ts';
import { proveInclusion, validatorSetChanges } from '../../src/node/proofs.ts';
import { verifyTxProof, type Step, type VerifyInput } from '../../web/src/lib/verify-proof.ts';
import { tempDir } from '../harness/chain.ts';
import { GovernedChain } from '../harness/governed-ledger.ts';

const dir = tempDir('carechain-verify-governed-');
after(() => dir.remove());

const rotated = party('org-1 node, rotated');
const chain = new GovernedChain(4, [rotated]);
const [first, second, third, fourth] = chain.members;
const admins = chain.members.map((m) => m.admin);

// Every step of the set-up in one place, before any test reads it.
const ledger = Ledger.open(dir.path, chain.genesis);
chain.produce(ledger);
chain.pass(
  ledger,
  { kind: 'rotate-validator-key', publicKey: second!.node.key, newKey: rotated.key },
  admins.slice(0, 3),
);
chain.produce(ledger);
chain.produce(ledger);
chain.pass(ledger, { kind: 'validator-power', publicKey: fourth!.node.key, power: 0 }, admins.slice(0, 3));
chain.produce(ledger);
chain.produce(ledger);
const later = chain.tx(third!.admin, 'governance.propose', {
  action: { kind: 'set-parameter', name: 'voting-period-blocks', value: 500 },
  reason: 'a tx under the third set',
});
chain.produce(ledger, [later]);
chain.produce(ledger);
const txHash = txHashOfBytes(encodeTx(later));
const tx = ledger.store.tx(txHash)!.tx;
const changes = validatorSetChanges(ledger);
const keys = ledger.validatorSet.validators.map((v) => v.publicKey).sort();
const proofOnce = proveInclusion(ledger, txHash);
ledger.close();

const input = (): VerifyInput & { setChanges: any[]; proof: any } => ({
  genesis: chain.genesis,
  txHash,
  tx,
  proof: structuredClone(proofOnce),
  setChanges: structuredClone(changes) as any[],
});
const failed = (steps: Step[]) => steps.filter((s) => !s.ok).map((s) => s.id);
const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

test('the chain changed its set twice, and neither the rotated-away nor the removed key signs now', () => {
  assert.equal(changes.length, 2);
  assert.ok(!keys.includes(second!.node.key) && !keys.includes(fourth!.node.key));
  assert.deepEqual(keys, [first!.node.key, third!.node.key, rotated.key].sort());
});

test('a tx under the third set verifies from genesis with the changes the node serves', () => {
  const steps = verifyTxProof(input());
  assert.deepEqual(failed(steps), [], JSON.stringify(steps));
  const validators = steps.find((s) => s.id === 'validators')!;
  assert.match(validators.detail, /followed from genesis through 2 changes/);
});

test('without the changes, the genesis set alone does not vouch for the block', () => {
  const { setChanges: _omitted, ...genesisOnly } = input();
  assert.deepEqual(failed(verifyTxProof(genesisOnly)), ['validators', 'commit']);
  // Only the first change: the block names a set that change does not lead to.
  assert.deepEqual(failed(verifyTxProof({ ...input(), setChanges: changes.slice(0, 1) })), [
    'validators',
    'commit',
  ]);
});

test('a forged, altered or unsigned set change is refused', () => {
  const check = (edit: (i: ReturnType<typeof input>) => void) => {
    const i = input();
    edit(i);
    assert.deepEqual(failed(verifyTxProof(i)), ['validators', 'commit']);
  };
  // Another set than the block before it announced (a stranger's key in place of the rotated one).
  check((i) => (i.setChanges[0].validators[0].publicKey = party('stranger').key));
  // The announcement's header altered to name the forged set: it no longer hashes to its block.
  check(
    (i) =>
      (i.setChanges[1].announcement.header.nextValidatorSetHash = flip(
        i.setChanges[1].announcement.header.nextValidatorSetHash,
      )),
  );
  // Signed by too few of the outgoing set: one precommit of four.
  check(
    (i) =>
      (i.setChanges[0].announcement.commit.signatures = i.setChanges[0].announcement.commit.signatures.slice(
        0,
        1,
      )),
  );
  // The changes out of order.
  check((i) => i.setChanges.reverse());
  // A signature that does not verify.
  check((i) => {
    const signatures = i.setChanges[1].announcement.commit.signatures;
    signatures[0].signature = flip(signatures[0].signature);
  });
});
