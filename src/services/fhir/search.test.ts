import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBundle, type TransactionPlan } from './bundle.ts';
import { hl7Example, hl7Examples, pasResources, syntheaBundles, type Json } from './fhir-testdata.ts';
import { FhirError } from './operation-outcome.ts';
import { matches } from './search-match.ts';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, parseSearch, type QueryInput } from './search.ts';

const examples = hl7Examples();

/** Files of the HL7 examples of `type` that match the query. */
function exampleHits(type: string, query: QueryInput): string[] {
  const parsed = parseSearch(type, query);
  return examples.filter((e) => matches(e.json, parsed)).map((e) => e.file);
}

/** Liz Conn's Synthea bundle, planned so that references are `Patient/<id>` as they will be stored. */
function lizResources(): Json[] {
  const bundle = syntheaBundles().find((b) => b.file.startsWith('Liz_Conn'));
  let n = 0;
  const plan = planBundle(bundle?.json, { newId: () => `liz-${++n}` }) as TransactionPlan;
  return plan.operations.map((op) => op.resource as Json);
}
const liz = lizResources();
const lizPatientId = liz.find((r) => r.resourceType === 'Patient')?.id as string;

function lizHits(type: string, query: string): string[] {
  const parsed = parseSearch(type, query);
  return liz
    .filter((r) => matches(r, parsed))
    .map((r) => String(r.effectiveDateTime ?? r.period?.start ?? r.id));
}

test('Observation code tokens on the HL7 examples (search.html#token)', () => {
  const weight = ['observation-example.json'];
  assert.deepEqual(exampleHits('Observation', 'code=http://loinc.org|29463-7'), weight);
  assert.deepEqual(exampleHits('Observation', 'code=29463-7'), weight);
  assert.deepEqual(exampleHits('Observation', 'code=http://loinc.org|'), weight);
  assert.deepEqual(exampleHits('Observation', 'code=http://snomed.info/sct|27113001'), weight);
  assert.deepEqual(exampleHits('Observation', 'code=|29463-7'), []); // the coding has a system
  assert.deepEqual(exampleHits('Observation', 'code=http://snomed.info/sct|29463-7'), []);
  assert.deepEqual(exampleHits('Observation', 'code=nope,body-weight'), weight); // comma: OR
  assert.deepEqual(exampleHits('Observation', 'code:not=29463-7'), ['observation-decimal.json']);
  assert.deepEqual(exampleHits('Observation', 'code:missing=true'), []); // observation-decimal has code.text
  assert.deepEqual(exampleHits('Observation', 'status=final'), [
    'observation-decimal.json',
    'observation-example.json',
  ]);
});

test('identifier, _id, status and references on the HL7 examples', () => {
  assert.deepEqual(exampleHits('Patient', 'identifier=urn:oid:1.2.36.146.595.217.0.1|12345'), [
    'patient-example.json',
  ]);
  assert.deepEqual(exampleHits('Location', 'identifier=|B1-S.F2'), ['location-example.json']); // no system
  assert.deepEqual(exampleHits('Location', 'identifier=http://x|B1-S.F2'), []);
  assert.deepEqual(exampleHits('Observation', '_id=example'), ['observation-example.json']);
  assert.deepEqual(exampleHits('Consent', 'status=active&patient=f001'), ['consent-example.json']);
  const onExample = ['condition-example.json', 'encounter-example.json', 'observation-example.json'];
  for (const type of ['Condition', 'Encounter', 'Observation']) {
    const file = `${type.toLowerCase()}-example.json`;
    assert.ok(onExample.includes(file));
    for (const q of [
      'subject=Patient/example',
      'patient=example',
      'subject=example',
      'subject:Patient=example',
    ]) {
      assert.deepEqual(exampleHits(type, q), [file], `${type}?${q}`);
    }
    assert.deepEqual(exampleHits(type, 'subject:Group=example'), []);
  }
  assert.deepEqual(exampleHits('AllergyIntolerance', 'patient=Patient/example'), [
    'allergyintolerance-example.json',
  ]);
  assert.deepEqual(exampleHits('Immunization', 'patient=example&date=2013-01-10'), [
    'immunization-example.json',
  ]);
});

