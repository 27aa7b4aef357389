import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BATCH_READS_MAX,
  CONDITIONAL_SEARCHES_MAX,
  planBundle,
  transactionResponse,
  type BatchPlan,
  type TransactionPlan,
} from './bundle.ts';
import { syntheaBundles, type Json } from './fhir-testdata.ts';
import { FhirError } from './operation-outcome.ts';
import { createFhirValidator } from './validate.ts';

const validator = createFhirValidator(); // compiled once for this file

function counter(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

/** Every `reference` string in a value, at any depth. */
function referencesIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else referencesIn(v, out);
    }
  }
  return out;
}

test('the Synthea transactions plan in load order, every urn:uuid rewritten to an entry of the plan', () => {
  const bundles = syntheaBundles();
  assert.deepEqual(
    bundles.slice(0, 2).map((b) => b.file.slice(0, 12)),
    ['hospitalInfo', 'practitioner'],
  );
  const summary: Array<[string, number, number]> = [];
  for (const { file, json } of bundles) {
    const before = JSON.stringify(json);
    const plan = planBundle(json, {
      newId: counter('n'),
      validateResource: (r) => validator.validateResource(r),
    });
    assert.equal(plan.type, 'transaction');
    const { operations } = plan;
    assert.equal(operations.length, json.entry.length, file);
    assert.ok(
      operations.every((op, i) => op.kind === 'create' && op.entryIndex === i && op.id === `n${i + 1}`),
    );
    assert.ok(
      operations.every((op) => op.resource?.id === op.id && op.resource.resourceType === op.resourceType),
    );
    const planned = new Set(operations.map((op) => `${op.resourceType}/${op.id}`));
    const refs = operations.flatMap((op) => referencesIn(op.resource));
    assert.deepEqual(
      refs.filter((r) => r.startsWith('urn:')),
      [],
      `${file}: urn left`,
    );
    const rewritten = refs.filter((r) => !r.startsWith('#'));
    assert.ok(
      rewritten.every((r) => planned.has(r)),
      `${file}: reference outside the plan`,
    );
    assert.equal(JSON.stringify(json), before, `${file}: input changed`);
    summary.push([file.split('_')[0] ?? file, operations.length, rewritten.length]);
  }
  // Entries and rewritten references per bundle, as `grep -o '"reference": *"urn:uuid:'` counts them in the files.
  assert.deepEqual(summary, [
    ['hospitalInformation1559319163815.json', 102, 0],
    ['practitionerInformation1559319163815.json', 102, 0],
    ['Buster', 66, 211],
    ['Clemente', 70, 198],
    ['Liz', 73, 231],
    ['Luigi', 61, 177],
    ['Ned', 71, 223],
  ]);
  assert.equal(
    summary.reduce((n, [, , refs]) => n + refs, 0),
    1040,
  );
});

test('a referenced Patient gets its new id everywhere (Synthea)', () => {
  const liz = syntheaBundles().find((b) => b.file.startsWith('Liz'))?.json as Json;
  const patientUrn = liz.entry[0].fullUrl as string;
  const plan = planBundle(liz, { newId: counter('p') }) as TransactionPlan;
  const patient = plan.operations.find((op) => op.resourceType === 'Patient');
  const subjects = plan.operations
    .flatMap((op) => referencesIn(op.resource))
    .filter((r) => r.startsWith('Patient/'));
  assert.ok(subjects.length > 50);
  assert.ok(subjects.every((r) => r === `Patient/${patient?.id}`));
  assert.ok(!JSON.stringify(plan).includes(patientUrn));
});

function planProblems(bundle: unknown): Array<[string, string | undefined, string]> {
  try {
    planBundle(bundle, { newId: counter('x'), validateResource: (r) => validator.validateResource(r) });
  } catch (err) {
    assert.ok(err instanceof FhirError);
    assert.equal(err.statusCode, 400);
    return err.issues.map((i) => [i.code, i.expression?.[0], i.diagnostics]);
  }
  assert.fail('planned');
}

const U1 = 'urn:uuid:11111111-1111-4111-8111-111111111111';
const U2 = 'urn:uuid:22222222-2222-4222-8222-222222222222';
const patient = { resourceType: 'Patient', gender: 'female' };
const post = (fullUrl: string, resource: Json): Json => ({
  fullUrl,
  resource,
  request: { method: 'POST', url: resource.resourceType },
});

