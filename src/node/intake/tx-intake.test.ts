import assert from 'node:assert/strict';
import { test } from 'node:test';
import { executeGenesis } from '../../app/executor.ts';
import { StateOverlay } from '../../app/state.ts';
import { toHex } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { genesisHash, type Genesis } from '../../core/genesis.ts';
import { signTx, TxError, type SignedTx } from '../../core/tx.ts';
import { NodeError } from '../errors.ts';
import { keyPairFromSeed, type KeyPair } from '../keys.ts';
import { Mempool, type MempoolOptions } from '../mempool.ts';
import { TokenBuckets } from './token-buckets.ts';
import { DEFAULT_TX_INTAKE_LIMITS, TxIntake, type TxIntakeLimits } from './tx-intake.ts';

const chainId = 'carechain-test';
const key = (label: string): KeyPair => keyPairFromSeed(sha256(new TextEncoder().encode(label)));
const nodeKey = key('node');
const admin = key('admin');
const genesis: Genesis = {
  chainId,
  genesisTimeMs: 0,
  validators: [{ publicKey: nodeKey.publicKey, power: 10, name: 'n' }],
  app: {
    membership: {
      organisations: [
        { id: 'h', name: 'H', type: 'hospital', adminKey: admin.publicKey, nodeKeys: [nodeKey.publicKey] },
      ],
    },
  },
};

function mempool(options: MempoolOptions = { txsMax: 100, bytesMax: 1 << 20 }): Mempool {
  const state = new StateOverlay({ get: () => undefined });
  for (const [k, v] of executeGenesis(genesis, genesisHash(genesis)).writes) if (v !== null) state.set(k, v);
  return new Mempool(options, { chainId, state, nextHeight: 1, timeMs: 0 });
}

const anchor = (signer: KeyPair, nonce: number, label = `${nonce}`): SignedTx =>
  signTx(signer.seed, {
    chainId,
    type: 'notary.anchor',
    payload: {
      digest: toHex(sha256(new TextEncoder().encode(`${signer.publicKey}/${label}`))),
      kind: 'other',
    },
    nonce,
  });
const enrol = (signer: KeyPair): SignedTx =>
  signTx(signer.seed, { chainId, type: 'membership.registerPatient', payload: {}, nonce: 1 });

function intake(limits: Partial<TxIntakeLimits> = {}, pool = mempool()) {
  let now = 0;
  const clock = { nowMs: () => now };
  const it = new TxIntake({ ...DEFAULT_TX_INTAKE_LIMITS, ...limits }, { mempool: pool, clock, chainId });
  return { it, pool, advance: (ms: number) => (now += ms) };
}

/** What the intake answers a client's tx: 'accepted', or the code it refuses with. */
const fromClient = (it: TxIntake, client: string, tx: SignedTx): string =>
  code(() => it.fromClient(client, tx));

function code(fn: () => unknown): string {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    assert.ok(err instanceof NodeError || err instanceof TxError);
    return err.code;
  }
}

test('token buckets spend a burst, then refill at their rate, and forget the least recent key', () => {
  const buckets = new TokenBuckets({ perSecond: 2, burst: 2 }, 2);
  assert.equal(buckets.take('a', 0), 0);
  assert.equal(buckets.take('a', 0), 0);
  assert.equal(buckets.take('a', 0), 500);
  assert.equal(buckets.take('a', 500), 0);
  buckets.take('b', 500);
  buckets.take('c', 500); // a is forgotten: it comes back with a full bucket
  assert.equal(buckets.take('a', 500), 0);
});

