// The independent signed-note checker (signed_note_verify.py) must accept real published signed notes
// and refuse altered ones before its verdict on carechain's checkpoints means anything. Vectors: Go
// checksum-database tree heads signed by sum.golang.org, as quoted in transparency-dev/trillian-tessera
// (internal/parse/checkpoint_test.go), with the sumdb key of golang.org/x/mod/sumdb/note's docs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { independentlyCheckNote } from '../harness/independent-verifier.ts';

export const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
export const SUMDB_HEAD =
  'go.sum database tree\n31700353\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\n' +
  '— sum.golang.org Az3grnmrIUEDFqHzAElIQCPNoRFRAAdFo47fooyWKMHb89k11GJh5zHIfNCOBmwn/C3YI8oW9/C8DJ87F61QqspBYwM=\n';

test('the independent checker verifies a published sum.golang.org tree head and refuses it altered', () => {
  const policy = `log ${SUMDB_VKEY}\nquorum none\n`;
  const ok = independentlyCheckNote(SUMDB_HEAD, policy);
  assert.equal(ok.logSigned, true);
  assert.deepEqual(ok.failed, []);
  const altered = independentlyCheckNote(SUMDB_HEAD.replace('31700353', '31700354'), policy);
  assert.equal(altered.logSigned, false);
  assert.deepEqual(altered.failed, ['sum.golang.org']);
});
