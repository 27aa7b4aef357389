// Recovery on a real SQLite ledger (issue 15): two of four validators are gone, so the set in force can
// commit nothing; three of the four member organisations sign a certificate naming the two survivors
// from the next height. Applied at a node, it makes the next block's signers the survivors and puts the
// certificate first in that block; `verify` replays the chain from genesis, a node that never saw the
// certificate follows it from the block alone, and the light client accepts it only with the quorum of
// genesis' organisations. Under-quorum, forged, altered, misplaced or late certificates are refused.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { genesisElectorate, RECOVER_TX_TYPE } from '../app/governance/index.ts';
import { CoreError } from '../core/errors.ts';
import { signRecovery, type RecoveryCertificate, type RecoveryTerms } from '../core/recovery.ts';
import { followValidatorSets } from '../core/set-changes.ts';
import type { CanonicalValue } from '../core/canonical.ts';
import { encodeTx, signTx, txHashOfBytes } from '../core/tx.ts';
import { party } from '../app/test-support.ts';
import { validatorSetHash } from '../core/validators.ts';
import { tempDir } from '../../test/harness/chain.ts';
import { GovernedChain } from '../../test/harness/governed-ledger.ts';
import { Ledger } from './ledger.ts';
import { validatorSetChanges } from './proofs.ts';
import { verifyDataDir } from './verify.ts';

const dir = tempDir();
after(() => dir.remove());

const chain = new GovernedChain(4);
const { members, genesis, chainId } = chain;
const survivors = members.slice(0, 2).map((m) => ({ publicKey: m.node.key, power: 10, name: m.id }));

function refusal(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    if (err instanceof CoreError) return `${err.code}: ${err.message}`;
    throw err;
  }
}

function certificate(height: number, signers: readonly number[], terms: Partial<RecoveryTerms> = {}) {
  let c: RecoveryCertificate = {
    chainId,
    height,
    validators: survivors,
    reason: 'the pharmacy and insurer validators were destroyed',
    signatures: [],
    ...terms,
  };
  for (const i of signers) c = signRecovery(c, members[i]!.id, members[i]!.admin.seed);
  return c;
}

/** Any key may carry a certificate (its signatures are the authority): a fresh one, nonce 1. */
let carriers = 0;
const recoverTx = (c: RecoveryCertificate) =>
  signTx(party(`carrier ${++carriers}`).seed, {
    chainId,
    type: RECOVER_TX_TYPE,
    payload: { certificate: c as unknown as CanonicalValue },
    nonce: 1,
  });