test('a key the network does not know may only enrol, at a low rate per client', () => {
  const { it, advance } = intake({ unknownSignerTxs: { perSecond: 1, burst: 2 } });
  assert.equal(fromClient(it, '1.2.3.4', anchor(key('anon'), 1)), 'intake.unknown_signer');
  assert.equal(fromClient(it, '1.2.3.4', enrol(key('p1'))), 'accepted');
  assert.equal(fromClient(it, '1.2.3.4', enrol(key('p2'))), 'accepted');
  assert.equal(fromClient(it, '1.2.3.4', enrol(key('p3'))), 'intake.rate_limited');
  assert.equal(fromClient(it, '5.6.7.8', enrol(key('p4'))), 'accepted'); // another client
  advance(1000);
  assert.equal(fromClient(it, '1.2.3.4', enrol(key('p5'))), 'accepted');
  // Once its enrolment is pending, the patient is known and may send anything.
  assert.equal(fromClient(it, '1.2.3.4', anchor(key('p1'), 2)), 'accepted');
});

test('each signer and each client has a rate, answered with how long to wait', () => {
  const { it } = intake({ signerTxs: { perSecond: 1, burst: 3 }, clientTxs: { perSecond: 1, burst: 5 } });
  for (let n = 1; n <= 3; n++) assert.equal(fromClient(it, 'c1', anchor(admin, n)), 'accepted');
  try {
    it.fromClient('c2', anchor(admin, 4));
    assert.fail('a fourth tx of the signer passed');
  } catch (err) {
    assert.ok(err instanceof NodeError && err.code === 'intake.rate_limited');
    assert.equal(err.details.retryAfterSeconds, 1);
  }
  assert.equal(fromClient(it, 'c2', anchor(nodeKey, 1)), 'accepted');
  assert.equal(fromClient(it, 'c2', anchor(nodeKey, 2)), 'accepted');
  assert.equal(fromClient(it, 'c2', anchor(nodeKey, 3)), 'accepted');
  // c2 has spent 4 of its 5; one more passes the client bucket, the next does not.
  assert.equal(fromClient(it, 'c2', enrol(key('q'))), 'accepted');
  assert.equal(fromClient(it, 'c2', enrol(key('r'))), 'intake.rate_limited');
});

test('garbage signatures are checked only a few times per client, then refused unread', () => {
  const { it } = intake({ clientBadTxs: { perSecond: 1, burst: 3 } });
  const forged = { ...anchor(admin, 1), signature: 'ab'.repeat(64) };
  for (let n = 0; n < 3; n++) assert.equal(fromClient(it, 'c', forged), 'tx.bad_signature');
  assert.equal(fromClient(it, 'c', forged), 'intake.rate_limited');
  assert.equal(fromClient(it, 'c', anchor(admin, 1)), 'intake.rate_limited');
  assert.equal(fromClient(it, 'other', anchor(admin, 1)), 'accepted');
});

test('a full mempool keeps reserved room for the member nodes’ own txs, and proposes them first', () => {
  const pool = mempool({ txsMax: 10, bytesMax: 1 << 20, priorityReservedTxs: 3 });
  for (let n = 1; n <= 7; n++) pool.add(anchor(admin, n));
  assert.equal(
    code(() => pool.add(anchor(admin, 8))),
    'mempool.full',
  );
  for (let n = 1; n <= 3; n++)
    assert.equal(
      code(() => pool.add(anchor(nodeKey, n))),
      'accepted',
    );
  assert.equal(
    code(() => pool.add(anchor(nodeKey, 4))),
    'mempool.full',
  );
  const reaped = pool.reap(4).map((c) => c.tx.signer);
  assert.deepEqual(reaped, [nodeKey.publicKey, nodeKey.publicKey, nodeKey.publicKey, admin.publicKey]);
});

test('a reservation that leaves ordinary txs no room is refused when the mempool is made', () => {
  assert.throws(
    () => mempool({ txsMax: 300, bytesMax: 1 << 20, priorityReservedTxs: 5_000 }),
    /priorityReservedTxs must be below txsMax/,
  );
  assert.throws(
    () => mempool({ txsMax: 300, bytesMax: 1 << 20, priorityReservedBytes: 1 << 20 }),
    /priorityReservedBytes must be below bytesMax/,
  );
  assert.equal(mempool({ txsMax: 300, bytesMax: 1 << 20, priorityReservedTxs: 30 }).size, 0);
});