test('a bad transaction fails whole, with every problem in entry order and its place', () => {
  const obs = {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'x' },
    subject: { reference: U2 },
  };
  assert.deepEqual(
    planProblems({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        post(U1, patient),
        post(U1, patient),
        post('urn:uuid:33333333-3333-4333-8333-333333333333', obs),
        { resource: patient, request: { method: 'PATCH', url: 'Patient/1' } },
        { resource: { ...patient, id: 'b' }, request: { method: 'PUT', url: 'Patient/a' } },
        { request: { method: 'DELETE', url: 'Patient/a', ifMatch: '"3"' } },
        post('Patient', { ...patient, gender: 'no' }),
        { resource: patient },
        { request: { method: 'DELETE', url: 'Patient/d' } },
        { request: { method: 'DELETE', url: 'Patient/d' } },
      ],
    }),
    [
      ['invalid', 'Bundle.entry[1].fullUrl', 'fullUrl repeats that of Bundle.entry[0] (bdl-7)'],
      [
        'invalid',
        'Bundle.entry[2].resource.subject.reference',
        'urn reference names no entry of this Bundle',
      ],
      ['not-supported', 'Bundle.entry[3].request.method', 'method PATCH is not supported in a Bundle'],
      ['invalid', 'Bundle.entry[4].resource.id', 'resource.id differs from the id in request.url'],
      ['invalid', 'Bundle.entry[5].request.ifMatch', 'ifMatch must be W/"<versionId>" on PUT or DELETE'],
      [
        'invalid',
        'Bundle.entry[6].fullUrl',
        'fullUrl must be an absolute URL, urn:uuid:<uuid>, urn:oid:<oid> or Type/id',
      ],
      ['code-invalid', 'Bundle.entry[6].resource.gender', 'code is not in the required value set'],
      ['required', 'Bundle.entry[7].request', 'entry.request with method and url is required (bdl-3)'],
      ['invalid', 'Bundle.entry[9].request.url', 'same resource as Bundle.entry[8]'],
    ],
  );
});

test('every fullUrl form: absolute, urn:uuid, urn:oid and relative; references follow a POSTed entry to its new id', () => {
  let n = 0;
  const obs = (reference: string): Json => ({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'x' },
    subject: { reference },
  });
  const plan = planBundle(
    {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        post('http://ehr.example/fhir/Patient/p1', patient),
        post('Observation/o1', obs('Patient/p1')),
        post('urn:oid:1.2.3.4', obs('http://ehr.example/fhir/Patient/p1')),
        post(U1, obs('urn:oid:1.2.3.4')),
        {
          fullUrl: 'http://ehr.example/fhir/Patient/907',
          resource: { ...patient, id: '907' },
          request: { method: 'PUT', url: 'Patient/907' },
        },
        post(U2, obs('http://ehr.example/fhir/Patient/907')),
        post('urn:uuid:33333333-3333-4333-8333-333333333333', obs('Patient/elsewhere')),
      ],
    },
    { newId: () => `new${++n}` },
  );
  assert.equal(plan.type, 'transaction');
  const subjectOf = (entryIndex: number): unknown =>
    (plan.operations.find((o) => o.entryIndex === entryIndex)?.resource?.subject as Json).reference;
  assert.equal(subjectOf(1), 'Patient/new1');
  assert.equal(subjectOf(2), 'Patient/new1');
  assert.equal(subjectOf(3), `Observation/new3`);
  assert.equal(subjectOf(5), 'Patient/907');
  // A reference to no entry refers to a resource already on the server, and stays as it is.
  assert.equal(subjectOf(6), 'Patient/elsewhere');
});

test('the Bundle itself must be a transaction or batch Bundle', () => {
  assert.deepEqual(planProblems({ resourceType: 'Bundle', type: 'collection', entry: {} }), [
    ['invalid', 'Bundle.type', 'Bundle.type must be transaction or batch'],
    ['structure', 'Bundle.entry', 'entry must be an array'],
  ]);
  assert.deepEqual(planProblems({ resourceType: 'Patient', type: 'batch' }), [
    ['invalid', 'Bundle.resourceType', 'resourceType must be Bundle'],
  ]);
  assert.deepEqual(planProblems([]), [['structure', undefined, 'a Bundle must be a JSON object']]);
});

