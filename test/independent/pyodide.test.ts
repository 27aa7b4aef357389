// Where a machine has no python3 (a Node-only container), the independent checkers run under Pyodide
// (test/harness/python.ts). This runs both checkers under Pyodide on this machine too, so that fallback
// is not a path no test has walked: the same published tree head verifies, and altered, fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runUnderPyodide } from '../harness/python.ts';
import { SUMDB_HEADS, SUMDB_VKEY } from '../vectors/sumdb-tree-heads.ts';

test('under Pyodide, the signed-note checker accepts a published tree head and refuses it altered', async () => {
  const head = SUMDB_HEADS[0]!;
  const size = head.split('\n')[1]!;
  const check = async (note: string) =>
    JSON.parse(
      await runUnderPyodide(
        'test/independent/signed_note_verify.py',
        JSON.stringify({ note, policy: `log ${SUMDB_VKEY}\nquorum none\n` }),
      ),
    ) as { logSigned: boolean; failed: string[] };
  const ok = await check(head);
  assert.equal(ok.logSigned, true);
  assert.deepEqual(ok.failed, []);
  const altered = await check(head.replace(size, `${Number(size) + 1}`));
  assert.equal(altered.logSigned, false);
  assert.deepEqual(altered.failed, ['sum.golang.org']);
});

test('under Pyodide, the RFC 9162 checker accepts a one-leaf inclusion proof and refuses a wrong root', async () => {
  // A tree of one leaf: its root is the leaf hash and the proof is empty (RFC 9162 §2.1.3.2).
  const leafHash = 'aa'.repeat(32);
  const query = (root: string) =>
    JSON.stringify({ kind: 'inclusion', leafHash, leafIndex: 0, treeSize: 1, path: [], root });
  const stdout = await runUnderPyodide(
    'test/independent/rfc9162_verify.py',
    `${query(leafHash)}\n${query('bb'.repeat(32))}\n`,
  );
  assert.deepEqual(stdout.trim().split('\n'), ['ok', 'fail']);
});
