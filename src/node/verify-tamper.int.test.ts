// Every way `verify` can fail, made to fire at the height it was planted, on a 4-validator chain (the
// commits carry four signatures, so quorum and signature checks have something to lose). One row per
// failure branch of verify.ts, its applyBlock (app/block.ts) and the core checks they call, in the order
// they run; each row edits a copy of the chain's SQLite file behind the node's back, as an attacker with
// disk access (and, where a row says so, the validators' or a client's keys) would, and asserts the
// problem verify reports and its height. Branches no store edit can reach are listed at the end, with why.
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { commitHash, txRootOf, blockHash, type BlockHeader } from '../core/block.ts';
import { toHex, utf8 } from '../core/bytes.ts';
import { canonicalJson } from '../core/canonical.ts';
import { sha256 } from '../core/crypto/index.ts';
import { duplicateVoteEvidence } from '../core/evidence.ts';
import { encodeTx, signTx, txHashOfBytes, type SignedTx } from '../core/tx.ts';
import { signVote, type Commit, type CommitSignature } from '../core/vote.ts';
import {
  anchorTx,
  buildValidatorChain,
  chainValidatorKeys,
  clientKey,
  seedOf,
  tempDir,
  TEST_CHAIN_ID,
} from '../../test/harness/chain.ts';
import { keyPairFromSeed } from './keys.ts';
import { DATABASE_FILE } from './store/store.ts';
import { verifyDataDir } from './verify.ts';

const root = tempDir();
const template = join(root.path, 'template');
const BLOCKS = 6;
/** The height block 4's first tx reports validator 3's double prevote at. */
const EVIDENCE_HEIGHT = 4;

function doublePrevote(validator: number, height: number) {
  const key = chainValidatorKeys[validator]!;
  const vote = (label: string) =>
    signVote(TEST_CHAIN_ID, key.seed, {
      type: 'prevote',
      height,
      round: 0,
      blockHash: toHex(sha256(utf8(label))),
      timeMs: 1_700_000_000_000,
      validator: key.publicKey,
    });
  return duplicateVoteEvidence(vote('a'), vote('b'));
}

function evidenceTx(nonce: number, evidence: unknown): SignedTx {
  return signTx(clientKey.seed, {
    chainId: TEST_CHAIN_ID,
    type: 'consensus.evidence',
    payload: { evidence } as never,
    nonce,
  });
}

before(() => {
  buildValidatorChain(template, BLOCKS, (height, nonce) => {
    const anchors = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => anchorTx(clientKey, from + i));
    if (height !== EVIDENCE_HEIGHT) return anchors(nonce, 3);
    return [evidenceTx(nonce, doublePrevote(3, 2)), ...anchors(nonce + 1, 2)];
  }).close();
});
after(() => root.remove());

type Db = Database.Database;
interface StoredBlockRow {
  header: { -readonly [K in keyof BlockHeader]: BlockHeader[K] };
  lastCommit: Commit | null;
}

function readBlockRow(db: Db, height: number): StoredBlockRow {
  const row = db
    .prepare<[number], { header: string; last_commit: string | null }>(
      'SELECT header, last_commit FROM blocks WHERE height = ?',
    )
    .get(height)!;
  return {
    header: JSON.parse(row.header) as StoredBlockRow['header'],
    lastCommit: row.last_commit === null ? null : (JSON.parse(row.last_commit) as Commit),
  };
}

/**
 * Rewrites the block at height as its proposer could have: the edit changes header and last commit,
 * and the stored hash is recomputed, so only the check the row aims at can notice.
 */
function rewriteBlock(db: Db, height: number, edit: (block: StoredBlockRow) => void): void {
  const block = readBlockRow(db, height);
  edit(block);
  db.prepare('UPDATE blocks SET header = ?, last_commit = ?, hash = ? WHERE height = ?').run(
    canonicalJson(block.header),
    block.lastCommit === null ? null : canonicalJson(block.lastCommit),
    blockHash(block.header),
    height,
  );
}

/** A last commit changed, with the header's lastCommitHash following it. */
function rewriteLastCommit(db: Db, height: number, edit: (commit: Commit | null) => Commit | null): void {
  rewriteBlock(db, height, (block) => {
    block.lastCommit = edit(block.lastCommit);
    block.header.lastCommitHash = commitHash(block.lastCommit);
  });
}

