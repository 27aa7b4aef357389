// Issue 5 end to end on a real multi-process network: a manufacturer, a distributor and two pharmacies
// as validators, and a regulator as a non-voting member. One lot is commissioned, packed into a case,
// shipped to the distributor, unpacked, shipped on to both pharmacies and dispensed. Verification tells
// a genuine pack from a cloned serial (which alerts the manufacturer and the regulator); a second
// dispense is refused and alerts; a recalled lot fails verification and stops moving; and a unit's
// pedigree comes with inclusion proofs that verify against a validator-signed checkpoint. The GS1 error
// declaration examples (EPCIS 2.0 §7.4.1.2) are accepted from the organisation that captured the event they
// correct, refused from another, and the trace shows the event declared in error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PRACTITIONER_SCOPES_DEFAULT } from '../../src/api/auth/practitioner-login.ts';
import { scopesOf } from '../../src/services/auth/scopes.ts';
import { blockHash } from '../../src/core/block.ts';
import { parseGenesis } from '../../src/core/genesis.ts';
import { leafHash, verifyInclusionHex } from '../../src/core/merkle/index.ts';
import { encodeTx } from '../../src/core/tx.ts';
import { verifyCommit } from '../../src/core/vote.ts';
import { ev, EXPIRY, GLN, GTIN, LOT, sgtin, sscc, type OrgName } from '../../src/app/supply/test-fixtures.ts';
import { sharedTestdata } from '../harness/files.ts';
import { waitFor } from '../harness/http.ts';
import {
  captureAt,
  epcisDocument as document,
  SUPPLY_ORGS,
  supplyNetworkForTests,
} from '../harness/supply.ts';
import { allAtHeight, issuerOf, readGenesis, staffClient, type Staff } from '../harness/network.ts';

const supply = supplyNetworkForTests('carechain-supply-', 'carechain-supply-test', {
  maker: SUPPLY_ORGS.maker,
  dist: SUPPLY_ORGS.distributor,
  pharmA: SUPPLY_ORGS.pharmacyA,
  pharmB: SUPPLY_ORGS.pharmacyB,
  fda: SUPPLY_ORGS.regulator,
});
const { staff } = supply;
const ORDER = ['maker', 'dist', 'pharmA', 'pharmB', 'fda'] as const;

const units = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'].map((s) => sgtin(s));
const [s1, s2, s3, s4, s5] = units as [string, string, string, string, string];
const box = sscc(42);

/** Captures at the org's own node and waits until every node has the block. */
function capture(org: keyof typeof staff, ...events: Record<string, unknown>[]) {
  return captureAt(supply.net, staff[org], events);
}

test('master data: the manufacturer registers its product, every organisation its GLN', async () => {
  const product = await staffClient(staff.maker).post('/api/v1/supply/products', {
    gtin: GTIN.slice(1), // a GTIN-13 is stored as its GTIN-14
    ndc: '12345-678-90',
    name: 'Amoxicillin 500 mg capsules',
    strength: '500 mg',
    dosageForm: 'capsule',
    packSize: '30 capsules',
  });
  assert.equal(product.status, 201, JSON.stringify(product.body));
  assert.equal(product.body.product.gtin, GTIN);
  assert.equal(product.body.product.manufacturerOrgId, 'acme-pharma');
  const byDistributor = await staffClient(staff.dist).post('/api/v1/supply/products', {
    gtin: GTIN,
    name: 'x',
    strength: '1',
    dosageForm: 'x',
    packSize: '1',
  });
  assert.equal(byDistributor.status, 422);
  assert.equal(byDistributor.body.error.code, 'supply.not_manufacturer');
  const names: OrgName[] = ['maker', 'dist', 'pharmA', 'pharmB', 'fda'];
  const claims = await Promise.all(
    ORDER.map((org, i) => staffClient(staff[org]).post('/api/v1/supply/parties', { gln: GLN[names[i]!] })),
  );
  for (const c of claims) assert.equal(c.status, 201, JSON.stringify(c.body));
  await allAtHeight(supply.net, Math.max(...claims.map((c) => c.body.height as number)));
});

