// Finding 14 (issue 10): bad input is a 4xx, never a 5xx. Over real HTTP: a custodian node with the
// FHIR, consent and ledger routes (in-process, listening on loopback), and a one-node supply network
// (a real `carechain node` process) for the supply routes. Before the fix, a repeated `resourceType`
// crashed /api/v1/consents/allowed, deeply nested JSON overflowed the stack in signing, and a version
// the chain names but the vault lacks answered 500.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { JSON_DEPTH_MAX } from '../../src/api/bad-input.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import {
  fhirKeys,
  patientPseudonymOfTest as pseudonym,
  startFhirTestNode,
  type FhirTestNode,
} from '../harness/fhir-node.ts';
import { http } from '../harness/http.ts';
import { startNetwork, staffClient, type RunningNetwork, type Staff } from '../harness/network.ts';

let custodian: FhirTestNode;
let maker: RunningNetwork | undefined;
let staff: Staff;

before(async () => {
  custodian = await startFhirTestNode({ chainId: 'carechain-finding-14', listen: true });
  maker = await startNetwork('carechain-finding14-', [{ name: 'acme-pharma', type: 'manufacturer' }]);
  staff = await maker.registerStaff('acme-pharma', 'admin');
});

after(async () => {
  await custodian?.close();
  await maker?.stop('SIGKILL');
});

/** `{"a":{"a":…}}` nested `depth` objects deep around `leaf`. */
function nested(depth: number, leaf = '1'): string {
  return '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);
}

async function send(url: string, method: string, body: string | undefined, headers: Record<string, string>) {
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

const doctor = () => ({ authorization: `Bearer ${custodian.tokens.doctor}` });
const height = () => custodian.node.ledger.tip().height;

test('a repeated resourceType on /api/v1/consents/allowed is a 400, not a crash', async () => {
  const query = `patient=${pseudonym}&resourceType=Observation&resourceType=Condition`;
  const answer = await send(`${custodian.url}/api/v1/consents/allowed?${query}`, 'GET', undefined, doctor());
  assert.equal(answer.status, 400, JSON.stringify(answer.body));
  assert.equal(answer.body.error.code, 'request.repeated_query_key');
  // The same request with the key once still answers.
  const once = `patient=${pseudonym}&resourceType=Observation,Condition`;
  const fine = await send(`${custodian.url}/api/v1/consents/allowed?${once}`, 'GET', undefined, doctor());
  assert.equal(fine.status, 200, JSON.stringify(fine.body));
});

test('repeated paging keys on other domain routes are a 400 too', async () => {
  const answer = await send(
    `${custodian.url}/api/v1/patients/me/consent-requests?_count=1&_count=2`,
    'GET',
    undefined,
    { authorization: `Bearer ${custodian.tokens.patient}` },
  );
  assert.equal(answer.status, 400);
  assert.equal(answer.body.error.code, 'request.repeated_query_key');
});

test('deeply nested JSON is refused at parse time on the ledger API, with no state change', async () => {
  const before = height();
  const mempoolBefore = custodian.node.mempool.size;
  const answer = await send(`${custodian.url}/api/v1/txs`, 'POST', nested(100_000), {
    'content-type': 'application/json',
  });
  assert.equal(answer.status, 400, JSON.stringify(answer.body));
  assert.equal(answer.body.error.code, 'request.too_deep');
  assert.equal(custodian.node.mempool.size, mempoolBefore);
  // Just under the limit parses (and is then refused as a tx, not as JSON).
  const shallow = await send(`${custodian.url}/api/v1/txs`, 'POST', nested(JSON_DEPTH_MAX - 1), {
    'content-type': 'application/json',
  });
  assert.notEqual(shallow.body?.error?.code, 'request.too_deep');
  assert.ok(shallow.status >= 400 && shallow.status < 500, `status ${shallow.status}`);
  assert.ok(height() >= before);
});

test('deeply nested JSON on the supply routes is a 400, not a stack overflow in signing', async () => {
  const body = `{"gtin":"09506000134352","name":${nested(100_000, '"x"')}}`;
  for (const path of ['/api/v1/supply/products', '/api/v1/verify']) {
    const answer = await send(`${staff.apiUrl}${path}`, 'POST', body, {
      authorization: `Bearer ${staff.token}`,
      'content-type': 'application/json',
    });
    assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.error.code, 'request.too_deep');
  }
  const epcis = await send(`${staff.apiUrl}/epcis/capture`, 'POST', nested(100_000), {
    authorization: `Bearer ${staff.token}`,
    'content-type': 'application/ld+json',
  });
  assert.equal(epcis.status, 400, JSON.stringify(epcis.body));
  // The node is still up and answering.
  assert.equal((await staffClient(staff).get('/api/v1/status')).status, 200);
});