function txBodies(db: Db, height: number): Buffer[] {
  return db
    .prepare<[number], { body: Buffer }>('SELECT body FROM txs WHERE height = ? ORDER BY position')
    .all(height)
    .map((r) => r.body);
}

/** Replaces the tx at (height, position) by another signed tx, with the header's tx root following. */
function replaceTx(db: Db, height: number, position: number, tx: SignedTx): void {
  const body = Buffer.from(encodeTx(tx));
  db.prepare(
    'UPDATE txs SET hash = ?, body = ?, signer = ?, nonce = ?, type = ? WHERE height = ? AND position = ?',
  ).run(txHashOfBytes(body), body, tx.signer, tx.nonce, tx.type, height, position);
  rewriteBlock(db, height, (block) => {
    block.header.txRoot = txRootOf(txBodies(db, height));
  });
}

function storedCommit(db: Db, height: number): Commit {
  const row = db
    .prepare<[number], { body: string }>('SELECT body FROM commits WHERE height = ?')
    .get(height)!;
  return JSON.parse(row.body) as Commit;
}

function writeCommit(db: Db, height: number, commit: Commit): void {
  db.prepare('UPDATE commits SET body = ? WHERE height = ?').run(canonicalJson(commit), height);
}

/** Validator i's precommit signature for a block, at timeMs. */
function precommit(i: number, height: number, hash: string, timeMs: number): CommitSignature {
  const key = chainValidatorKeys[i]!;
  const vote = signVote(TEST_CHAIN_ID, key.seed, {
    type: 'precommit',
    height,
    round: 0,
    blockHash: hash,
    timeMs,
    validator: key.publicKey,
  });
  return { validator: vote.validator, timeMs: vote.timeMs, signature: vote.signature };
}

function flipHex(hex: string): string {
  return (hex[0] === '0' ? '1' : '0') + hex.slice(1);
}

function bodyOf(db: Db, height: number, position: number): { hash: string; text: string } {
  const row = db
    .prepare<[number, number], { hash: string; body: Buffer }>(
      'SELECT hash, body FROM txs WHERE height = ? AND position = ?',
    )
    .get(height, position)!;
  return { hash: row.hash, text: row.body.toString('utf8') };
}

function setTxBody(db: Db, oldHash: string, body: Buffer): void {
  db.prepare('UPDATE txs SET body = ?, hash = ? WHERE hash = ?').run(body, txHashOfBytes(body), oldHash);
}

/** Stores `count` txs of `bytes` each as block 5's, signed by a fresh client, with a header to match. */
function oversizedBlock(db: Db, count: number, bytes: number): void {
  const height = 5;
  const key = keyPairFromSeed(seedOf('bulk client'));
  const tipLogSize = readBlockRow(db, height - 1).header.logSize;
  db.prepare('DELETE FROM txs WHERE height >= ?').run(height);
  const insert = db.prepare(
    'INSERT INTO txs (hash, height, position, log_index, signer, nonce, type, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const pad = 'x'.repeat(Math.max(0, bytes - 400));
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const tx = signTx(key.seed, {
        chainId: TEST_CHAIN_ID,
        type: 'notary.anchor',
        payload: { pad },
        nonce: i + 1,
      });
      const body = Buffer.from(encodeTx(tx));
      insert.run(txHashOfBytes(body), height, i, tipLogSize + i, tx.signer, tx.nonce, tx.type, body);
    }
  })();
  rewriteBlock(db, height, (block) => {
    block.header.txCount = count;
    block.header.logSize = tipLogSize + count;
  });
}

interface Row {
  readonly branch: string;
  readonly height: number;
  readonly problem: RegExp;
  readonly tamper: (db: Db, dir: string) => void;
}

const h = 3; // where most rows plant their change: a block with blocks on both sides