test('capture needs a staff token of the node’s own organisation and a schema-valid document', async () => {
  const url = `${supply.net.apiUrls[0]}/epcis/capture`;
  const anonymous = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.equal(((await anonymous.json()) as any).error.code, 'auth.missing');
  // A token the manufacturer's node signed for the distributor's staff: valid, but not its own staff.
  const forged = await (
    await issuerOf(supply.net.dirs[0]!, supply.net.apiUrls[0]!)
  ).issue({
    subject: staff.dist.key.publicKey,
    kind: 'practitioner',
    orgId: 'big-distributor',
    scopes: scopesOf(PRACTITIONER_SCOPES_DEFAULT),
  });
  const otherOrg = await staffClient(
    { ...staff.dist, token: forged.accessToken },
    supply.net.apiUrls[0],
  ).post('/epcis/capture', document([ev.commission([s1])]));
  assert.equal(otherOrg.status, 403);
  assert.equal(otherOrg.body.error.code, 'supply.not_own_org');
  const broken = document([ev.commission([s1]), { ...ev.inspect([s1]), action: 'TELEPORT' }]);
  const invalid = await staffClient(staff.maker).post('/epcis/capture', broken);
  assert.equal(invalid.status, 400);
  assert.equal(invalid.body.error.code, 'epcis.schema_invalid');
  assert.equal(invalid.body.error.details.eventIndex, 1);
  assert.match(invalid.body.error.details.pointers, /\/epcisBody\/eventList\/1\/action/);
  // Nothing of it was recorded: the unit it would have commissioned is unknown.
  assert.equal((await staffClient(staff.maker).get(`/api/v1/units/${encodeURIComponent(s1)}`)).status, 404);
});

test('one lot walks from the manufacturer through the distributor to two pharmacies', async () => {
  const made = await capture('maker', ev.commission(units), ev.pack(box, units), ev.ship([box], 'dist'));
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.eventIds.length, 3);
  assert.equal(typeof made.body.captureId, 'number');
  assert.match(made.body.txHash, /^[0-9a-f]{64}$/);
  const atDist = await capture(
    'dist',
    ev.receive([box]),
    ev.unpack(box),
    ev.ship([s1, s2], 'pharmA'),
    ev.ship([s3, s4], 'pharmB'),
  );
  assert.equal(atDist.status, 201, JSON.stringify(atDist.body));
  const [a, b] = await Promise.all([
    capture('pharmA', ev.receive([s1, s2]), ev.dispense([s1])),
    capture('pharmB', ev.receive([s3, s4]), ev.dispense([s3])),
  ]);
  assert.equal(a.status, 201, JSON.stringify(a.body));
  assert.equal(b.status, 201, JSON.stringify(b.body));
  const unit = await staffClient(staff.fda, supply.net.apiUrls[4]).get(
    `/api/v1/units/${encodeURIComponent(s1)}`,
  );
  assert.equal(unit.status, 200);
  assert.equal(unit.body.unit.status, 'dispensed');
  assert.deepEqual(unit.body.unit.reachedOrgIds, ['acme-pharma', 'big-distributor', 'pharmacy-a']);
  const s4unit = await staffClient(staff.pharmB).get(
    `/api/v1/units/${encodeURIComponent('urn:epc:id:sgtin:0300012.034567.S4')}`,
  );
  assert.equal(s4unit.status, 200, JSON.stringify(s4unit.body));
  assert.equal(s4unit.body.unit.ownerOrgId, 'pharmacy-b');
});

/** A pharmacist's verification of the pack with `serial` of the shipped lot, as its label reads. */
function verifyPack(pharmacist: Staff, serial: string) {
  return staffClient(pharmacist).post('/api/v1/verify', { gtin: GTIN, serial, lot: LOT, expiry: EXPIRY });
}