test('date prefixes on effectiveDateTime 2016-03-28 (search.html#date)', () => {
  const hit = ['observation-example.json'];
  const cases: Array<[string, string[]]> = [
    ['2016', hit],
    ['2016-03', hit],
    ['2016-03-28', hit],
    ['eq2016-03-28T10:00:00Z', []], // the target is the whole day; a second cannot contain it
    ['ne2016', []],
    ['ne2017', hit],
    ['gt2016-03-27', hit],
    ['gt2016-03-28', []],
    ['ge2016-03-28', hit],
    ['lt2016-03-29', hit],
    ['lt2016-03-28', []],
    ['le2016-03-28', hit],
    ['lt2016-03-28T12:00:00Z', hit], // the day's range starts before noon
    ['sa2016-03-27', hit],
    ['sa2016-03-28', []],
    ['eb2016-03-29', hit],
    ['ap2016-03-28', hit],
  ];
  for (const [value, expected] of cases)
    assert.deepEqual(exampleHits('Observation', `date=${value}`), expected, value);
});

test('date prefixes on Encounter periods (Synthea; one encounter spans 2012-09-29 to 09-30)', () => {
  const d = (q: string): string[] => lizHits('Encounter', q).map((s) => s.slice(0, 10));
  assert.equal(d('').length, 7);
  assert.deepEqual(d('date=2012-09-29'), []); // not contained: it ends on the 30th
  assert.deepEqual(d('date=2012-09'), ['2012-09-22', '2012-09-29']);
  assert.deepEqual(d('date=gt2012-09-29'), ['2012-09-29', '2015-08-14', '2018-08-17']);
  assert.deepEqual(d('date=ge2012-09-30'), ['2015-08-14', '2018-08-17']); // spec: above, or contained
  assert.deepEqual(d('date=lt2012-09-30'), [
    '2005-07-29',
    '2006-08-04',
    '2012-08-10',
    '2012-09-22',
    '2012-09-29',
  ]);
  assert.deepEqual(d('date=sa2012-09-22'), ['2012-09-29', '2015-08-14', '2018-08-17']);
  assert.deepEqual(d('date=eb2012-09-30'), ['2005-07-29', '2006-08-04', '2012-08-10', '2012-09-22']);
  assert.deepEqual(d('date=ap2012-09-30'), ['2012-09-29']);
  assert.deepEqual(d('date=ge2012-01-01&date=lt2013-01-01'), ['2012-08-10', '2012-09-22', '2012-09-29']); // AND
  assert.deepEqual(d('date=2005,2006'), ['2005-07-29', '2006-08-04']); // OR
  assert.deepEqual(d(`patient=${lizPatientId}&status=finished&date=2018`), ['2018-08-17']);
  assert.deepEqual(d('patient=someone-else'), []);
  // A CarePlan for 2012-09-29..2012-10-13: a day inside is not "eq", but it is "ap".
  assert.deepEqual(lizHits('CarePlan', 'date=2012-10-01').length, 0);
  assert.deepEqual(lizHits('CarePlan', 'date=ap2012-10-01').length, 1);
  assert.deepEqual(lizHits('CarePlan', 'date=2012').length, 1);
});

test('Observation code and date together on Synthea data', () => {
  const weights = lizHits('Observation', `patient=Patient/${lizPatientId}&code=http://loinc.org|29463-7`);
  assert.deepEqual(weights, [
    '2012-08-10T20:37:06+00:00',
    '2015-08-14T20:37:06+00:00',
    '2018-08-17T20:37:06+00:00',
  ]);
  const since2015 = lizHits(
    'Observation',
    `patient=${lizPatientId}&code=http://loinc.org|29463-7&date=ge2015`,
  );
  assert.deepEqual(since2015, ['2015-08-14T20:37:06+00:00', '2018-08-17T20:37:06+00:00']);
});

