// One contract for every storage backend: the same tests run on SQLite files, on memory and on a
// throwaway PostgreSQL cluster (test/harness/postgres.ts), through the stores the node really uses.
// Then what only two backends side by side can show: the same chain replayed on SQLite and PostgreSQL
// gives identical app hashes and log roots, and a second process cannot run as a validator whose
// PostgreSQL database another process holds.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import {
  anchorTx,
  buildChain,
  clientKey,
  openTestChain,
  startTestValidator,
  tempDir,
  validatorKey,
} from '../../../test/harness/chain.ts';
import {
  postgresUnavailable,
  startPostgres,
  type ThrowawayPostgres,
} from '../../../test/harness/postgres.ts';
import { ClaimDocumentStore } from '../claims/claim-documents.ts';
import { generateKeyPair } from '../keys.ts';
import { ConsensusRecordStore } from '../consensus/record-store.ts';
import { DirectoryStore } from '../directory/directory-store.ts';
import { StoredPendingTxLog } from '../store/pending-log.ts';
import { LedgerStore } from '../store/store.ts';
import { VaultStore } from '../vault/vault-store.ts';
import { verifyStorage } from '../verify.ts';
import { BreakGlassReasonStore } from './break-glass-reasons.ts';
import { inboxKeyOf } from './hl7-inbox-key.ts';
import { Hl7MessageLog } from './hl7-message-log.ts';
import { MemoryStorage, PostgresStorage, SqliteStorage, type Storage } from './index.ts';

const unavailable = postgresUnavailable();
let cluster: ThrowawayPostgres | undefined;
before(async () => {
  if (unavailable === undefined) cluster = await startPostgres();
});
after(() => cluster?.stop());

let databases = 0;
interface Opened {
  readonly storage: Storage;
  /** The same data opened again, as a restarted process finds it. */
  readonly reopen: () => Storage;
  readonly remove: () => void;
}
const backends: { name: string; skip: string | false; open: () => Opened | Promise<Opened> }[] = [
  {
    name: 'SQLite',
    skip: false,
    open: () => {
      const dir = tempDir('carechain-storage-');
      return {
        storage: new SqliteStorage(dir.path),
        reopen: () => new SqliteStorage(dir.path),
        remove: dir.remove,
      };
    },
  },
  {
    name: 'memory',
    skip: false,
    open: () => {
      const storage = new MemoryStorage();
      return { storage, reopen: () => storage, remove: () => storage.close() };
    },
  },
  {
    name: 'PostgreSQL',
    skip: unavailable ?? false,
    open: async () => {
      const url = await cluster!.createDatabase(`contract_${++databases}`);
      return { storage: new PostgresStorage(url), reopen: () => new PostgresStorage(url), remove: () => {} };
    },
  },
];

const bytes = (...values: number[]) => new Uint8Array(values);