async function alertsOf(who: Staff, kind: string, epc: string): Promise<boolean> {
  const answer = await staffClient(who).get('/api/v1/supply/alerts');
  return answer.body.items.some((x: any) => x.kind === kind && x.epc === epc);
}

test('verification tells a genuine pack from a never-commissioned serial, which alerts', async () => {
  const genuine = await verifyPack(staff.pharmA, 'S2');
  assert.equal(genuine.status, 200, JSON.stringify(genuine.body));
  assert.equal(genuine.body.verified, true);
  assert.equal(genuine.body.product.gtin, GTIN);
  assert.match(genuine.body.verificationTx, /^[0-9a-f]{64}$/);
  const scanned = await staffClient(staff.pharmA).post('/api/v1/verify', {
    code: `(01)${GTIN}(17)300630(10)${LOT}(21)S2`,
  });
  assert.equal(scanned.body.verified, true, JSON.stringify(scanned.body));
  const dispensed = await staffClient(staff.pharmA).post('/api/v1/verify', {
    code: `https://id.gs1.org/01/${GTIN}/21/S1`,
  });
  assert.deepEqual([dispensed.body.verified, dispensed.body.reason], [false, 'already_dispensed']);
  const mismatch = await staffClient(staff.pharmA).post('/api/v1/verify', {
    gtin: GTIN,
    serial: 'S2',
    lot: 'WRONG',
  });
  assert.equal(mismatch.body.reason, 'lot_mismatch');
  const clone = await verifyPack(staff.pharmB, 'CLONE1');
  assert.deepEqual([clone.body.verified, clone.body.reason], [false, 'unknown_serial']);
  const bad = await staffClient(staff.pharmB).post('/api/v1/verify', { gtin: '123', serial: 'X' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'verify.invalid');
  const cloneEpc = sgtin('CLONE1');
  assert.ok(
    await waitFor(() => alertsOf(staff.maker, 'unknown_serial', cloneEpc), 30_000),
    'manufacturer alerted',
  );
  assert.ok(
    await waitFor(() => alertsOf(staff.fda, 'unknown_serial', cloneEpc), 30_000),
    'regulator alerted',
  );
  assert.equal(await alertsOf(staff.dist, 'unknown_serial', cloneEpc), false);
});

test('a second dispense of the same serial is refused, names the event and the rule, and alerts', async () => {
  // Pharmacy B scans the serial pharmacy A dispensed: a cloned pack.
  const second = await capture('pharmB', ev.inspect([s4]), ev.dispense([s1]));
  assert.equal(second.status, 422, JSON.stringify(second.body));
  assert.equal(second.body.error.code, 'supply.already_dispensed');
  assert.equal(second.body.error.details.eventIndex, 1);
  assert.match(second.body.error.details.eventId, /^urn:uuid:/);
  assert.equal(second.body.error.details.epc, s1);
  assert.ok(
    await waitFor(() => alertsOf(staff.maker, 'second_dispense', s1), 30_000),
    'manufacturer alerted',
  );
  assert.ok(await waitFor(() => alertsOf(staff.fda, 'second_dispense', s1), 30_000), 'regulator alerted');
  // Nothing of the refused document was recorded: S4 has no inspecting event.
  const events = await staffClient(staff.pharmB).get(
    `/epcis/events?MATCH_epc=${encodeURIComponent(s4)}&EQ_bizStep=inspecting`,
  );
  assert.equal(events.body.epcisBody.queryResults.resultsBody.eventList.length, 0);
});

test('a recalled lot fails verification and moves no more', async () => {
  const recall = await staffClient(staff.maker).post('/api/v1/supply/recalls', { gtin: GTIN, lot: LOT });
  assert.equal(recall.status, 201, JSON.stringify(recall.body));
  await allAtHeight(supply.net, recall.body.height);
  const verdict = await verifyPack(staff.pharmB, 'S4');
  assert.deepEqual([verdict.body.verified, verdict.body.reason], [false, 'recalled']);
  const shipped = await capture('dist', ev.ship([s5], 'pharmA'));
  assert.equal(shipped.status, 422);
  assert.equal(shipped.body.error.code, 'supply.recalled');
  const unit = await staffClient(staff.dist).get(`/api/v1/units/${encodeURIComponent(s5)}`);
  assert.equal(unit.body.recalled, true);
  assert.equal(unit.body.unit.status, 'active');
});

test('the EPCIS query returns the captured events, filtered and paged', async () => {
  const urn = 'urn:epc:id:sgtin:0300012.034567.S1'; // S1 as an EPC URN: the same unit
  const all = await staffClient(staff.pharmA).get(`/epcis/events?MATCH_epc=${encodeURIComponent(urn)}`);
  assert.equal(all.status, 200, JSON.stringify(all.body));
  assert.equal(all.body.type, 'EPCISQueryDocument');
  const list = all.body.epcisBody.queryResults.resultsBody.eventList;
  assert.deepEqual(
    list.map((e: any) => e.bizStep),
    // MATCH_epc matches epcList and childEPCs (EPCIS 2.0 §8.2.7.1): the case's own moves are not listed
    ['commissioning', 'packing', 'shipping', 'receiving', 'dispensing'],
  );
  for (const e of list) assert.equal(typeof e.eventID, 'string');
  const shipping = await staffClient(staff.pharmA).get('/epcis/events?EQ_bizStep=shipping&perPage=1');
  assert.equal(shipping.body.epcisBody.queryResults.resultsBody.eventList.length, 1);
  const link = shipping.headers.get('link') ?? '';
  assert.match(link, /rel="next"/);
  const next = await staffClient(staff.pharmA).get(link.slice(1, link.indexOf('>')));
  assert.equal(next.body.epcisBody.queryResults.resultsBody.eventList[0].bizStep, 'shipping');
  const bad = await staffClient(staff.pharmA).get('/epcis/events?GE_eventTime=yesterday');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'epcis.query_invalid');
});