test('Patient name, birthdate and gender (search.html#string, #date, #token)', () => {
  const peter = ['patient-example.json'];
  for (const q of [
    'name=chal',
    'name=PETER',
    'name=jim',
    'name=windsor',
    'name:exact=Chalmers',
    'name:contains=ALM',
  ]) {
    assert.deepEqual(exampleHits('Patient', q), peter, q);
  }
  for (const q of ['name=xyz', 'name:exact=chalmers', 'name=halmers'])
    assert.deepEqual(exampleHits('Patient', q), [], q);
  for (const q of ['birthdate=1974', 'birthdate=1974-12-25', 'birthdate=lt1975', 'birthdate=ge1974-12-25']) {
    assert.deepEqual(exampleHits('Patient', q), peter, q);
  }
  assert.deepEqual(exampleHits('Patient', 'birthdate=ge1974-12-26'), []);
  assert.deepEqual(exampleHits('Patient', 'gender=male'), peter);
  assert.deepEqual(exampleHits('Patient', 'gender=http://hl7.org/fhir/administrative-gender|male'), peter);
  assert.deepEqual(exampleHits('Patient', 'gender=female'), []);
  assert.deepEqual(exampleHits('Patient', 'name=peter&gender=male&birthdate=1974'), peter);
  // Accents and case fold for the default match; a maiden name is a name too (Synthea).
  const zoe = { resourceType: 'Patient', name: [{ family: 'Åkesson', given: ['Zoë'] }] };
  assert.ok(matches(zoe, parseSearch('Patient', 'name=zoe')));
  assert.ok(matches(zoe, parseSearch('Patient', 'name=akess')));
  assert.ok(!matches(zoe, parseSearch('Patient', 'name:exact=Zoe')));
  assert.deepEqual(lizHits('Patient', 'name=rowe'), [lizPatientId]);
  assert.deepEqual(lizHits('Patient', 'gender=female&birthdate=1986-11'), [lizPatientId]);
});

test('_lastUpdated, escaping and the three query input forms', () => {
  const r = {
    resourceType: 'Observation',
    id: 'o1',
    meta: { lastUpdated: '2024-05-01T10:00:00.123Z' },
    identifier: [{ system: 'http://x', value: 'a|b,c' }],
  };
  assert.ok(matches(r, parseSearch('Observation', '_lastUpdated=gt2024-04-30')));
  assert.ok(!matches(r, parseSearch('Observation', '_lastUpdated=lt2024-05-01T10:00:00Z')));
  assert.ok(matches(r, parseSearch('Observation', { identifier: 'http://x|a\\|b\\,c' })));
  assert.ok(matches(r, parseSearch('Observation', new URLSearchParams({ _id: 'o1' }))));
  assert.ok(!matches(r, parseSearch('Observation', { _id: ['o1', 'o2'] }))); // repeated: AND
  assert.ok(matches(r, parseSearch('Observation', { _id: 'o2,o1' })));
  assert.ok(!matches({ ...r, resourceType: 'Condition' }, parseSearch('Observation', '_id=o1')));
});

test('_count is bounded, the cursor is opaque, empty values are ignored', () => {
  assert.equal(parseSearch('Patient', '').count, PAGE_SIZE_DEFAULT);
  assert.equal(parseSearch('Patient', '_count=5').count, 5);
  assert.equal(parseSearch('Patient', '_count=100000').count, PAGE_SIZE_MAX);
  assert.equal(parseSearch('Patient', '_cursor=abc_DEF-1').cursor, 'abc_DEF-1');
  assert.deepEqual(parseSearch('Patient', 'name=&gender=').clauses, []);
});

function problems(type: string, query: string): Array<[number, string, string]> {
  try {
    parseSearch(type, query);
  } catch (err) {
    assert.ok(err instanceof FhirError);
    return err.issues.map((i) => [err.statusCode, i.code, i.diagnostics]);
  }
  assert.fail(`no error for ${type}?${query}`);
}

test('broken searches give one precise 400 issue per problem', () => {
  assert.deepEqual(problems('Observation', 'date=xx2016&foo=1&_sort=code&code=a|b|c&subject=patient/1'), [
    [400, 'invalid', "date: unknown prefix 'xx' (use one of eq, ne, lt, gt, le, ge, sa, eb, ap)"],
    [400, 'not-supported', "unknown search parameter 'foo' for Observation"],
    [400, 'invalid', '_sort: sorts by one date parameter of the type, such as date or -date'],
    [400, 'invalid', 'code: a token is [system|]code or system|'],
    [400, 'invalid', 'subject: reference names no R4 resource type'],
  ]);
  assert.deepEqual(problems('Patient', 'birthdate=1974-02-30&gender:text=m&name:below=x&code=1'), [
    [400, 'invalid', 'birthdate: not a date: use YYYY, YYYY-MM, YYYY-MM-DD or a dateTime'],
    [400, 'invalid', "gender: unsupported modifier ':text'"],
    [400, 'invalid', "name: unsupported modifier ':below'"],
    [400, 'not-supported', "unknown search parameter 'code' for Patient"],
  ]);
  assert.deepEqual(
    problems('Observation', 'patient=Group/1&_count=0&_count=3&_cursor=a%20b&status:missing=maybe'),
    [
      [400, 'invalid', 'patient: only Patient references apply'],
      [400, 'invalid', '_count: must be a whole number from 1 to 100'],
      [400, 'invalid', '_count: may appear only once'],
      [400, 'invalid', '_cursor: malformed paging cursor'],
      [400, 'invalid', 'status: :missing takes true or false'],
    ],
  );
  // A type not served (not in the Patient compartment, not a directory type) has the common parameters only.
  assert.deepEqual(problems('Substance', 'patient=1'), [
    [400, 'not-supported', "unknown search parameter 'patient' for Substance"],
  ]);
});