for (const backend of backends) {
  /** A test of the contract on this backend: `body` gets fresh storage, removed after it however it ends. */
  const contract = (name: string, body: (opened: Opened) => void): void => {
    test(name, async () => {
      const opened = await backend.open();
      try {
        body(opened);
      } finally {
        opened.remove();
      }
    });
  };

  describe(`storage contract on ${backend.name}`, { skip: backend.skip }, () => {
    contract('a chain is stored whole, reads back after a reopen, and verifies', ({ storage, reopen }) => {
      const chain = buildChain(storage, 4, 5);
      const tip = chain.ledger.tip();
      const block3 = chain.ledger.store.block(3)!;
      chain.ledger.close();
      const again = LedgerStore.open(reopen());
      try {
        assert.equal(again.tip()!.height, 4);
        assert.equal(again.tip()!.hash, tip.hash);
        assert.deepEqual(again.block(3), block3);
        assert.equal(again.blockTxRows(2).length, 5);
        const first = again.blockTxRows(1)[0]!;
        assert.deepEqual(again.tx(first.hash), first);
        assert.equal(again.txsBySigner(clientKey.publicKey, 100).length, 20);
        assert.equal(again.commit(4)!.blockHash, tip.hash);
        assert.ok(again.getNode(0, 0) instanceof Uint8Array);
        assert.equal(again.getNode(9, 9), undefined);
      } finally {
        again.close();
      }
      const verified = verifyStorage(reopen());
      assert.ok(verified.ok, JSON.stringify(verified));
      assert.equal(verified.summary.blocks, 4);
      assert.equal(verified.summary.appHash, tip.appHash);
    });

    contract('a block write that fails inside its transaction leaves nothing of the block', ({ storage }) => {
      const chain = buildChain(storage, 1, 2);
      const store = chain.ledger.store;
      store.onWriteStep = (step) => {
        if (step === 'state') throw new Error('dies after the state rows');
      };
      assert.throws(() => chain.addBlock([anchorTx(clientKey, 3)]), /dies after the state rows/);
      store.onWriteStep = undefined;
      assert.equal(chain.ledger.tip().height, 1);
      assert.equal(store.block(2), undefined);
      assert.equal(store.port.get<{ n: number }>('SELECT count(*) AS n FROM txs')!.n, 2);
      assert.equal(store.port.get<{ n: number }>('SELECT count(*) AS n FROM state WHERE height > 1')!.n, 0);
      chain.ledger.close();
    });

    contract(
      'commits of the ledger wait for the disk (synchronous FULL / synchronous_commit on)',
      ({ storage }) => {
        const ledger = storage.open('ledger');
        const mempool = storage.open('mempool');
        if (ledger.dialect === 'postgres') {
          assert.equal(
            ledger.get<{ v: string }>('SELECT current_setting(?) AS v', ['synchronous_commit'])!.v,
            'on',
          );
          assert.equal(
            mempool.get<{ v: string }>('SELECT current_setting(?) AS v', ['synchronous_commit'])!.v,
            'off',
          );
        } else if (backend.name === 'SQLite') {
          // 2 = FULL, 1 = NORMAL (the mempool's trade, see pending-log.ts).
          assert.equal(ledger.get<{ synchronous: number }>('PRAGMA synchronous')!.synchronous, 2);
          assert.equal(mempool.get<{ synchronous: number }>('PRAGMA synchronous')!.synchronous, 1);
        }
        ledger.close();
        mempool.close();
      },
    );

    contract('state reads: latest, at a height, and by prefix in byte order', ({ storage }) => {
      const chain = buildChain(storage, 3, 2);
      const store = chain.ledger.store;
      const keys = store.stateByPrefix('', 10_000).map(([key]) => key);
      assert.ok(keys.length > 0);
      assert.deepEqual(
        keys,
        [...keys].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)),
      );
      const [key, value] = store.stateByPrefix('', 1)[0]!;
      assert.equal(store.latestState.get(key), value);
      assert.equal(store.stateAt(0).get('no/such/key'), undefined);
      chain.ledger.close();
    });

    contract(
      'the pending log keeps accepted txs in order until deleted, across a reopen',
      ({ storage, reopen }) => {
        const log = new StoredPendingTxLog(storage.open('mempool'));
        log.put('a', bytes(1));
        log.put('b', bytes(2));
        log.put('a', bytes(1));
        log.put('c', bytes(3));
        log.delete(['b']);
        log.close();
        const again = new StoredPendingTxLog(reopen().open('mempool'));
        assert.deepEqual(again.all(), [bytes(1), bytes(3)]);
        again.close();
      },
    );

    contract('the consensus record round-trips with the blocks it refers to', ({ storage, reopen }) => {
      const chain = openTestChain(storage);
      const built = chain.ledger.buildBlock([], validatorKey.publicKey, null);
      const value = { hash: built.prepared.hash, timeMs: 5, block: built.prepared.block };
      const record = {
        height: 1,
        round: 0,
        step: 'prevote',
        lockedRound: 0,
        lockedValue: value,
        validRound: 0,
        validValue: value,
        lastProposal: null,
        lastPrevote: null,
        lastPrecommit: null,
        validPolka: [],
      } as unknown as Parameters<ConsensusRecordStore['save']>[0];
      new ConsensusRecordStore(chain.ledger.store.port).save(record);
      chain.ledger.close();
      const again = LedgerStore.open(reopen());
      assert.deepEqual(new ConsensusRecordStore(again.port).load(), JSON.parse(JSON.stringify(record)));
      again.close();
    });

    contract('the vault stores versions with their keys and shreds them all or nothing', ({ storage }) => {
      const vault = VaultStore.open(storage);
      const version = {
        chainId: 'c',
        recordId: 'r1',
        version: 1,
        resourceType: 'Observation',
        patientPseudonym: 'p',
        ciphertext: bytes(1, 2, 3),
        nonce: bytes(4),
        salt: bytes(5),
        keyCommitment: bytes(6),
        commitment: 'ab',
        createdAtMs: 1_700_000_000_000,
      };
      vault.put(version, [{ recipient: 'k1', envelope: bytes(9) }]);
      assert.deepEqual(vault.get('r1'), version);
      assert.throws(() => vault.put(version, []), { code: 'vault.version_exists' });
      assert.throws(() => vault.put({ ...version, version: 2, patientPseudonym: 'q' }, []), {
        code: 'vault.record_mismatch',
      });
      vault.addRecipient('r1', 1, { recipient: 'k2', envelope: bytes(8) });
      assert.deepEqual(vault.wrappedKeyFor('r1', 1, 'k2'), bytes(8));
      assert.deepEqual(
        vault.listByPatient('p').map((v) => v.recordId),
        ['r1'],
      );
      const receipt = vault.shred({ patientPseudonym: 'p' }, 1_700_000_000_001);
      assert.deepEqual(receipt.commitments, ['ab']);
      assert.throws(() => vault.get('r1'), { code: 'vault.shredded' });
      assert.throws(() => vault.wrappedKeyFor('r1', 1, 'k1'), { code: 'vault.shredded' });
      vault.close();
    });

    contract(
      'the directory stores a batch all or nothing and lists latest versions in id order',
      ({ storage }) => {
        const directory = DirectoryStore.open(storage);
        const entry = (id: string, version: number) => ({
          resourceType: 'Organization',
          id,
          version,
          json: `{"id":"${id}"}`,
        });
        directory.putAll([entry('b', 1), entry('B', 1), entry('a', 1), entry('a', 2)]);
        assert.throws(() => directory.putAll([entry('c', 1), entry('a', 2)]));
        assert.equal(directory.get('Organization', 'c'), undefined);
        assert.equal(directory.latestVersion('Organization', 'a'), 2);
        const { entries, total } = directory.list('Organization', 0, 10);
        assert.equal(total, 3);
        // Byte order on both backends: 'B' before 'a' before 'b'.
        assert.deepEqual(
          entries.map((e) => `${e.id}@${e.version}`),
          ['B@1', 'a@2', 'b@1'],
        );
        directory.close();
      },
    );

    contract('break-glass reasons are kept and read back', ({ storage }) => {
      const reasons = BreakGlassReasonStore.open(storage);
      const reason = {
        eventId: 'e1',
        custodianOrgId: 'org',
        requester: 'k',
        reason: 'unconscious patient',
        salt: '00',
        commitment: 'ff',
        createdAtMs: 1_700_000_000_000,
      };
      reasons.put(reason);
      assert.deepEqual(reasons.get('org', 'e1'), reason);
      assert.equal(reasons.get('other', 'e1'), undefined);
      assert.throws(() => reasons.put(reason));
      reasons.close();
    });

    contract('claim documents are sealed, read back, listed per patient and removed', ({ storage }) => {
      const keys = generateKeyPair();
      const claims = ClaimDocumentStore.open(storage, 'contract-chain', keys);
      const base = { patientPseudonym: 'a1'.repeat(32), digest: 'e5'.repeat(32), createdAtMs: 1_000 };
      claims.put({
        ...base,
        claimId: 'c3'.repeat(32),
        kind: 'eob',
        document: { resourceType: 'ExplanationOfBenefit' },
      });
      // A second put of the same claim and kind replaces it (the store's upsert).
      claims.put({
        ...base,
        claimId: 'c3'.repeat(32),
        kind: 'eob',
        document: { resourceType: 'ExplanationOfBenefit', v: 2 },
      });
      assert.deepEqual(claims.get('c3'.repeat(32), 'eob')?.document, {
        resourceType: 'ExplanationOfBenefit',
        v: 2,
      });
      assert.deepEqual(
        claims.listByPatient(base.patientPseudonym, 'eob').map((d) => d.claimId),
        ['c3'.repeat(32)],
      );
      claims.remove('c3'.repeat(32), 'eob');
      assert.equal(claims.get('c3'.repeat(32), 'eob'), undefined);
    });

    // The hl7 store's own DDL (identity sequences, an upsert) must run on every backend, not only SQLite.
    contract(
      'the HL7 inbox, ACK log and feed outbox keep their rows in order across a reopen',
      ({ storage, reopen }) => {
        const nodeKey = inboxKeyOf(new Uint8Array(32).fill(7));
        const key = { sender: 'LAB', controlId: 'CTRL-1', digest: 'ab'.repeat(32) };
        const log = new Hl7MessageLog(storage.open('hl7'), nodeKey);
        log.put({ ...key, controlId: 'CTRL-0' }, 'MSA|AA|CTRL-0', 500);
        assert.equal(log.accept(key, 'MSH|^~\\&|LAB', 1_000), true);
        assert.equal(log.accept(key, 'MSH|^~\\&|LAB', 2_000), false);
        log.enqueue('EHR', [{ label: '1', text: 'first' }], 5);
        log.enqueue('EHR', [{ label: '2', text: 'second' }], 6);
        log.close();
        const again = new Hl7MessageLog(reopen().open('hl7'), nodeKey);
        assert.equal(again.ackOf({ ...key, controlId: 'CTRL-0' }), 'MSA|AA|CTRL-0');
        assert.deepEqual(
          again.unanswered().map((e) => e.key.controlId),
          ['CTRL-1'],
        );
        assert.equal(again.feedCursor('EHR'), 6);
        const first = again.nextOutgoing('EHR')!;
        assert.equal(first.text, 'first');
        again.sent(first.seq);
        assert.equal(again.nextOutgoing('EHR')?.text, 'second');
        again.close();
      },
    );
  });
}

