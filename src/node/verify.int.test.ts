// `verify` against tampering: each way of editing a stored chain is caught at the right height with a
// message that says what differs, and the CLI exits non-zero. The chain is a real SQLite file, edited
// behind the node's back with SQL, as an attacker with disk access would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { sha256 } from '../core/crypto/index.ts';
import { toHex, utf8 } from '../core/bytes.ts';
import { buildChain, tempDir } from '../../test/harness/chain.ts';
import { DATABASE_FILE } from './store/store.ts';
import { verifyDataDir } from './verify.ts';

const root = tempDir();
const template = join(root.path, 'template');
let copies = 0;

before(() => buildChain(template, 6, 3).ledger.close());
after(() => root.remove());

/** A fresh copy of the template chain, edited by `tamper`, then verified. */
function tampered(
  tamper: (db: Database.Database) => void,
): ReturnType<typeof verifyDataDir> & { dir: string } {
  const dir = join(root.path, `copy-${++copies}`);
  cpSync(template, dir, { recursive: true });
  const db = new Database(join(dir, DATABASE_FILE));
  tamper(db);
  db.close();
  return { ...verifyDataDir(dir), dir };
}

function expectFailure(result: ReturnType<typeof tampered>, height: number, problem: RegExp): void {
  assert.equal(result.ok, false, 'tampering went unnoticed');
  if (result.ok) return;
  assert.equal(result.height, height, `reported at height ${result.height}: ${result.problem}`);
  assert.match(result.problem, problem);
}

test('an untouched chain verifies and the summary counts everything', () => {
  const result = verifyDataDir(template);
  assert.ok(result.ok);
  assert.equal(result.summary.blocks, 6);
  assert.equal(result.summary.txs, 18);
  assert.equal(result.summary.logSize, 18);
  assert.match(result.summary.logRoot, /^[0-9a-f]{64}$/);
});

test('one flipped byte in a stored tx is caught', () => {
  const result = tampered((db) => {
    const row = db
      .prepare<[], { hash: string; body: Buffer }>('SELECT hash, body FROM txs WHERE log_index = 7')
      .get()!;
    const body = Buffer.from(row.body);
    body.writeUInt8(body.readUInt8(body.length - 20) ^ 0x01, body.length - 20);
    db.prepare('UPDATE txs SET body = ? WHERE hash = ?').run(body, row.hash);
  });
  expectFailure(result, 3, /tx 1 .* does not hash to its key/);
});

test('a header edited with SQL is caught by its hash', () => {
  const result = tampered((db) => {
    db.prepare(
      'UPDATE blocks SET header = replace(header, \'"txCount":3\', \'"txCount":2\') WHERE height = 4',
    ).run();
  });
  expectFailure(result, 4, /block hash differs/);
});

test('a state row edited with SQL is caught', () => {
  const result = tampered((db) => {
    db.prepare("UPDATE state SET value = '99' WHERE key LIKE 'nonce/%' AND height = 2").run();
  });
  expectFailure(result, 2, /stored state writes differ/);
});

test('a deleted block is caught', () => {
  const result = tampered((db) => {
    db.prepare('DELETE FROM blocks WHERE height = 3').run();
  });
  expectFailure(result, 3, /block is missing/);
});

test('two swapped txs are caught by the tx root', () => {
  const result = tampered((db) => {
    const swap = db.transaction(() => {
      const rows = db
        .prepare<[], { hash: string; position: number; log_index: number }>(
          'SELECT hash, position, log_index FROM txs WHERE height = 5 ORDER BY position LIMIT 2',
        )
        .all();
      const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
      const set = db.prepare('UPDATE txs SET position = ?, log_index = ? WHERE hash = ?');
      set.run(-1, -1, a.hash);
      set.run(a.position, a.log_index, b.hash);
      set.run(b.position, b.log_index, a.hash);
    });
    swap();
  });
  expectFailure(result, 5, /txRoot differs/);
});

test('a forged tx (payload changed, hash recomputed, signature kept) is caught by its signature', () => {
  const result = tampered((db) => {
    const row = db
      .prepare<[], { hash: string; body: Buffer }>('SELECT hash, body FROM txs WHERE log_index = 12')
      .get()!;
    const tx = JSON.parse(row.body.toString('utf8')) as { payload: { digest: string } };
    const forgedBody = Buffer.from(
      row.body.toString('utf8').replace(tx.payload.digest, toHex(sha256(utf8('forged')))),
    );
    db.prepare('UPDATE txs SET body = ?, hash = ? WHERE hash = ?').run(
      forgedBody,
      toHex(sha256(forgedBody)),
      row.hash,
    );
  });
  expectFailure(result, 5, /signature does not verify/);
});

test('a truncated log is caught at the first block whose nodes are gone', () => {
  const result = tampered((db) => {
    db.prepare('DELETE FROM log_nodes WHERE level = 0 AND idx >= 9').run();
  });
  expectFailure(result, 4, /log node \(level 0, index 9\) is missing/);
});

test('the CLI prints a summary and exits 0 on a whole chain, and names the height and exits 1 on a bad one', () => {
  const cli = (dir: string) =>
    spawnSync(process.execPath, ['bin/carechain.mjs', 'verify', '--data', dir], { encoding: 'utf8' });
  const ok = cli(template);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /verify: OK/);
  assert.match(ok.stdout, /blocks\s+6/);
  assert.match(ok.stdout, /txs\s+18/);
  const bad = tampered((db) => db.prepare('DELETE FROM blocks WHERE height = 2').run());
  const failed = cli(bad.dir);
  assert.equal(failed.status, 1);
  assert.match(failed.stderr, /FAILED at height 2: block is missing/);
});