test('the HL7 Patient example is unchanged by matching (fhirpath does not annotate it)', () => {
  const patient = hl7Example('patient-example.json');
  const before = JSON.stringify(patient);
  matches(patient, parseSearch('Patient', 'name=peter&birthdate=1974&gender=male&identifier=12345'));
  assert.equal(JSON.stringify(patient), before);
});

test('_summary=count, _elements and _sort on a date parameter parse; anything else is a precise 400', () => {
  const query = parseSearch('Observation', '_summary=count&_elements=status,code&_sort=-date');
  assert.equal(query.summaryCount, true);
  assert.deepEqual(query.elements, ['status', 'code']);
  assert.equal(query.sort?.param.name, 'date');
  assert.equal(query.sort?.descending, true);
  for (const bad of ['_summary=true', '_elements=a.b', '_sort=code', '_sort=date&_sort=-date']) {
    assert.throws(() => parseSearch('Observation', bad), FhirError, bad);
  }
});

test('Claim, ClaimResponse and Coverage search by their R4 parameters on the Da Vinci PAS examples', () => {
  const request = pasResources('conformant_pas_bundle_v110.json');
  const answers = [
    ...pasResources('valid_pa_response_bundle.json'),
    ...pasResources('valid_pa_response_bundle_denial.json'),
  ];
  const hits = (resources: Json[], type: string, query: string) => {
    const parsed = parseSearch(type, query);
    return resources.filter((r) => r.resourceType === type && matches(r, parsed)).length;
  };
  assert.equal(hits(request, 'Claim', 'use=preauthorization'), 1);
  assert.equal(hits(request, 'Claim', 'use=claim'), 0);
  assert.equal(hits(request, 'Claim', 'insurer=Organization/InsurerExample'), 1);
  assert.equal(hits(request, 'Claim', 'insurer=Organization/UMOExample'), 0);
  assert.equal(hits(request, 'Claim', 'provider=Organization/UMOExample&priority=normal'), 1);
  assert.equal(hits(request, 'Claim', 'care-team=Practitioner/ReferralPractitionerExample'), 1);
  assert.equal(hits(request, 'Claim', 'created=2005-05-02'), 1);
  assert.equal(hits(request, 'Claim', 'created=gt2005-05-03'), 0);
  assert.equal(
    hits(request, 'Coverage', 'payor=Organization/InsurerExample&beneficiary=SubscriberExample'),
    1,
  );
  assert.equal(hits(request, 'Coverage', 'patient=SubscriberExample&status=active'), 1);
  assert.equal(hits(request, 'Coverage', 'payor=Organization/UMOExample'), 0);
  assert.equal(hits(answers, 'ClaimResponse', 'outcome=complete&use=preauthorization'), 2);
  assert.equal(hits(answers, 'ClaimResponse', 'outcome=queued'), 0);
  assert.equal(hits(answers, 'ClaimResponse', 'requestor=Organization/UMOExample&insurer=InsurerExample'), 2);
  assert.throws(() => parseSearch('Claim', 'outcome=complete'), FhirError); // a ClaimResponse parameter
});

test('ExplanationOfBenefit and Claim search by claim, provider and created on Synthea data', () => {
  const claims = liz.filter((r) => r.resourceType === 'Claim');
  const eobs = liz.filter((r) => r.resourceType === 'ExplanationOfBenefit');
  assert.ok(claims.length > 0 && eobs.length > 0);
  const first = eobs[0]!;
  const claimRef = String(first.claim.reference);
  const eobHits = (query: string) =>
    eobs.filter((r) => matches(r, parseSearch('ExplanationOfBenefit', query)));
  assert.deepEqual(eobHits(`claim=${claimRef}`), [first]);
  assert.deepEqual(eobHits('claim=Claim/no-such-claim'), []);
  assert.equal(eobHits(`patient=${lizPatientId}`).length, eobs.length);
  const claimHits = claims.filter((r) => matches(r, parseSearch('Claim', 'use=claim')));
  assert.equal(claimHits.length, claims.filter((r) => r.use === 'claim').length);
});
