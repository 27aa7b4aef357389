// The ledger follows the validator set that governance schedules (issue 15), on a real SQLite ledger:
// a fifth organisation is voted in and signs from its activation height, one validator is removed and
// one rotated to a new key; each change is announced by the header before it (nextValidatorSetHash),
// the commits of each height are checked against that height's set by block checks and by `verify`,
// and a block or commit that pretends the set did not change (or changed without a vote) is refused.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { addMemberAction } from '../app/governance/test-fixtures.ts';
import { party } from '../app/test-support.ts';
import { blockHash } from '../core/block.ts';
import { CoreError } from '../core/errors.ts';
import { verifyCommit } from '../core/vote.ts';
import { validatorSetHash } from '../core/validators.ts';
import { tempDir } from '../../test/harness/chain.ts';
import { GovernedChain } from '../../test/harness/governed-ledger.ts';
import { Ledger } from './ledger.ts';
import { verifyDataDir } from './verify.ts';

const dir = tempDir();
after(() => dir.remove());

const fifth = { admin: party('org-4 admin'), node: party('org-4 node') };
const rotated = party('org-1 node, rotated');
const chain = new GovernedChain(4, [fifth.node, rotated]);
const { members, genesis, chainId } = chain;
const precommits = chain.precommits.bind(chain);
const build = chain.build.bind(chain);
const produce = chain.produce.bind(chain);
const pass = chain.pass.bind(chain);

function refusal(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    if (err instanceof CoreError) return `${err.code} ${String(err.details.field ?? err.message)}`;
    throw err;
  }
}

const admins = members.map((m) => m.admin);
const keysOf = (ledger: Ledger) => ledger.validatorSet.validators.map((v) => v.publicKey).sort();

test('a fifth organisation is voted in, announced at H+1 and signs from H+2; the genesis set alone can no longer make a block there', () => {
  const ledger = Ledger.open(dir.path, genesis);
  produce(ledger);
  const genesisHeader = ledger.block(1)!.block.header;
  assert.equal(genesisHeader.nextValidatorSetHash, undefined, 'no change, no field');
  const decidedAt = pass(ledger, addMemberAction('org-4', 10, fifth.node.key), admins.slice(0, 3));
  assert.equal(keysOf(ledger).length, 4, 'not yet: H + 1 is still signed by the old set');

  // H + 1: a header that leaves the coming change out is refused, as is one announcing a set no vote made.
  const announced = build(ledger, []);
  const newSetHash = announced.block.header.nextValidatorSetHash;
  assert.ok(newSetHash !== undefined && newSetHash !== announced.block.header.validatorSetHash);
  const silent = { ...announced.block.header };
  delete (silent as { nextValidatorSetHash?: string }).nextValidatorSetHash;
  assert.match(
    refusal(() => ledger.prepareBlock({ ...announced.block, header: silent })),
    /nextValidatorSetHash/,
  );
  const keys = members.map((m) => m.node.key);
  ledger.commitBlock(
    announced,
    precommits(decidedAt + 1, announced.hash, announced.block.header.timeMs, keys),
  );

  // H + 2: the new set signs; the block names it, and a block naming the genesis set is refused.
  assert.deepEqual(keysOf(ledger), [...keys, fifth.node.key].sort());
  assert.equal(validatorSetHash(ledger.validatorSet), newSetHash);
  const next = build(ledger, []);
  assert.equal(next.block.header.validatorSetHash, newSetHash);
  const stale = { ...next.block.header, validatorSetHash: validatorSetHash(ledger.genesisValidatorSet) };
  assert.match(
    refusal(() => ledger.prepareBlock({ ...next.block, header: stale })),
    /validatorSetHash/,
  );
  // The fifth organisation's signature counts in the commit of H + 2, and the next block carries it.
  const withFifth = [fifth.node.key, keys[0]!, keys[1]!, keys[2]!];
  const commit = precommits(decidedAt + 2, next.hash, next.block.header.timeMs, withFifth);
  verifyCommit(chainId, ledger.validatorSet, commit);
  ledger.commitBlock(next, commit);
  const carried = produce(ledger);
  assert.ok(carried.lastCommit!.signatures.some((s) => s.validator === fifth.node.key));
  ledger.close();
});

test('one validator is removed and one rotated to a new key, each from its own height, and verify accepts the chain from genesis', () => {
  const ledger = Ledger.open(dir.path, genesis);
  const voters = [fifth.admin, ...admins.slice(0, 3)]; // 4 of 5: the fifth votes now
  const [, second, , fourth] = members;
  pass(ledger, { kind: 'validator-power', publicKey: fourth!.node.key, power: 0 }, voters);
  produce(ledger);
  produce(ledger);
  assert.ok(!keysOf(ledger).includes(fourth!.node.key));
  const rotation = { kind: 'rotate-validator-key', publicKey: second!.node.key, newKey: rotated.key };
  const decidedAt = pass(ledger, rotation, voters);
  produce(ledger);
  // The removed key and the rotated-away key no longer count: with two others they are not a quorum,
  // though under the genesis set they would have been 4 of 4.
  const next = build(ledger, []);
  const { header } = next.block;
  assert.equal(header.height, decidedAt + 2);
  const oldKeys = [fourth!.node.key, second!.node.key, members[0]!.node.key, members[2]!.node.key];
  const forged = precommits(header.height, next.hash, header.timeMs, oldKeys);
  assert.match(
    refusal(() => verifyCommit(chainId, ledger.validatorSet, forged)),
    /^commit\./,
  );
  assert.deepEqual(
    keysOf(ledger),
    [members[0]!.node.key, members[2]!.node.key, fifth.node.key, rotated.key].sort(),
  );
  ledger.commitBlock(next, precommits(header.height, next.hash, header.timeMs, keysOf(ledger)));
  produce(ledger);
  assert.equal(blockHash(ledger.block(ledger.tip().height)!.block.header), ledger.tip().hash);
  ledger.close();
  const verdict = verifyDataDir(dir.path);
  assert.ok(verdict.ok, verdict.ok ? '' : `${verdict.height}: ${verdict.problem}`);
});

test('verify refuses a stored commit made by the genesis set after that set was replaced', () => {
  const ledger = Ledger.open(dir.path, genesis);
  // A block whose commit the removed and rotated-away keys signed with one current validator: the
  // ledger stores what it is given (consensus checked it), so only verify's replay stands between.
  const next = build(ledger, []);
  const { header } = next.block;
  const genesisKeys = members.map((m) => m.node.key);
  ledger.commitBlock(next, precommits(header.height, next.hash, header.timeMs, genesisKeys));
  ledger.close();
  const verdict = verifyDataDir(dir.path);
  assert.equal(verdict.ok, false);
  assert.equal(verdict.ok ? 0 : verdict.height, header.height);
  assert.match(verdict.ok ? '' : verdict.problem, /^commit: /);
});