test('operations come DELETE, POST, PUT, with If-Match versions (http.html#trules)', () => {
  const plan = planBundle(
    {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: { ...patient, id: 'u1' },
          request: { method: 'PUT', url: 'Patient/u1', ifMatch: 'W/"4"' },
        },
        post(U1, patient),
        { request: { method: 'DELETE', url: 'Observation/d1' } },
        post(U2, { resourceType: 'Observation', status: 'final', code: {}, subject: { reference: U1 } }),
      ],
    },
    { newId: counter('id') },
  ) as TransactionPlan;
  assert.deepEqual(
    plan.operations.map((op) => [op.kind, op.entryIndex, `${op.resourceType}/${op.id}`, op.ifMatch]),
    [
      ['delete', 2, 'Observation/d1', undefined],
      ['create', 1, 'Patient/id1', undefined],
      ['create', 3, 'Observation/id2', undefined],
      ['update', 0, 'Patient/u1', '4'],
    ],
  );
  assert.deepEqual(plan.operations[2]?.resource?.subject, { reference: 'Patient/id1' });
});

test('a batch plans each entry alone; urn references do not resolve across entries (http.html#brules)', () => {
  const plan = planBundle(
    {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        post(U1, patient),
        post(U2, { resourceType: 'Observation', status: 'final', code: {}, subject: { reference: U1 } }),
        { request: { method: 'PATCH', url: 'Patient/1' } },
      ],
    },
    { newId: counter('b') },
  ) as BatchPlan;
  assert.deepEqual(
    plan.entries.map((e) => [e.entryIndex, e.operation?.id, e.issues.map((i) => i.expression?.[0])]),
    [
      [0, 'b1', []],
      [1, undefined, ['Bundle.entry[1].resource.subject.reference']],
      [2, undefined, ['Bundle.entry[2].request.method']],
    ],
  );
});

test('the response Bundle: request order, status lines, location and etag; it validates', () => {
  const response = transactionResponse('batch', [
    { status: 201, resourceType: 'Patient', id: 'p1', versionId: '1', lastModified: '2024-05-01T10:00:00Z' },
    { status: 200, resourceType: 'Patient', id: 'p2', versionId: '7' },
    { status: 204, resourceType: 'Observation', id: 'o1' },
    { error: FhirError.versionMismatch() },
    { error: FhirError.forbidden('no consent') },
  ]);
  assert.equal(response.type, 'batch-response');
  assert.deepEqual(
    response.entry?.map((e) => [
      e.response?.status,
      e.response?.location,
      e.response?.etag,
      (e.response?.outcome as any)?.issue[0]?.code,
    ]),
    [
      ['201 Created', 'Patient/p1/_history/1', 'W/"1"', undefined],
      ['200 OK', 'Patient/p2/_history/7', 'W/"7"', undefined],
      ['204 No Content', undefined, undefined, undefined],
      ['412 Precondition Failed', undefined, undefined, 'conflict'],
      ['403 Forbidden', undefined, undefined, 'forbidden'],
    ],
  );
  assert.equal(response.entry?.[0]?.response?.lastModified, '2024-05-01T10:00:00Z');
  assert.deepEqual(validator.validateResource(response).issues, []);
  assert.equal(transactionResponse('transaction', []).type, 'transaction-response');
});

test('entry resources must fit their request, and hostile nesting is refused', () => {
  let deep: Json = { url: 'http://x', valueReference: { reference: U1 } };
  for (let i = 0; i < 100; i++) deep = { url: 'http://x', extension: [deep] };
  assert.deepEqual(
    planProblems({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'PUT', url: 'Patient/a' } },
        { resource: patient, request: { method: 'POST', url: 'Observation' } },
        { resource: patient, request: { method: 'POST', url: 'Patient/1' } },
        { resource: { ...patient, extension: [deep] }, request: { method: 'POST', url: 'Patient' } },
      ],
    }).map(([code, at]) => [code, at]),
    [
      ['required', 'Bundle.entry[0].resource'],
      ['invalid', 'Bundle.entry[1].resource.resourceType'],
      ['invalid', 'Bundle.entry[2].request.url'],
      ['too-long', 'Bundle.entry[3].resource'],
    ],
  );
});