/** An Observation whose first extension nests `levels` extensions deep, as text (JSON.stringify of a
 * value this deep would overflow the test's own stack). */
function observationWithExtensions(levels: number): string {
  const open = '{"url":"http://example.org/e","extension":['.repeat(levels);
  const leaf = '{"url":"http://example.org/leaf","valueString":"x"}';
  const extension = open + leaf + ']}'.repeat(levels);
  const subject = { identifier: { system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym } };
  return (
    `{"resourceType":"Observation","status":"final",` +
    `"code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},` +
    `"subject":${JSON.stringify(subject)},"extension":[${extension}]}`
  );
}

test('deep FHIR extension nesting: within the limit a 2xx or 4xx, past it a 400 OperationOutcome', async () => {
  const headers = { ...doctor(), 'content-type': 'application/fhir+json' };
  const within = await send(
    `${custodian.url}/fhir/R4/Observation`,
    'POST',
    observationWithExtensions(20),
    headers,
  );
  assert.ok(within.status < 500, `20 levels: ${within.status} ${JSON.stringify(within.body)}`);
  const deep = await send(
    `${custodian.url}/fhir/R4/Observation`,
    'POST',
    observationWithExtensions(5_000),
    headers,
  );
  assert.equal(deep.status, 400, JSON.stringify(deep.body).slice(0, 300));
  assert.equal(deep.body.resourceType, 'OperationOutcome');
});

test('a version the chain names but the vault lacks is a 404, not a 500', async () => {
  const recordId = randomBytes(32).toString('hex');
  // The custodian's own practitioner may register (records.register), here with no sealed resource
  // behind the commitment: the chain now names a version this vault never held.
  await custodian.submit(fhirKeys.doctor, 'records.register', {
    practitioner: fhirKeys.doctor.publicKey,
    recordId,
    version: 1,
    resourceType: 'Observation',
    patientPseudonym: pseudonym,
    custodianOrgId: 'hospital',
    commitment: randomBytes(32).toString('hex'),
  });
  // The patient reads their own records directly (no consent needed): the chain says there is a version.
  const patient = { authorization: `Bearer ${custodian.tokens.patient}` };
  const base = `${custodian.url}/fhir/R4/Observation/${recordId}`;
  for (const url of [base, `${base}/_history/1`, `${base}/_history`]) {
    const answer = await send(url, 'GET', undefined, patient);
    assert.equal(answer.status, 404, `${url.slice(custodian.url.length)}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.resourceType, 'OperationOutcome');
  }
});

test('a height or log size of Infinity or 1e400 is a 4xx on the ledger and proof routes, not a 500', async () => {
  // Found by the fuzz harness (test/fuzz): the query parser made a number JSON cannot hold, the schema's
  // bounds let the coerced value through, and the error naming it failed to serialise.
  const hash = 'ab'.repeat(32);
  for (const path of [
    '/api/v1/blocks/Infinity',
    '/api/v1/blocks/1e400',
    '/api/v1/checkpoints/Infinity',
    '/api/v1/proofs/consistency?from=Infinity&to=32',
    '/api/v1/proofs/consistency?from=1&to=1e400',
    `/api/v1/proofs/inclusion/${hash}?height=Infinity`,
  ]) {
    const answer = await send(`${custodian.url}${path}`, 'GET', undefined, {});
    assert.ok(answer.status >= 400 && answer.status < 500, `${path}: ${JSON.stringify(answer.body)}`);
    assert.equal(typeof answer.body.error.code, 'string');
  }
});

test('the node still serves after all of it', async () => {
  const status = await http(`${custodian.url}/api/v1/status`);
  assert.equal(status.status, 200);
});