const rows: Row[] = [
  // verifyStorage and the genesis checks (height 0).
  {
    branch: 'the ledger cannot be opened',
    height: 0,
    problem: /cannot open the ledger/,
    tamper: (db, dir) => {
      db.close();
      rmSync(join(dir, DATABASE_FILE));
    },
  },
  {
    branch: 'no genesis document',
    height: 0,
    problem: /no genesis in the data directory/,
    tamper: (db) => db.prepare("DELETE FROM meta WHERE key = 'genesis'").run(),
  },
  {
    branch: 'genesis app hash',
    height: 0,
    problem: /genesis app hash differs/,
    tamper: (db) =>
      db.prepare("UPDATE meta SET value = ? WHERE key = 'genesis_app_hash'").run('0'.repeat(64)),
  },
  {
    branch: 'genesis state rows',
    height: 0,
    problem: /stored state writes differ/,
    tamper: (db) => db.prepare("INSERT INTO state (key, height, value) VALUES ('planted', 0, '1')").run(),
  },
  // readBlock: the stored rows of one block.
  {
    branch: 'block row missing',
    height: h,
    problem: /block is missing/,
    tamper: (db) => db.prepare('DELETE FROM blocks WHERE height = ?').run(h),
  },
  {
    branch: 'header not JSON',
    height: h,
    problem: /not valid JSON/,
    tamper: (db) => db.prepare("UPDATE blocks SET header = '{' WHERE height = ?").run(h),
  },
  {
    branch: 'header cannot be hashed (not canonical)',
    height: h,
    problem: /must be a safe integer/,
    tamper: (db) => db.prepare('UPDATE blocks SET header = \'{"height":1.5}\' WHERE height = ?').run(h),
  },
  {
    branch: 'block hash',
    height: h,
    problem: /block hash differs/,
    tamper: (db) => {
      const { header } = readBlockRow(db, h);
      db.prepare('UPDATE blocks SET header = ? WHERE height = ?').run(
        canonicalJson({ ...header, timeMs: header.timeMs + 1 }),
        h,
      );
    },
  },
  {
    branch: 'tx count against the header',
    height: h,
    problem: /tx count differs: header says 3, store holds 2/,
    tamper: (db) => db.prepare('DELETE FROM txs WHERE height = ? AND position = 2').run(h),
  },
  {
    branch: 'tx positions',
    height: h,
    problem: /tx positions are not 0\.\.2/,
    tamper: (db) => db.prepare('UPDATE txs SET position = 7 WHERE height = ? AND position = 2').run(h),
  },
  {
    branch: 'tx log index',
    height: h,
    problem: /tx 1 has log index 99, expected 7/,
    tamper: (db) => db.prepare('UPDATE txs SET log_index = 99 WHERE height = ? AND position = 1').run(h),
  },
  {
    branch: 'tx body against its key',
    height: h,
    problem: /tx 1 .* does not hash to its key/,
    tamper: (db) => {
      const { hash, text } = bodyOf(db, h, 1);
      db.prepare('UPDATE txs SET body = ? WHERE hash = ?').run(
        Buffer.from(text.replace('"nonce"', '"nonce" ')),
        hash,
      );
    },
  },
  {
    branch: 'tx body not JSON',
    height: h,
    problem: /tx 1 .* is not valid JSON/,
    tamper: (db) => setTxBody(db, bodyOf(db, h, 1).hash, Buffer.from('not json')),
  },
  {
    branch: 'tx signature (payload forged, hash recomputed)',
    height: h,
    problem: /tx 1 .*signature does not verify/,
    tamper: (db) => {
      const { hash, text } = bodyOf(db, h, 1);
      const digest = (JSON.parse(text) as { payload: { digest: string } }).payload.digest;
      setTxBody(db, hash, Buffer.from(text.replace(digest, toHex(sha256(utf8('forged'))))));
    },
  },
  {
    branch: 'tx not canonically encoded',
    height: h,
    problem: /tx 1 .* is not canonically encoded/,
    tamper: (db) => {
      const { hash, text } = bodyOf(db, h, 1);
      setTxBody(db, hash, Buffer.from(JSON.stringify(JSON.parse(text), null, 1)));
    },
  },
  // applyBlock, through core's checkBlockAgainstTip: the header against the chain before it.
  {
    branch: 'chain id',
    height: h,
    problem: /chainId differs/,
    // On a block without txs: with txs, each tx's chain id is checked against the header's first.
    tamper: (db) => {
      db.prepare('DELETE FROM txs WHERE height = ?').run(h);
      rewriteBlock(db, h, (b) => {
        b.header.chainId = 'another-chain';
        b.header.txCount = 0;
      });
    },
  },
  {
    branch: 'height',
    height: h,
    problem: /height differs: expected 3, found 9/,
    tamper: (db) => rewriteBlock(db, h, (b) => void (b.header.height = 9)),
  },
  {
    branch: 'link to the previous block',
    height: h,
    problem: /previousHash differs/,
    tamper: (db) => rewriteBlock(db, h, (b) => void (b.header.previousHash = '0'.repeat(64))),
  },
  {
    branch: 'validator set hash',
    height: h,
    problem: /validatorSetHash differs/,
    tamper: (db) => rewriteBlock(db, h, (b) => void (b.header.validatorSetHash = '0'.repeat(64))),
  },
  {
    branch: 'proposer not a validator',
    height: h,
    problem: /proposer is not a validator/,
    tamper: (db) => rewriteBlock(db, h, (b) => void (b.header.proposer = clientKey.publicKey)),
  },
  {
    branch: 'last commit hash',
    height: h,
    problem: /lastCommitHash differs/,
    tamper: (db) => rewriteBlock(db, h, (b) => void (b.header.lastCommitHash = '0'.repeat(64))),
  },
  {
    branch: 'block 1 with a last commit',
    height: 1,
    problem: /block 1 has no last commit/,
    tamper: (db) => rewriteLastCommit(db, 1, () => storedCommit(db, 1)),
  },
  {
    branch: 'block 1 time is genesis time',
    height: 1,
    problem: /timeMs differs: expected 1700000000000/,
    tamper: (db) => rewriteBlock(db, 1, (b) => void (b.header.timeMs += 1)),
  },
  {
    branch: 'last commit missing',
    height: h,
    problem: /missing last commit/,
    tamper: (db) => rewriteLastCommit(db, h, () => null),
  },
  {
    branch: 'last commit height',
    height: h,
    problem: /lastCommit\.height differs/,
    tamper: (db) => rewriteLastCommit(db, h, (c) => ({ ...c!, height: 1 })),
  },
  {
    branch: 'last commit block',
    height: h,
    problem: /lastCommit\.blockHash differs/,
    tamper: (db) => rewriteLastCommit(db, h, (c) => ({ ...c!, blockHash: '0'.repeat(64) })),
  },
  {
    branch: 'last commit quorum (two of four signatures)',
    height: h,
    problem: /commit lacks more than 2\/3 of the voting power/,
    tamper: (db) => rewriteLastCommit(db, h, (c) => ({ ...c!, signatures: c!.signatures.slice(0, 2) })),
  },
  {
    branch: 'block time is the BFT time of its last commit',
    height: h,
    problem: /timeMs differs: expected \d+, found/,
    tamper: (db) => rewriteBlock(db, h, (b) => void (b.header.timeMs += 1)),
  },
  {
    branch: 'block time moves forward (validators re-sign at the previous block time)',
    height: h,
    problem: /timeMs differs: expected > \d+/,
    tamper: (db) => {
      const previous = readBlockRow(db, h - 1);
      const previousHash = db
        .prepare<[number], { hash: string }>('SELECT hash FROM blocks WHERE height = ?')
        .get(h - 1)!.hash;
      const at = previous.header.timeMs;
      rewriteBlock(db, h, (b) => {
        b.lastCommit = {
          height: h - 1,
          round: 0,
          blockHash: previousHash,
          signatures: [0, 1, 2, 3].map((i) => precommit(i, h - 1, previousHash, at)),
        };
        b.header.lastCommitHash = commitHash(b.lastCommit);
        b.header.timeMs = at;
      });
    },
  },
  {
    branch: 'block too large in bytes (130 txs of 64 KiB)',
    height: 5,
    problem: /txs exceed 8388608 bytes/,
    tamper: (db) => oversizedBlock(db, 130, 64 * 1024 - 100),
  },
  {
    branch: 'block too large in txs (10,001 txs)',
    height: 5,
    problem: /more than 10000 txs/,
    tamper: (db) => oversizedBlock(db, 10_001, 0),
  },
  {
    branch: 'tx root',
    height: h,
    problem: /txRoot differs/,
    tamper: (db) => rewriteBlock(db, h, (b) => void (b.header.txRoot = '0'.repeat(64))),
  },
  {
    branch: 'log size (on the last block, whose log indexes can move up)',
    height: BLOCKS,
    problem: /logSize differs: expected 18, found 19/,
    tamper: (db) => {
      db.prepare('UPDATE txs SET log_index = log_index + 1000 WHERE height = ?').run(BLOCKS);
      db.prepare('UPDATE txs SET log_index = log_index - 999 WHERE height = ?').run(BLOCKS);
      rewriteBlock(db, BLOCKS, (b) => void (b.header.logSize += 1));
    },
  },
  // applyBlock: execution against the state, app hash and log root.
  {
    branch: 'tx refused by the state (a client re-signs a tx with a used nonce)',
    height: h,
    problem: /tx 0: nonce already used/,
    tamper: (db) => replaceTx(db, h, 0, anchorTx(clientKey, 1, 'replayed')),
  },
  {
    branch: 'evidence refused (a client reports an honest validator with a vote it never signed)',
    height: EVIDENCE_HEIGHT,
    problem: /tx 0: evidence rejected/,
    tamper: (db) => {
      const genuine = doublePrevote(0, 2);
      const forged = { ...genuine, voteB: { ...genuine.voteB, signature: flipHex(genuine.voteB.signature) } };
      const nonce = (JSON.parse(bodyOf(db, EVIDENCE_HEIGHT, 0).text) as SignedTx).nonce;
      replaceTx(db, EVIDENCE_HEIGHT, 0, evidenceTx(nonce, forged));
    },
  },
  {
    branch: 'app hash',
    height: h,
    problem: /appHash differs: replay gives/,
    tamper: (db) => rewriteBlock(db, h, (b) => void (b.header.appHash = '0'.repeat(64))),
  },
  {
    branch: 'log root',
    height: h,
    problem: /logRoot differs: recomputed/,
    tamper: (db) => rewriteBlock(db, h, (b) => void (b.header.logRoot = '0'.repeat(64))),
  },
  // The stored rows against the replay.
  {
    branch: 'state rows of a block',
    height: h,
    problem: /stored state writes differ from the replayed ones/,
    tamper: (db) =>
      db.prepare("UPDATE state SET value = '99' WHERE key LIKE 'nonce/%' AND height = ?").run(h),
  },
  {
    branch: 'log node missing',
    height: h,
    problem: /log node \(level 0, index 6\) is missing/,
    tamper: (db) => db.prepare('DELETE FROM log_nodes WHERE level = 0 AND idx = 6').run(),
  },
  {
    branch: 'log node altered (present, wrong hash)',
    height: h,
    problem: /log node \(level 0, index 7\) differs from the recomputed hash/,
    tamper: (db) => db.prepare('UPDATE log_nodes SET hash = zeroblob(32) WHERE level = 0 AND idx = 7').run(),
  },
  // The commit that finalised the block.
  {
    branch: 'commit missing',
    height: h,
    problem: /the commit of this block is missing/,
    tamper: (db) => db.prepare('DELETE FROM commits WHERE height = ?').run(h),
  },
  {
    branch: 'commit for another block',
    height: h,
    problem: /the stored commit is for another block/,
    tamper: (db) => writeCommit(db, h, storedCommit(db, h - 1)),
  },
  {
    branch: 'commit signature',
    height: h,
    problem: /commit: bad precommit signature/,
    tamper: (db) => {
      const c = storedCommit(db, h);
      const [first, ...rest] = c.signatures;
      writeCommit(db, h, {
        ...c,
        signatures: [{ ...first!, signature: flipHex(first!.signature) }, ...rest],
      });
    },
  },
  {
    branch: 'commit quorum (two of four signatures)',
    height: h,
    problem: /commit: commit lacks more than 2\/3 of the voting power/,
    tamper: (db) => {
      const c = storedCommit(db, h);
      writeCommit(db, h, { ...c, signatures: c.signatures.slice(0, 2) });
    },
  },
  {
    branch: 'commit signatures sorted and unique (one validator twice)',
    height: h,
    problem: /commit: commit signatures must be sorted and unique/,
    tamper: (db) => {
      const c = storedCommit(db, h);
      writeCommit(db, h, { ...c, signatures: [c.signatures[0]!, ...c.signatures.slice(0, 2)] });
    },
  },
  {
    branch: 'commit signed by a non-validator',
    height: h,
    problem: /commit: commit signed by a non-validator/,
    tamper: (db) => {
      const c = storedCommit(db, h);
      const outsider = keyPairFromSeed(seedOf('outsider'));
      const vote = signVote(TEST_CHAIN_ID, outsider.seed, {
        type: 'precommit',
        height: h,
        round: 0,
        blockHash: c.blockHash,
        timeMs: c.signatures[0]!.timeMs,
        validator: outsider.publicKey,
      });
      const signatures = [
        ...c.signatures,
        { validator: vote.validator, timeMs: vote.timeMs, signature: vote.signature },
      ];
      writeCommit(db, h, {
        ...c,
        signatures: signatures.sort((a, b) => (a.validator < b.validator ? -1 : 1)),
      });
    },
  },
  // checkNothingExtra: rows past the tip (reported at the tip).
  {
    branch: 'a block row outside heights 1..tip',
    height: BLOCKS,
    problem: /store holds 7 blocks for 6 heights/,
    tamper: (db) =>
      db
        .prepare(
          "INSERT INTO blocks (height, hash, header, last_commit, tx_count) VALUES (0, 'x', '{}', NULL, 0)",
        )
        .run(),
  },
  {
    branch: 'a tx row past the tip',
    height: BLOCKS,
    problem: /store holds 19 txs, the log has 18/,
    tamper: (db) => {
      const tx = Buffer.from(encodeTx(anchorTx(clientKey, 99)));
      db.prepare(
        "INSERT INTO txs (hash, height, position, log_index, signer, nonce, type, body) VALUES (?, 99, 0, 99, 's', 99, 't', ?)",
      ).run(txHashOfBytes(tx), tx);
    },
  },
  {
    branch: 'a log node past the tip',
    height: BLOCKS,
    problem: /store holds \d+ log nodes, the log has \d+/,
    tamper: (db) =>
      db.prepare('INSERT INTO log_nodes (level, idx, hash) VALUES (0, 999, zeroblob(32))').run(),
  },
  {
    branch: 'a state row past the tip',
    height: BLOCKS,
    problem: /store holds state writes beyond the last block/,
    tamper: (db) => db.prepare("INSERT INTO state (key, height, value) VALUES ('planted', 99, '1')").run(),
  },
];
// Not reachable by editing a store, so not in the table:
// - checkBlockAgainstTip's txCount check: readBlock has already refused a header whose txCount differs
//   from the rows stored ("tx count differs").
// - commitTimeMs's "empty commit has no time": verifyCommit refuses an empty last commit first (quorum).
// - applyBlock's "the stored commit is for another block" by height alone is the same branch as by hash.
// - Checkpoints are not stored in the ledger (a checkpoint is a block's header and commit, both checked
//   above); a node serves them from blocks, so there is nothing separate for verify to check.

