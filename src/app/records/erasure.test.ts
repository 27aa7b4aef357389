import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TX_BYTES_MAX } from '../../core/limits.ts';
import { encodeTx, signTx } from '../../core/tx.ts';
import { chainId, type TestChain } from '../test-support.ts';
import { erasureRequests, erasures, record, recordsOfPatient } from './queries.ts';
import { erasureQueueEntry, erasureQueueLength, erasureStatus, pendingErasures } from './erasure-status.ts';
import {
  accessPayload,
  alice,
  bob,
  bobPseudonym,
  breakGlass,
  clinicNode,
  commitment,
  consentId,
  doctor,
  granted,
  grantPayload,
  nurse,
  guardian,
  hospitalNode,
  pseudonym,
  recordId,
  registerPayload,
  registerRecord,
  setup,
} from './test-fixtures.ts';
import { VERSIONS_PER_RECORD_MAX } from './types.ts';

const page = { offset: 0, limit: 100 };
const request = (chain: TestChain, recordIds: string[] | 'all', signer = alice, who = pseudonym) =>
  chain.submit(signer, 'records.requestErasure', { patientPseudonym: who, recordIds });
const eraseCommitments = (ids: number[], versions: number[]) =>
  ids.flatMap((n, i) => Array.from({ length: versions[i]! }, (_, v) => commitment(n, v + 1)));
const erasePayload = (ids: number[], commitments: string[], who = pseudonym) => ({
  recordIds: ids.map(recordId),
  receipt: { commitments, shreddedAtMs: 1_700_000_123_000 },
  patientPseudonym: who,
});
const erase = (chain: TestChain, ids: number[], versions: number[], signer = hospitalNode) =>
  chain.submit(signer, 'records.erase', erasePayload(ids, eraseCommitments(ids, versions)));

function withRecords(): TestChain {
  const chain = setup();
  registerRecord(chain, 1, { versions: 2 });
  registerRecord(chain, 2);
  registerRecord(chain, 3, { patient: bobPseudonym });
  assert.equal(chain.submit(alice, 'consent.grant', grantPayload(1)), 'ok');
  chain.commit();
  return chain;
}

test('request, crypto-shred receipt, then the record can be neither registered nor released', () => {
  const chain = withRecords();
  assert.equal(erase(chain, [1], [2]), 'tx.rejected:records.erasure_not_requested');
  assert.equal(request(chain, [recordId(1)]), 'ok');
  assert.equal(erasureRequests(chain.state, pseudonym, page).items[0]?.recordIds[0], recordId(1));
  chain.commit();
  assert.equal(erase(chain, [1], [2]), 'ok');
  const erasedAt = chain.height;
  assert.equal(record(chain.state, recordId(1))?.erasedAtHeight, erasedAt);
  assert.equal(record(chain.state, recordId(2))?.erasedAtHeight, null);
  const receipt = erasures(chain.state, pseudonym, page).items[0];
  assert.deepEqual(receipt?.commitments, [commitment(1, 1), commitment(1, 2)]);
  assert.equal(receipt?.custodianOrgId, 'st-mary');
  assert.equal(receipt?.signedBy, hospitalNode.key);
  assert.equal(receipt?.shreddedAtMs, 1_700_000_123_000);
  assert.equal(recordsOfPatient(chain.state, pseudonym, page).items[0]?.erasedAtHeight, erasedAt);
  chain.commit();

  // Never registered again, never released again: not by consent, not by break-glass.
  assert.equal(
    chain.submit(hospitalNode, 'records.register', registerPayload(1, 3)),
    'tx.rejected:records.erased',
  );
  const ask = (n: number, o: object) => chain.submit(hospitalNode, 'records.access', accessPayload(n, o));
  assert.equal(ask(1, granted([consentId(1)])), 'tx.rejected:records.decision_mismatch');
  const emergency = {
    purpose: 'ETREAT',
    outcome: 'granted',
    reasonCode: 'break-glass',
    breakGlass: breakGlass(),
  };
  assert.equal(ask(1, emergency), 'tx.rejected:records.decision_mismatch');
  // The attempt itself is logged, as a denial for the erased record.
  assert.equal(ask(1, { reasonCode: 'record.erased' }), 'ok');
  // A search covering an erased record releases nothing of it: the gateway logs it apart.
  const both = {
    records: [
      { recordId: recordId(1), version: 1 },
      { recordId: recordId(2), version: 1 },
    ],
  };
  assert.equal(ask(2, { ...both, ...granted([consentId(1)]) }), 'tx.rejected:records.decision_mismatch');
  assert.equal(
    ask(2, { records: [{ recordId: recordId(2), version: 1 }], ...granted([consentId(1)]) }),
    'ok',
  );
  // Nothing left to request or erase for that record.
  assert.equal(request(chain, [recordId(1)]), 'tx.rejected:records.erased');
  assert.equal(erase(chain, [1], [2]), 'tx.rejected:records.erased');
});