test('a unit’s pedigree: every event, each with an inclusion proof that verifies', async () => {
  const answer = await staffClient(staff.fda, supply.net.apiUrls[4]).get(
    `/api/v1/units/${encodeURIComponent(s2)}/pedigree`,
  );
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  const { checkpoint, events } = answer.body;
  // commissioning, packing, shipping (the case), receiving (the case), unpacking, shipping, receiving
  assert.deepEqual(
    events.map((e: any) => e.event.bizStep),
    ['commissioning', 'packing', 'shipping', 'receiving', 'unpacking', 'shipping', 'receiving'],
  );
  const { genesis, validatorSet } = parseGenesis(readGenesis(supply.net.dirs[0]!));
  assert.equal(blockHash(checkpoint.header), checkpoint.blockHash);
  assert.equal(checkpoint.commit.blockHash, checkpoint.blockHash);
  verifyCommit(genesis.chainId, validatorSet, checkpoint.commit);
  assert.equal(checkpoint.header.logRoot, checkpoint.logRoot);
  for (const e of events) {
    const { proof } = e;
    assert.equal(proof.treeSize, checkpoint.logSize);
    assert.ok(verifyInclusionHex(proof, checkpoint.logRoot), `proof of ${e.eventId}`);
    // The leaf is the very tx that carried this event, signed by the organisation that recorded it.
    const tx = (await staffClient(staff.fda, supply.net.apiUrls[4]).get(`/api/v1/txs/${e.txHash}`)).body.tx;
    assert.deepEqual(Buffer.from(leafHash(encodeTx(tx))).toString('hex'), proof.leafHash);
    assert.equal(tx.type, 'supply.capture');
    assert.ok(tx.payload.events.some((text: string) => JSON.parse(text).eventID === e.eventId));
    const tampered = verifyInclusionHex({ ...proof, leafIndex: proof.leafIndex ^ 1 }, checkpoint.logRoot);
    assert.equal(tampered, false);
  }
});