/** A directory of Organizations and Practitioners by `system|value`, counting the searches it runs. */
function directory(stored: Record<string, string[]>) {
  const searches: string[] = [];
  const findExisting = (type: string, search: string): readonly string[] | undefined => {
    searches.push(`${type}?${search}`);
    if (type !== 'Organization' && type !== 'Practitioner') return undefined;
    if (search === 'bad=1') throw FhirError.invalid('bad: no such search parameter');
    return stored[`${type}?${search}`] ?? [];
  };
  return { searches, findExisting };
}

const NPI = 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|60';
const ORG = 'Organization?identifier=https://github.com/synthetichealth/synthea|h1';

test('conditional references resolve to the one match, each distinct search run once (http.html#trules)', () => {
  const dir = directory({ [NPI]: ['p-7'], [ORG]: ['o-3'] });
  const encounter = (n: number) => ({
    resourceType: 'Encounter',
    status: 'finished',
    class: { code: 'AMB' },
    serviceProvider: { reference: ORG },
    participant: [{ individual: { reference: NPI } }],
    // An absolute URL's query is its own, not a conditional reference.
    basedOn: [{ reference: `https://other.example/fhir/ServiceRequest/${n}?_format=json` }],
  });
  const plan = planBundle(
    {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [1, 2, 3].map((n) => post(`urn:uuid:0000000${n}-0000-4000-8000-000000000000`, encounter(n))),
    },
    { newId: counter('e'), findExisting: dir.findExisting },
  ) as TransactionPlan;
  for (const [i, op] of plan.operations.entries()) {
    assert.deepEqual(referencesIn(op.resource), [
      'Organization/o-3',
      'Practitioner/p-7',
      `https://other.example/fhir/ServiceRequest/${i + 1}?_format=json`,
    ]);
  }
  assert.deepEqual(dir.searches.sort(), [ORG, NPI].sort());
});

test('ifNoneExist: one match stands for the entry, none creates, several are 412 (http.html#ccreate)', () => {
  const dir = directory({ [ORG]: ['o-3'], 'Organization?name=twin': ['o-1', 'o-2'] });
  const org = { resourceType: 'Organization', name: 'Hospital' };
  const conditional = (fullUrl: string, search: string): Json => ({
    ...post(fullUrl, org),
    request: { method: 'POST', url: 'Organization', ifNoneExist: search },
  });
  const location = {
    resourceType: 'Location',
    managingOrganization: { reference: U1 },
  };
  const plan = planBundle(
    {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        conditional(U1, ORG.split('?')[1]!),
        conditional(U2, 'identifier=https://github.com/synthetichealth/synthea|new'),
        post('urn:uuid:33333333-3333-4333-8333-333333333333', location),
      ],
    },
    { newId: counter('n'), findExisting: dir.findExisting },
  ) as TransactionPlan;
  assert.deepEqual(
    plan.operations.map((op) => [op.entryIndex, op.kind, op.id]),
    [
      [0, 'exists', 'o-3'],
      [1, 'create', 'n1'],
      [2, 'create', 'n2'],
    ],
  );
  // A reference to the matched entry's urn names the stored resource.
  assert.deepEqual(referencesIn(plan.operations[2]!.resource), ['Organization/o-3']);

  assert.throws(
    () =>
      planBundle(
        { resourceType: 'Bundle', type: 'transaction', entry: [conditional(U1, 'name=twin')] },
        { newId: counter('n'), findExisting: dir.findExisting },
      ),
    (err: unknown) =>
      err instanceof FhirError &&
      err.statusCode === 412 &&
      err.issues[0]?.code === 'multiple-matches' &&
      err.issues[0]?.expression?.[0] === 'Bundle.entry[0].request.ifNoneExist',
  );
});

