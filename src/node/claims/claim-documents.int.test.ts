// The claims store on a real SQLite database: documents come back as put, listed per patient and kind;
// at rest nothing reads as the document; and a row moved to another claim does not open.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage } from '../storage/memory/memory-storage.ts';
import { generateKeyPair } from '../keys.ts';
import { ClaimDocumentStore } from './claim-documents.ts';

const patient = 'a1'.repeat(32);
const other = 'b2'.repeat(32);
const claimA = 'c3'.repeat(32);
const claimB = 'd4'.repeat(32);
const eob = { resourceType: 'ExplanationOfBenefit', id: claimA, item: [{ code: 'CANARY-99213' }] };

function withStore(run: (store: ClaimDocumentStore, storage: MemoryStorage) => void): void {
  const storage = new MemoryStorage();
  try {
    run(ClaimDocumentStore.open(storage, 'carechain-test', generateKeyPair()), storage);
  } finally {
    storage.close();
  }
}

test('claim documents are sealed at rest, read back, listed per patient and kind, and removed', () => {
  withStore((store, storage) => {
    const base = { patientPseudonym: patient, digest: 'e5'.repeat(32), createdAtMs: 1000 };
    store.put({ ...base, claimId: claimA, kind: 'eob', document: eob });
    store.put({ ...base, claimId: claimB, kind: 'content', document: { facts: 1 } });
    store.put({ ...base, claimId: claimB, kind: 'eob', patientPseudonym: other, document: { other: 1 } });
    assert.deepEqual(store.get(claimA, 'eob')?.document, eob);
    assert.deepEqual(
      store.listByPatient(patient, 'eob').map((d) => d.claimId),
      [claimA],
    );
    assert.deepEqual(
      store.listByPatient(other, 'eob').map((d) => d.document),
      [{ other: 1 }],
    );
    // Nothing of the document is in the table as text or bytes.
    const port = storage.open('claims');
    const rows = port.all<{ ciphertext: Uint8Array }>('SELECT ciphertext FROM claim_documents');
    assert.equal(rows.length, 3);
    for (const row of rows) assert.ok(!Buffer.from(row.ciphertext).toString('latin1').includes('CANARY'));
    // A sealed row moved under another claim id does not open: the AAD names the claim.
    port.run("UPDATE claim_documents SET claim_id = ? WHERE claim_id = ? AND kind = 'eob'", [
      'f6'.repeat(32),
      claimA,
    ]);
    assert.throws(() => store.get('f6'.repeat(32), 'eob'));
    store.remove(claimB, 'content');
    assert.equal(store.get(claimB, 'content'), undefined);
    assert.notEqual(store.get(claimB, 'eob'), undefined);
  });
});
