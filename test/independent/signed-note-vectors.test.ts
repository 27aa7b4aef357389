// The independent signed-note checker (signed_note_verify.py) must accept real published signed notes
// and refuse altered ones before its verdict on carechain's checkpoints means anything (vectors:
// test/vectors/sumdb-tree-heads.ts, Go checksum-database tree heads).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { independentlyCheckNote } from '../harness/independent-verifier.ts';
import { SUMDB_HEADS, SUMDB_VKEY } from '../vectors/sumdb-tree-heads.ts';

test('the independent checker verifies published sum.golang.org tree heads and refuses them altered', async () => {
  const policy = `log ${SUMDB_VKEY}\nquorum none\n`;
  for (const head of SUMDB_HEADS) {
    const ok = await independentlyCheckNote(head, policy);
    assert.equal(ok.logSigned, true);
    assert.deepEqual(ok.failed, []);
    const size = head.split('\n')[1]!;
    const altered = await independentlyCheckNote(head.replace(size, `${Number(size) + 1}`), policy);
    assert.equal(altered.logSigned, false);
    assert.deepEqual(altered.failed, ['sum.golang.org']);
  }
});
