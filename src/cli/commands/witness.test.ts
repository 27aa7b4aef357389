// The standalone witness's log-signature check on real published signed notes: Go checksum-database
// tree heads (test/vectors/sumdb-tree-heads.ts) verify under sum.golang.org's key, and refuse once a
// byte of the head changes or under another key; the C2SP/Go note example keys (PeterNeumann) do not
// vouch for a sumdb head.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseVkey } from '../../core/c2sp/index.ts';
import { SUMDB_HEADS, SUMDB_VKEY } from '../../../test/vectors/sumdb-tree-heads.ts';
import { logSigned } from './witness.ts';

const sumdb = parseVkey(SUMDB_VKEY);
const peter = parseVkey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');

test('Go checksum-database tree heads are signed by the log, and altered ones are refused', () => {
  for (const head of SUMDB_HEADS) {
    assert.equal(logSigned(head, [sumdb]), true);
    const root = head.split('\n')[2]!;
    const otherRoot = `${root[0] === 'A' ? 'B' : 'A'}${root.slice(1)}`;
    assert.equal(logSigned(head.replace(root, otherRoot), [sumdb]), false);
    assert.equal(logSigned(head, [peter]), false, 'another log’s key does not vouch for it');
  }
});