test('a certificate signed by 3 of 4 organisations moves the signers to the survivors at H+1, first tx on chain; verify and a light client accept it', () => {
  const ledger = Ledger.open(dir.path, genesis);
  for (let i = 0; i < 3; i++) chain.produce(ledger);
  const height = ledger.tip().height;

  // Refused before anything changes: too few organisations, a forger's key, terms altered after signing,
  // a height that is not the tip.
  assert.match(
    refusal(() => ledger.applyRecovery(recoverTx(certificate(height, [0, 1])))),
    /recovery_invalid: .*2\/3/,
  );
  const outsider = party('not a member admin');
  const forged = signRecovery(certificate(height, [0, 1]), members[3]!.id, outsider.seed);
  assert.match(
    refusal(() => ledger.applyRecovery(recoverTx(forged))),
    /recovery_invalid: .*2\/3/,
  );
  const altered = { ...certificate(height, [0, 1, 2]), validators: [survivors[0]!] };
  assert.match(
    refusal(() => ledger.applyRecovery(recoverTx(altered))),
    /recovery_invalid: .*2\/3/,
  );
  assert.match(
    refusal(() => ledger.applyRecovery(recoverTx(certificate(height - 1, [0, 1, 2])))),
    /names height/,
  );
  assert.equal(ledger.validatorSet.validators.length, 4, 'a refused certificate changes nothing');

  const good = certificate(height, [0, 1, 2]);
  const tx = recoverTx(good);
  ledger.applyRecovery(tx);
  assert.deepEqual(
    ledger.validatorSet.validators.map((v) => v.publicKey).sort(),
    survivors.map((v) => v.publicKey).sort(),
  );
  const recovered = chain.produce(ledger); // signed by the two survivors only
  assert.equal(recovered.header.height, height + 1);
  assert.equal(recovered.txs[0]?.type, RECOVER_TX_TYPE, 'the certificate is the first tx after the restart');
  assert.equal(recovered.header.validatorSetHash, validatorSetHash(ledger.validatorSet));
  chain.produce(ledger);
  chain.produce(ledger);

  const verdict = verifyDataDir(dir.path);
  assert.ok(verdict.ok, verdict.ok ? '' : `${verdict.height}: ${verdict.problem}`);

  // A light client trusting only genesis follows the recovery by its certificate…
  const changes = validatorSetChanges(ledger);
  assert.equal(changes.length, 1);
  assert.ok(changes[0]!.recovery !== undefined);
  const electorate = genesisElectorate(genesis);
  const genesisSet = ledger.genesisValidatorSet;
  const followed = followValidatorSets(chainId, genesisSet, changes, electorate);
  assert.equal(validatorSetHash(followed.setAt(height + 1)), recovered.header.validatorSetHash);
  // …and refuses it under quorum, with no electorate, or naming another set.
  const underQuorum = [{ ...changes[0]!, recovery: certificate(height, [0, 1]) }];
  assert.throws(() => followValidatorSets(chainId, genesisSet, underQuorum, electorate), /2\/3/);
  assert.throws(() => followValidatorSets(chainId, genesisSet, changes), /2\/3/);
  const otherSet = [{ ...changes[0]!, validators: [survivors[0]!] }];
  assert.throws(() => followValidatorSets(chainId, genesisSet, otherSet, electorate), /another set/);
  ledger.close();
});

test('a node that never saw the certificate follows it from the block; blocks without it, or with it elsewhere, are refused', () => {
  const source = Ledger.open(dir.path, genesis);
  const other = tempDir();
  try {
    const follower = Ledger.open(other.path, genesis);
    const H = 3;
    for (let h = 1; h <= H; h++) {
      follower.commitBlock(follower.prepareBlock(source.block(h)!.block), source.commit(h)!);
    }
    const recovered = source.block(H + 1)!.block;
    // The survivors' signatures alone make no block at H+1 without the certificate in it.
    const withoutTx = { ...recovered, txs: recovered.txs.slice(1) };
    assert.match(
      refusal(() => follower.prepareBlock(withoutTx)),
      /validatorSetHash|txRoot/,
    );
    // Nor may a certificate sit anywhere but first.
    const filler = chain.tx(members[1]!.node, 'no.such', {});
    const misplaced = { ...recovered, txs: [filler, recovered.txs[0]!] };
    assert.match(
      refusal(() => follower.prepareBlock(misplaced)),
      /only be the first tx/,
    );
    // Block sync checks the commit against the block's own signers: the survivors.
    assert.equal(validatorSetHash(follower.signersOf(recovered)), recovered.header.validatorSetHash);
    follower.commitBlock(follower.prepareBlock(recovered), source.commit(H + 1)!);
    assert.equal(follower.validatorSet.validators.length, 2);
    // The same certificate offered again later, as an ordinary tx, is left out with the reason.
    const late = recoverTx(certificate(H, [0, 1, 2]));
    const encoded = encodeTx(late);
    const { rejected } = follower.buildBlock(
      [{ tx: late, encoded, hash: txHashOfBytes(encoded) }],
      survivors[0]!.publicKey,
      source.commit(H + 1)!,
    );
    assert.equal(rejected[0]?.error.details.reason, 'governance.recovery_invalid');
    follower.close();
  } finally {
    source.close();
    other.remove();
  }
});
