// The explorer's in-browser verification (web/src/lib/verify-proof.ts), run here in Node on proofs and
// checkpoints from a real ledger: every step passes for a true proof, and each kind of forgery fails
// exactly the step that should catch it. The browser runs the same code (with the @noble backend).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { proveInclusion } from '../../src/node/proofs.ts';
import { verifyTxProof, type Step } from '../../web/src/lib/verify-proof.ts';
import { buildChain, seedOf, tempDir, testGenesis } from '../harness/chain.ts';
import { keyPairFromSeed } from '../../src/node/keys.ts';

const dir = tempDir('carechain-verify-proof-');
after(() => dir.remove());
const chain = buildChain(dir.path, 5, 3);
const rows = chain.ledger.store.blockTxRows(2);
const hash = rows[1]!.hash;
const tx = chain.ledger.store.tx(hash)!.tx;
const fresh = () => structuredClone(proveInclusion(chain.ledger, hash));
const failed = (steps: Step[]) => steps.filter((s) => !s.ok).map((s) => s.id);
const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

test('a true proof passes every step, against the genesis validator keys', () => {
  const steps = verifyTxProof({ genesis: testGenesis(), txHash: hash, tx, proof: fresh() });
  assert.deepEqual(
    steps.map((s) => s.id),
    ['genesis', 'tx', 'signature', 'header', 'validators', 'commit', 'inclusion'],
  );
  assert.deepEqual(failed(steps), [], JSON.stringify(steps));
});

test('each forgery fails the step that guards against it', () => {
  const check = (
    edit: (input: { tx: any; proof: any; txHash: string; genesis: any }) => void,
    expected: string[],
  ) => {
    const input = {
      genesis: testGenesis() as any,
      txHash: hash,
      tx: structuredClone(tx) as any,
      proof: fresh() as any,
    };
    edit(input);
    assert.deepEqual(failed(verifyTxProof(input)), expected);
  };
  check((i) => (i.proof.auditPath[0] = flip(i.proof.auditPath[0])), ['inclusion']);
  check((i) => (i.proof.leafIndex += 1), ['inclusion']);
  check((i) => (i.tx.payload.kind = 'dataset'), ['tx', 'signature', 'inclusion']);
  check((i) => (i.tx.signature = flip(i.tx.signature)), ['tx', 'signature', 'inclusion']);
  check((i) => (i.txHash = flip(i.txHash)), ['tx', 'inclusion']);
  check(
    (i) =>
      (i.proof.checkpoint.commit.signatures[0].signature = flip(
        i.proof.checkpoint.commit.signatures[0].signature,
      )),
    ['commit'],
  );
  check((i) => (i.proof.checkpoint.commit.signatures = []), ['commit']);
  check(
    (i) => {
      i.proof.checkpoint.header.logRoot = flip(i.proof.checkpoint.header.logRoot);
      i.proof.checkpoint.logRoot = i.proof.checkpoint.header.logRoot;
    },
    ['header', 'inclusion'],
  );
  // A whole checkpoint re-signed by a key that genesis does not name.
  const stranger = keyPairFromSeed(seedOf('stranger'));
  check(
    (i) => (i.genesis.validators = [{ publicKey: stranger.publicKey, power: 10, name: 'stranger' }]),
    ['validators', 'commit'],
  );
  check(
    (i) => (i.genesis = { chainId: 'Not A Chain' }),
    ['genesis', 'signature', 'header', 'validators', 'commit'],
  );
});