test('conditional forms that are not supported are refused at their place, in a batch entry by entry', () => {
  const dir = directory({});
  const obs = (reference: string): Json => ({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'x' },
    subject: { reference },
    performer: [{ reference: 'Practitioner?bad=1' }],
  });
  const plan = planBundle(
    {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        post(U1, obs('Patient?identifier=urn:mrn|1')),
        { resource: { ...patient, id: 'a' }, request: { method: 'PUT', url: 'Patient?identifier=x|1' } },
        { resource: patient, request: { method: 'PUT', url: 'Patient/a', ifNoneExist: 'identifier=x|1' } },
        { resource: patient, request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=x|1' } },
        post(U2, { resourceType: 'Organization', name: 'Ok' }),
      ],
    },
    { newId: counter('b'), findExisting: dir.findExisting },
  ) as BatchPlan;
  assert.deepEqual(
    plan.entries.map((e) => e.issues.map((i) => [i.code, i.expression?.[0], i.diagnostics])),
    [
      [
        [
          'not-supported',
          'Bundle.entry[0].resource.subject.reference',
          'conditional interactions are not supported for Patient',
        ],
        ['invalid', 'Bundle.entry[0].resource.performer[0].reference', 'bad: no such search parameter'],
      ],
      [
        [
          'not-supported',
          'Bundle.entry[1].request',
          'conditional update, delete and ifNoneMatch are not supported',
        ],
      ],
      [['invalid', 'Bundle.entry[2].request.ifNoneExist', 'ifNoneExist is a search string, on POST only']],
      [
        [
          'not-supported',
          'Bundle.entry[3].request.ifNoneExist',
          'conditional interactions are not supported for Patient',
        ],
      ],
      [],
    ],
  );
  assert.equal(plan.entries[4]!.operation?.kind, 'create');
  // Without a directory to search, every conditional form is refused.
  assert.throws(
    () =>
      planBundle(
        { resourceType: 'Bundle', type: 'transaction', entry: [post(U1, obs(NPI))] },
        { newId: counter('c') },
      ),
    (err: unknown) => err instanceof FhirError && err.issues.some((i) => i.code === 'not-supported'),
  );
});

test('a batch may read: GETs relative to the base, at most BATCH_READS_MAX; a transaction may not', () => {
  const get = (url: string): Json => ({ request: { method: 'GET', url } });
  const plan = planBundle(
    {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        get('Observation/o1'),
        get('Observation?code=http://loinc.org|8867-4&_count=5'),
        get('Patient/p1/_history/2'),
        get('Observation/o1'),
        get('https://elsewhere.example/fhir/Observation/1'),
        get('NotAType/1'),
        get('Observation/o1 or 1=1'),
        ...Array.from({ length: BATCH_READS_MAX - 3 }, (_, k) => get(`Observation/r${k}`)),
      ],
    },
    { newId: counter('g') },
  ) as BatchPlan;
  assert.deepEqual(
    plan.entries.slice(0, 4).map((e) => [e.operation?.kind, e.operation?.resourceType, e.operation?.url]),
    [
      ['read', 'Observation', 'Observation/o1'],
      ['read', 'Observation', 'Observation?code=http://loinc.org|8867-4&_count=5'],
      ['read', 'Patient', 'Patient/p1/_history/2'],
      ['read', 'Observation', 'Observation/o1'],
    ],
  );
  for (const refusedEntry of plan.entries.slice(4, 7)) {
    assert.equal(refusedEntry.operation, undefined);
    assert.match(refusedEntry.issues[0]!.diagnostics, /relative to the base/);
  }
  // Four valid reads above, so the last of the BATCH_READS_MAX - 3 below is one too many.
  const last = plan.entries.at(-1)!;
  assert.equal(last.operation, undefined);
  assert.equal(last.issues[0]!.code, 'too-costly');
  assert.equal(plan.entries.at(-2)!.operation?.kind, 'read');
});

test('a Bundle runs at most CONDITIONAL_SEARCHES_MAX distinct conditional searches', () => {
  const dir = directory({});
  const org = (n: number): Json => ({
    resource: { resourceType: 'Organization', name: `Org ${n}` },
    request: { method: 'POST', url: 'Organization', ifNoneExist: `identifier=urn:x|${n}` },
  });
  const plan = planBundle(
    {
      resourceType: 'Bundle',
      type: 'batch',
      entry: Array.from({ length: CONDITIONAL_SEARCHES_MAX + 1 }, (_, n) => org(n)),
    },
    { newId: counter('s'), findExisting: dir.findExisting },
  ) as BatchPlan;
  assert.equal(dir.searches.length, CONDITIONAL_SEARCHES_MAX);
  assert.ok(plan.entries.slice(0, -1).every((e) => e.operation?.kind === 'create'));
  assert.equal(plan.entries.at(-1)!.issues[0]!.code, 'too-costly');
});