test('only the patient requests erasure, of their own records; a proxy may not', () => {
  const chain = withRecords();
  for (const signer of [doctor, hospitalNode, bob]) {
    assert.equal(request(chain, [recordId(1)], signer), 'tx.rejected:records.not_patient');
  }
  assert.equal(request(chain, [recordId(3)]), 'tx.rejected:records.other_patient');
  assert.equal(request(chain, [recordId(9)]), 'tx.rejected:records.unknown_record');
  assert.equal(request(chain, [recordId(1)], bob, bobPseudonym), 'tx.rejected:records.other_patient');
  assert.equal(request(chain, [recordId(1)], guardian), 'tx.rejected:records.proxy_may_not_erase');
  assert.equal(request(chain, 'all', guardian), 'tx.rejected:records.proxy_may_not_erase');
  assert.equal(request(chain, [recordId(1)]), 'ok');
  assert.equal(request(chain, [recordId(1)]), 'tx.rejected:records.erasure_already_requested');
  assert.equal(erasureRequests(chain.state, pseudonym, page).items[0]?.requestedBy, alice.key);
  for (const recordIds of [[], [recordId(2), recordId(2)], ['my HIV test'], 'everything']) {
    assert.equal(
      chain.submit(alice, 'records.requestErasure', { patientPseudonym: pseudonym, recordIds }),
      'tx.invalid_payload',
      JSON.stringify(recordIds),
    );
  }
});

test('only the custodian’s node commits the receipt, listing every version’s commitment in order', () => {
  const chain = withRecords();
  assert.equal(request(chain, 'all'), 'ok');
  assert.equal(request(chain, 'all', bob, bobPseudonym), 'ok');
  chain.commit();
  assert.equal(erase(chain, [1], [2], doctor), 'tx.rejected:records.not_node');
  assert.equal(erase(chain, [1], [2], clinicNode), 'tx.rejected:records.other_custodian');
  assert.equal(
    chain.submit(hospitalNode, 'records.erase', erasePayload([1, 3], eraseCommitments([1, 3], [2, 1]))),
    'tx.rejected:records.other_patient',
  );
  const wrong = [
    [commitment(1, 1)], // a version kept
    [commitment(1, 2), commitment(1, 1)], // out of order
    [commitment(1, 1), commitment(1, 2), commitment(2, 1)], // a record not listed
  ];
  for (const commitments of wrong) {
    assert.equal(
      chain.submit(hospitalNode, 'records.erase', erasePayload([1], commitments)),
      'tx.rejected:records.receipt_mismatch',
    );
  }
  assert.equal(
    chain.submit(hospitalNode, 'records.erase', { ...erasePayload([1], []), receipt: { commitments: [] } }),
    'tx.invalid_payload',
  );
  // Records are listed sorted, their versions in order.
  assert.equal(erase(chain, [1, 2], [2, 1]), 'ok');
  assert.deepEqual(erasures(chain.state, pseudonym, page).items[0]?.recordIds, [recordId(1), recordId(2)]);
  assert.equal(erase(chain, [3], [1]), 'tx.rejected:records.other_patient');
  assert.equal(
    chain.submit(hospitalNode, 'records.erase', erasePayload([3], eraseCommitments([3], [1]), bobPseudonym)),
    'ok',
  );
});