describe('SQLite and PostgreSQL side by side', { skip: unavailable ?? false }, () => {
  test('the same chain replayed on both gives identical app hashes and log roots at every height', async () => {
    const dir = tempDir('carechain-differential-');
    const postgres = new PostgresStorage(await cluster!.createDatabase('differential'));
    try {
      const onSqlite = buildChain(dir.path, 6, 7);
      const onPostgres = openTestChain(postgres);
      for (let height = 1; height <= 6; height++) {
        const block = onSqlite.ledger.store.block(height)!.block;
        const prepared = onPostgres.ledger.prepareBlock(block);
        onPostgres.ledger.commitBlock(prepared, onSqlite.ledger.store.commit(height)!);
        const a = onSqlite.ledger.store.block(height)!.block.header;
        const b = onPostgres.ledger.store.block(height)!.block.header;
        assert.equal(b.appHash, a.appHash, `app hash at ${height}`);
        assert.equal(b.logRoot, a.logRoot, `log root at ${height}`);
      }
      assert.deepEqual(onPostgres.ledger.tip(), onSqlite.ledger.tip());
      assert.deepEqual(
        onPostgres.ledger.store.stateByPrefix('', 100_000),
        onSqlite.ledger.store.stateByPrefix('', 100_000),
      );
      onSqlite.ledger.close();
      onPostgres.ledger.close();
      const verified = verifyStorage(postgres);
      assert.ok(verified.ok, JSON.stringify(verified));
    } finally {
      postgres.close();
      dir.remove();
    }
  });

  test('a second process cannot run as a validator whose PostgreSQL database another process holds', async () => {
    const dir = tempDir('carechain-lock-');
    const database = await cluster!.createDatabase('locked');
    const claim = () =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', 'test/harness/validator-claimant.ts', dir.path, database],
        {
          encoding: 'utf8',
        },
      );
    const node = startTestValidator(dir.path, database);
    try {
      const refused = claim();
      assert.equal(refused.status, 1, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /storage\.validator_locked: another process is running as validator/);
    } finally {
      await node.stop();
      dir.remove();
    }
    // Once the first process let go, the same claim succeeds: the refusal was the lock, not the setup.
    const accepted = claim();
    assert.equal(accepted.status, 0, accepted.stderr);
    assert.match(accepted.stdout, /started/);
  });
});