const WITH_ERROR_DECLARATION = sharedTestdata('epcis', 'gs1', 'JSON', 'WithErrorDeclaration');
const gs1Example = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(`${WITH_ERROR_DECLARATION}/${name}`, 'utf8')) as Record<string, any>;

/** Posts an EPCIS document as it is at the staff member's node; waits for every node when it is taken. */
async function captureDocument(org: keyof typeof staff, document: Record<string, unknown>) {
  const answer = await staffClient(staff[org]).post('/epcis/capture', document, 'application/ld+json');
  if (answer.status === 201) await allAtHeight(supply.net, answer.body.height);
  return answer;
}

test('GS1 error declarations: accepted from the capturer, refused from another, shown in the trace', async () => {
  const declared = gs1Example('Example_9.6.1-ObjectEvent-with-error-declaration.jsonld');
  const [declaration] = declared.epcisBody.eventList as Record<string, unknown>[];
  // The event that the GS1 example declares in error, as pharmacy A first captured it.
  const { errorDeclaration: _, ...original } = declaration!;
  const first = await captureDocument('pharmA', { ...declared, epcisBody: { eventList: [original] } });
  assert.equal(first.status, 201, JSON.stringify(first.body));
  const unit = 'urn:epc:id:sgtin:0614141.107346.2017';
  const trace = async () =>
    (
      await staffClient(staff.fda, supply.net.apiUrls[4]).get(
        `/api/v1/units/${encodeURIComponent(unit)}/pedigree`,
      )
    ).body;
  const before = await trace();
  assert.equal(before.events.length, 1);
  assert.equal(before.events[0].declaredInError, null);

  // Pharmacy B did not record it: its declaration is refused, and nothing changes anywhere.
  const refused = await captureDocument('pharmB', declared);
  assert.equal(refused.status, 422, JSON.stringify(refused.body));
  assert.equal(refused.body.error.code, 'supply.not_declarer');
  assert.deepEqual((await trace()).events, before.events);

  const accepted = await captureDocument('pharmA', declared);
  assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
  const after = (await trace()).events;
  assert.equal(after.length, 2);
  const [corrected, declarationEvent] = after;
  assert.equal(corrected.eventId, original.eventID);
  assert.equal(corrected.errorDeclaration, false);
  assert.deepEqual(corrected.declaredInError, {
    declarationSeq: declarationEvent.seq,
    declaredByOrgId: corrected.recordedByOrgId,
    declarationTime: '2021-02-01T22:46:31.117000+00:00',
    reason: 'incorrect_data',
    correctiveEventIds: (declaration!.errorDeclaration as any).correctiveEventIDs,
  });
  assert.equal(declarationEvent.eventId, original.eventID);
  assert.equal(declarationEvent.errorDeclaration, true);
  assert.equal(declarationEvent.declaredInError, null);

  // A declaration with its corrective event in one document, about an event this chain never saw: the
  // corrective event is recorded beside it, and the EPCIS query returns both.
  const withCorrection = gs1Example('ErrorDeclarationAndCorrectiveEvent.jsonld');
  const both = await captureDocument('pharmA', withCorrection);
  assert.equal(both.status, 201, JSON.stringify(both.body));
  const output = 'urn:epc:id:sgtin:4012345.033333.AGHFG';
  const query = await staffClient(staff.pharmA).get(
    `/epcis/events?MATCH_anyEPC=${encodeURIComponent(output)}`,
  );
  assert.equal(query.status, 200, JSON.stringify(query.body));
  const listed = query.body.epcisBody.queryResults.resultsBody.eventList;
  assert.deepEqual(
    listed.map((e: any) => [e.eventID, e.errorDeclaration?.reason ?? null]),
    withCorrection.epcisBody.eventList.map((e: any) => [e.eventID, e.errorDeclaration?.reason ?? null]),
  );
});
