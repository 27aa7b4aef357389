// FHIR Bulk Data (issue 13) on real node processes: the hospital's physician exports a Synthea patient
// with Patient/[id]/$export (202, status polling, a manifest of NDJSON files), each release logged in the
// patient's access log on chain; the clinic's nurse imports those files at the CLINIC's node with $import
// (202, status polling), its records registered on chain by the clinic; and the clinic then serves the same
// resources, but for ids, meta and the ids their references name. Under the treatment-relationship base
// policy, as the demo network runs: the clinic keeps its own records about the hospital's patient.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIRECTORY_RESOURCE_TYPES } from '../../src/services/fhir/search-params.ts';
import { http, waitFor, type HttpAnswer } from '../harness/http.ts';
import type { Staff } from '../harness/network.ts';
import {
  accessLogOf,
  CLINIC,
  fhirCall,
  HOSPITAL,
  recordsNetworkForTests,
  registrationOf,
} from '../harness/records-network.ts';

let physician: Staff; // hospital
let nurse: Staff; // clinic

const records = recordsNetworkForTests(
  'carechain-bulk-',
  [HOSPITAL, CLINIC],
  { hospital: ['physician'], clinic: ['nurse'] },
  { basePolicy: 'treatment-relationship' },
  ({ staff }) => {
    [physician, nurse] = staff as [Staff, Staff];
  },
);

const urlOf = (who: Staff) => records.network.url(who.orgId);
const bearer = (who: Staff) => ({ authorization: `Bearer ${who.token}` });

/** Polls a Bulk Data status URL until it stops answering 202; every 202 carries X-Progress. */
async function finished(statusUrl: string, who: Staff): Promise<HttpAnswer> {
  let last: HttpAnswer | undefined;
  const done = await waitFor(async () => {
    last = await http(statusUrl, { headers: bearer(who) });
    if (last.status === 202) assert.ok(last.headers.get('x-progress'), 'a running job tells its progress');
    return last.status !== 202;
  }, 120_000);
  assert.ok(done, `the job at ${statusUrl} did not finish`);
  return last!;
}

/** Kicks off a patient export as `who` and answers the finished manifest. */
async function exportPatient(who: Staff, query = ''): Promise<any> {
  const kickoff = await http(`${urlOf(who)}/fhir/R4/Patient/${records.patientId}/$export${query}`, {
    headers: { ...bearer(who), accept: 'application/fhir+json', prefer: 'respond-async' },
  });
  assert.equal(kickoff.status, 202, JSON.stringify(kickoff.body));
  const manifest = await finished(kickoff.headers.get('content-location')!, who);
  assert.equal(manifest.status, 200, JSON.stringify(manifest.body));
  return manifest.body;
}

/** The NDJSON text of a manifest's file, fetched with the token that started the export. */
async function fileText(url: string, who: Staff): Promise<string> {
  const response = await fetch(url, { headers: bearer(who) });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/fhir\+ndjson/);
  return response.text();
}

const lines = (ndjson: string): any[] =>
  ndjson
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

/** A resource as two servers may differ on it: no id or meta, and references by type only. */
function modIds(value: any): any {
  if (Array.isArray(value)) return value.map(modIds);
  if (typeof value !== 'object' || value === null) return value;
  const out: any = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'id' || key === 'meta') continue;
    out[key] = key === 'reference' && typeof v === 'string' ? v.split('/')[0] : modIds(v);
  }
  return out;
}
const sortedJson = (resources: any[]) => resources.map((r) => JSON.stringify(modIds(r))).sort();