let copies = 0;

test('the untouched 4-validator chain verifies, with its evidence on chain', () => {
  const result = verifyDataDir(template);
  assert.ok(result.ok, result.ok ? '' : `${result.height}: ${result.problem}`);
  assert.equal(result.summary.blocks, BLOCKS);
  assert.equal(result.summary.txs, 3 * BLOCKS);
  const db = new Database(join(template, DATABASE_FILE), { readonly: true });
  const commit = storedCommit(db, h);
  const evidence = db
    .prepare("SELECT count(*) AS n FROM state WHERE key LIKE 'consensus/evidence/%'")
    .get() as {
    n: number;
  };
  db.close();
  assert.equal(commit.signatures.length, 4);
  assert.equal(evidence.n, 1);
});

for (const row of rows) {
  test(`verify catches: ${row.branch}, at height ${row.height}`, () => {
    const dir = join(root.path, `copy-${++copies}`);
    cpSync(template, dir, { recursive: true });
    const db = new Database(join(dir, DATABASE_FILE));
    row.tamper(db, dir);
    if (db.open) db.close();
    const result = verifyDataDir(dir);
    rmSync(dir, { recursive: true, force: true });
    assert.equal(result.ok, false, 'tampering went unnoticed');
    if (result.ok) return;
    assert.equal(result.height, row.height, `reported at height ${result.height}: ${result.problem}`);
    assert.match(result.problem, row.problem);
  });
}