test('“all” covers the records registered before the request, not after', () => {
  const chain = withRecords();
  assert.equal(request(chain, 'all'), 'ok');
  assert.equal(request(chain, 'all'), 'tx.rejected:records.erasure_already_requested');
  assert.equal(request(chain, [recordId(2)]), 'tx.rejected:records.erasure_already_requested');
  registerRecord(chain, 4);
  assert.equal(erase(chain, [4], [1]), 'tx.rejected:records.erasure_not_requested');
  assert.equal(erase(chain, [1, 2], [2, 1]), 'ok');
  assert.equal(erasureRequests(chain.state, pseudonym, page).items[0]?.coversRecordCount, 2);
  // A new 'all' request now covers record 4 too; once everything is gone there is nothing to ask for.
  assert.equal(request(chain, 'all'), 'ok');
  assert.equal(erase(chain, [4], [1]), 'ok');
  assert.equal(request(chain, 'all'), 'tx.rejected:records.nothing_to_erase');
  assert.equal(erasures(chain.state, pseudonym, page).total, 2);
});

test('a record with the most versions allowed is erased in one tx that fits TX_BYTES_MAX', () => {
  const chain = setup();
  registerRecord(chain, 1, { versions: VERSIONS_PER_RECORD_MAX });
  assert.equal(
    chain.submit(hospitalNode, 'records.register', registerPayload(1, VERSIONS_PER_RECORD_MAX + 1)),
    'tx.invalid_payload',
  );
  assert.equal(request(chain, [recordId(1)]), 'ok');
  const payload = erasePayload([1], eraseCommitments([1], [VERSIONS_PER_RECORD_MAX]));
  const tx = signTx(hospitalNode.seed, {
    chainId,
    type: 'records.erase',
    payload,
    nonce: 1,
  });
  assert.ok(encodeTx(tx).length <= TX_BYTES_MAX, `${encodeTx(tx).length} bytes`);
  assert.equal(chain.submit(hospitalNode, 'records.erase', payload), 'ok');
});

test('one request enters the chain-wide queue; each custodian finds its own pending records and the patient sees each custodian’s progress', () => {
  const chain = withRecords();
  // Riverside holds a record of Alice's too, written by its nurse under Alice's write consent.
  const write = grantPayload(9, { actions: ['write'], purposes: ['TREAT'] });
  assert.equal(chain.submit(alice, 'consent.grant', write), 'ok');
  const atClinic = registerPayload(4, 1, { custodianOrgId: 'riverside', practitioner: nurse.key });
  assert.equal(chain.submit(clinicNode, 'records.register', atClinic), 'ok');
  assert.equal(erasureQueueLength(chain.state), 0);
  assert.equal(request(chain, 'all'), 'ok');
  chain.commit();
  assert.equal(erasureQueueLength(chain.state), 1);
  assert.deepEqual(erasureQueueEntry(chain.state, 0), { patientPseudonym: pseudonym, requestIndex: 0 });
  const ids = (heads: { recordId: string }[]) => heads.map((h) => h.recordId);
  assert.deepEqual(ids(pendingErasures(chain.state, pseudonym, 'st-mary')), [recordId(1), recordId(2)]);
  assert.deepEqual(ids(pendingErasures(chain.state, pseudonym, 'riverside')), [recordId(4)]);
  const before = erasureStatus(chain.state, pseudonym);
  assert.deepEqual(
    before.map((s) => [s.custodianOrgId, s.records, s.requested, s.erased, s.pending, s.receipts.length]),
    [
      ['riverside', 1, 1, 0, 1, 0],
      ['st-mary', 2, 2, 0, 2, 0],
    ],
  );
  assert.equal(erase(chain, [1, 2], [2, 1]), 'ok');
  assert.deepEqual(pendingErasures(chain.state, pseudonym, 'st-mary'), []);
  const after = erasureStatus(chain.state, pseudonym);
  assert.deepEqual(
    after.map((s) => [s.custodianOrgId, s.erased, s.pending, s.receipts.length]),
    [
      ['riverside', 0, 1, 0],
      ['st-mary', 2, 0, 1],
    ],
  );
  // Bob's request is the queue's second entry, whoever holds his records.
  assert.equal(request(chain, 'all', bob, bobPseudonym), 'ok');
  assert.deepEqual(erasureQueueEntry(chain.state, 1), { patientPseudonym: bobPseudonym, requestIndex: 0 });
});