test('$export then $import round-trips a patient from the hospital to the clinic, both on chain', async () => {
  const logBefore = (await accessLogOf(records)).length;
  const manifest = await exportPatient(physician);
  assert.equal(manifest.requiresAccessToken, true);
  assert.deepEqual(manifest.error, []);
  const exported = new Map<string, any[]>();
  let ndjson = '';
  for (const file of manifest.output) {
    const text = await fileText(file.url, physician);
    assert.equal(lines(text).length, file.count);
    exported.set(file.type, [...(exported.get(file.type) ?? []), ...lines(text)]);
    ndjson += text;
  }
  // Every record the hospital's import created about the patient is in the export, and nothing else.
  const held = records.locations.filter((l) => !DIRECTORY_RESOURCE_TYPES.has(l.split('/')[0]!));
  const names = [...exported.values()].flat().map((r) => `${r.resourceType}/${r.id}`);
  assert.deepEqual(names.sort(), [...held].sort());
  assert.ok((exported.get('Observation') ?? []).length > 0);
  // The export's releases are access events on chain, in the patient's own log.
  assert.ok(
    await waitFor(async () => (await accessLogOf(records)).length > logBefore, 30_000),
    'the export is in the access log',
  );
  // Another caller (here the patient, at the same node) cannot poll or fetch someone else's export.
  const status = manifest.output[0].url.replace(/\$export-file\/([0-9a-f]+)\/.*/, '$export-status/$1');
  const asPatient = { headers: { authorization: `Bearer ${records.patientToken}` } };
  assert.equal((await http(status, asPatient)).status, 404);
  assert.equal((await http(status, { headers: bearer(physician) })).status, 200);
  assert.equal((await fetch(manifest.output[0].url, asPatient)).status, 404);

  // _type and _since narrow the export: nothing of the patient changed after the year 3000. _type
  // sent twice counts both lists; a second _since is refused with an OperationOutcome (the fuzz run
  // once found a 500 there, from a repeated key handed on as an array).
  const observations = await exportPatient(physician, '?_type=Observation&_type=Observation');
  assert.deepEqual(
    observations.output.map((f: any) => f.type),
    observations.output.map(() => 'Observation'),
  );
  const none = await exportPatient(physician, '?_since=3000-01-01T00:00:00Z');
  assert.deepEqual(none.output, []);
  const twice = await http(
    `${urlOf(physician)}/fhir/R4/Patient/${records.patientId}/$export?_since=xx&_since=yy&_type=Observation&_type=Patient`,
    { headers: { ...bearer(physician), accept: 'application/fhir+json', prefer: 'respond-async' } },
  );
  assert.equal(twice.status, 400, JSON.stringify(twice.body));
  assert.equal(twice.body.resourceType, 'OperationOutcome');

  // The clinic imports the files at its own node.
  const kickoff = await http(`${urlOf(nurse)}/fhir/R4/$import`, {
    method: 'POST',
    headers: { ...bearer(nurse), 'content-type': 'application/fhir+ndjson', prefer: 'respond-async' },
    body: ndjson,
  });
  assert.equal(kickoff.status, 202, JSON.stringify(kickoff.body));
  const imported = await finished(kickoff.headers.get('content-location')!, nurse);
  assert.equal(imported.status, 200, JSON.stringify(imported.body));
  const locations: string[] = imported.body.locations;
  assert.equal(locations.length, names.length);
  const clinicPatient = locations.find((l) => l.startsWith('Patient/'))!.split('/')[1]!;

  // The clinic's node registered each record on chain as the clinic's own.
  const anObservation = locations.find((l) => l.startsWith('Observation/'))!.split('/')[1]!;
  const registration = await registrationOf(urlOf(nurse), anObservation);
  assert.equal(
    registration.payload.registrations?.[0]?.custodianOrgId ?? registration.payload.custodianOrgId,
    nurse.orgId,
  );

  // The clinic serves the same resources, but for ids and meta.
  const clinic = fhirCall(urlOf(nurse), nurse.token);
  for (const [type, resources] of exported) {
    const found =
      type === 'Patient'
        ? [(await clinic.get(`/fhir/R4/Patient/${clinicPatient}`)).body]
        : (await clinic.get(`/fhir/R4/${type}?patient=${clinicPatient}&_count=100`)).body.entry.map(
            (e: any) => e.resource,
          );
    assert.deepEqual(sortedJson(found), sortedJson(resources), type);
  }
});

test('a refused import answers its OperationOutcome at the status URL; malformed NDJSON is a 400 at once', async () => {
  const broken = [
    JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'x' } }),
    JSON.stringify({ resourceType: 'Observation', status: 'not-a-status', code: { text: 'y' } }),
  ].join('\n');
  const kickoff = await http(`${urlOf(nurse)}/fhir/R4/$import`, {
    method: 'POST',
    headers: { ...bearer(nurse), 'content-type': 'application/fhir+ndjson' },
    body: broken,
  });
  assert.equal(kickoff.status, 202, JSON.stringify(kickoff.body));
  const failed = await finished(kickoff.headers.get('content-location')!, nurse);
  assert.ok(failed.status >= 400 && failed.status < 500, `status ${failed.status}`);
  assert.equal(failed.body.resourceType, 'OperationOutcome');
  const malformed = await http(`${urlOf(nurse)}/fhir/R4/$import`, {
    method: 'POST',
    headers: { ...bearer(nurse), 'content-type': 'application/fhir+ndjson' },
    body: '{not json\n',
  });
  assert.equal(malformed.status, 400);
});
