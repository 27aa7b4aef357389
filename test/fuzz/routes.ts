// A generator for every route the node serves, keyed as the OpenAPI document names it ("GET
// /fhir/R4/{type}/{id}"). The run refuses to start while a served route has no generator here
// (missingGenerators), so a new route cannot be forgotten. Each generator aims valid-looking requests at
// real ids of the world (other patients' records, real txs, real units) and mixes in hostile ones.
import fc from 'fast-check';
import { SIGNED_CHALLENGE_GRANT_TYPE, signChallenge } from '../../src/contract/auth.ts';
import { signTx, type SignedTx } from '../../src/core/tx.ts';

import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import type { KeyPair } from '../../src/node/keys.ts';
import { body, contentType, hex, junkString, junkValue, query, segment } from './hostile.ts';

/** What the generators draw on: real ids and keys of the world, by index (so a seed replays). */
export interface Pools {
  readonly chainId: string;
  readonly tip: number;
  /** Ids of real records (canary Patients and Observations), to aim valid-looking reads at. */
  readonly recordIds: readonly string[];
  /** The same records with their FHIR types. */
  readonly records: readonly { readonly type: string; readonly id: string }[];
  /** Pseudonyms of the registered patients. */
  readonly pseudonyms: readonly string[];
  /** Ids of the canary Patient records, for references to a Patient held at the custodian. */
  readonly patientIds: readonly string[];
  readonly txHashes: readonly string[];
  readonly txs: readonly SignedTx[];
  readonly units: readonly string[];
  readonly gtins: readonly string[];
  readonly glns: readonly string[];
  readonly lots: readonly string[];
  readonly packs: readonly string[];
  /** Keys that may sign anything with any nonce without widening anyone's access to a canary. */
  readonly freeSigners: readonly KeyPair[];
  /** Keys of patients with canaries: they sign only with a nonce already used (a replay). */
  readonly usedNonceSigners: readonly KeyPair[];
}

export interface Shape {
  readonly method: string;
  /** Path with its parameters filled in, percent-encoded. */
  readonly path: string;
  /** Query string without the '?', '' for none. */
  readonly query: string;
  readonly body?: string;
  readonly contentType?: string;
}

export interface RouteSpec {
  /** Whether a 2xx answer may legitimately change chain state (a write, or a read's access event). */
  readonly writes: boolean;
  shape(pools: Pools): fc.Arbitrary<Shape>;
}

type Json = Record<string, unknown>;
type Pairs = fc.Arbitrary<[string, string][]>;

const none: Pairs = fc.constant([]);
const pick = <T>(list: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...list);
const opt = (key: string, value: fc.Arbitrary<string>): Pairs =>
  fc.option(value, { nil: undefined }).map((v) => (v === undefined ? [] : [[key, v]]));
const all = (...parts: Pairs[]): Pairs => fc.tuple(...parts).map((lists) => lists.flat());
const int = fc.oneof(fc.nat(200).map(String), junkString);

function get(path: (p: Pools) => fc.Arbitrary<string>, pairs: (p: Pools) => Pairs = () => none) {
  return (p: Pools): fc.Arbitrary<Shape> =>
    fc.record({ method: fc.constant('GET'), path: path(p), query: query(pairs(p)) });
}

function send(
  method: string,
  path: (p: Pools) => fc.Arbitrary<string>,
  valid: (p: Pools) => fc.Arbitrary<Json>,
  type = 'application/json',
  pairs: (p: Pools) => Pairs = () => none,
) {
  return (p: Pools): fc.Arbitrary<Shape> =>
    fc
      .record({
        method: fc.constant(method),
        path: path(p),
        query: query(pairs(p)),
        body: body(valid(p)),
        contentType: contentType(type),
      })
      .map(({ body: b, contentType: c, ...rest }) => ({
        ...rest,
        ...(b === undefined ? {} : { body: b }),
        ...(c === undefined ? {} : { contentType: c }),
      }));
}

const fixed = (path: string) => () => fc.constant(path);
const paged = (): Pairs => all(opt('_count', int), opt('_offset', int));
const offsetLimit = (): Pairs => all(opt('offset', int), opt('limit', int));
/** A read of one fixed path (no path parameters), with the query `pairs` draws. */
const readOf = (path: string, pairs?: (p: Pools) => Pairs): RouteSpec => ({
  writes: false,
  shape: get(fixed(path), pairs),
});
/** A POST to one fixed path that may commit, with a body `valid` draws (then fuzzed) sent as `type`. */
const writeOf = (path: string, valid: (p: Pools) => fc.Arbitrary<Json>, type?: string): RouteSpec => ({
  writes: true,
  shape: send('POST', fixed(path), valid, type),
});

const heightSeg = (p: Pools) => segment(fc.integer({ min: 0, max: p.tip + 5 }).map(String));
const txHashSeg = (p: Pools) => segment(fc.oneof(pick(p.txHashes), hex(64)));
const recordId = (p: Pools) => fc.oneof({ arbitrary: pick(p.recordIds), weight: 3 }, hex(64));
const recordSeg = (p: Pools) => segment(recordId(p));
const unitSeg = (p: Pools) => segment(pick(p.units).map(encodeURIComponent));
const gtinSeg = (p: Pools) => segment(pick(p.gtins));

/** Beacon v2 sequence and range query parameters, mostly well formed (rs7412 on GRCh38), some hostile. */
const beaconParameters = (): Pairs =>
  all(
    opt('referenceName', fc.constantFrom('19', 'chr19', 'MT', '0', '')),
    opt('start', fc.oneof(fc.constantFrom('44908821', '-1', '1e9'), int)),
    opt('end', fc.constantFrom('44908900', '44908821', '999999999999')),
    opt('referenceBases', fc.constantFrom('C', 'c', 'Z', '')),
    opt('alternateBases', fc.constantFrom('T', 'N', '<DEL>')),
    opt('requestedGranularity', fc.constantFrom('boolean', 'count', 'record', 'x')),
  );
const statedUse = (): fc.Arbitrary<Json> =>
  fc.record({
    purpose: fc.constantFrom(
      { kind: 'health' },
      { kind: 'disease', disease: 'MONDO:0005148' },
      { kind: 'x' },
    ),
    project: fc.constantFrom('p1', ''),
    country: fc.constantFrom('GB', 'gb'),
    forProfit: fc.boolean(),
    commercial: fc.boolean(),
    geneticStudy: fc.boolean(),
    ethicsApproved: fc.boolean(),
    willPublish: fc.boolean(),
    willCollaborate: fc.boolean(),
    willReturnResults: fc.boolean(),
  });
const beaconRequestBody = (): fc.Arbitrary<Json> =>
  fc.record({
    meta: fc.constant({ apiVersion: 'v2.0.0' }),
    query: fc.record({
      requestParameters: fc.constantFrom(
        { referenceName: '19', start: 44908821, referenceBases: 'C', alternateBases: 'T' },
        { referenceName: '19', start: 44908000, end: 44909000 },
        { referenceName: '19', start: -1 },
      ),
      requestedGranularity: fc.constantFrom('boolean', 'count', 'record'),
    }),
    statedUse: statedUse(),
  });
/** A Beacon query endpoint's GET and POST. One that is answered has committed its spend: a write. */
const beaconQueries = (path: string): Record<string, RouteSpec> => ({
  [`GET ${path}`]: { writes: true, shape: get(fixed(path), () => beaconParameters()) },
  [`POST ${path}`]: { writes: true, shape: send('POST', fixed(path), beaconRequestBody) },
});
const genomeUploadBody = (p: Pools): fc.Arbitrary<Json> =>
  fc.record({
    patient: fc.oneof(pick(p.pseudonyms), hex(64)),
    vcf: fc.constantFrom(
      '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n19\t44908822\t.\tC\tT\t.\tPASS\t.\tGT\t0/1\n',
      'not a vcf',
    ),
    dataUse: fc.constantFrom({ permission: { code: 'GRU' }, modifiers: [] }, { permission: { code: 'x' } }),
  });

const FHIR_TYPES = [
  'Observation',
  'Condition',
  'Patient',
  'Consent',
  'MedicationRequest',
  'Encounter',
  'AllergyIntolerance',
  'Procedure',
  'DiagnosticReport',
  'Immunization',
  'Bundle',
  'OperationOutcome',
  'Unknown',
  'observation',
];
/** Mostly the types the world holds records of, so requests get past routing to the policy. */
const fhirType = () =>
  fc.oneof(
    { arbitrary: fc.constant('Observation'), weight: 4 },
    { arbitrary: fc.constant('Patient'), weight: 2 },
    { arbitrary: pick(FHIR_TYPES), weight: 2 },
  );
const typeSeg = () => segment(fhirType());
/** A record's type and id: mostly a real record of the world (another patient's, for most callers). */
const typeAndId = (p: Pools): fc.Arbitrary<[string, string]> =>
  fc.oneof(
    { arbitrary: pick(p.records).map((r): [string, string] => [r.type, r.id]), weight: 3 },
    { arbitrary: fc.tuple(typeSeg(), recordSeg(p)), weight: 2 },
  );
const patientSeg = (p: Pools) => segment(fc.oneof(pick(p.patientIds), hex(64)));
/** Bulk Data job ids are the node's random hex: a guess, or junk. */
const jobSeg = (_p: Pools) => segment(hex(32));
const patientRef = (p: Pools) =>
  fc.oneof(
    pick(p.pseudonyms),
    pick(p.pseudonyms).map((s) => `${PATIENT_PSEUDONYM_SYSTEM}|${s}`),
    pick(p.patientIds).map((s) => `Patient/${s}`),
    pick(p.patientIds),
    junkString,
  );

/** A resource for a patient of the world, with fuzzed free text (never a canary: those are secret). */
function resource(p: Pools): fc.Arbitrary<Json> {
  return fc
    .record({
      type: pick(FHIR_TYPES),
      patient: pick(p.patientIds),
      pseudonym: pick(p.pseudonyms),
      text: fc.string({ maxLength: 30 }),
      code: fc.constantFrom('8867-4', '718-7', '', 'x'),
      extensionDepth: fc.constantFrom(0, 0, 0, 3, 30, 70),
    })
    .map(({ type, patient, pseudonym, text, code, extensionDepth }) => {
      let extension: Json = { url: 'http://example.org/leaf', valueString: text };
      for (let i = 0; i < extensionDepth; i++)
        extension = { url: 'http://example.org/e', extension: [extension] };
      return {
        resourceType: type,
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code }] },
        ...(type === 'Patient'
          ? { identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }] }
          : { subject: { reference: `Patient/${patient}` } }),
        valueString: text,
        ...(extensionDepth === 0 ? {} : { extension: [extension] }),
      };
    });
}

function transactionBundle(p: Pools): fc.Arbitrary<Json> {
  return fc
    .tuple(
      fc.array(resource(p), { maxLength: 4 }),
      fc.constantFrom('transaction', 'batch', 'collection', 'x'),
      fc.constantFrom('POST', 'PUT', 'DELETE', 'GET', 'PATCH'),
    )
    .map(([resources, type, method]) => ({
      resourceType: 'Bundle',
      type,
      entry: resources.map((r, i) => ({
        fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        resource: r,
        request: { method, url: String(r.resourceType) },
      })),
    }));
}

interface TxFields {
  readonly chainId: string;
  readonly type: string;
  readonly payload: unknown;
  readonly nonce: number;
}

/**
 * The tx `key` signs for these fields; when they cannot be signed (a float or an unsafe integer is not
 * canonical JSON), the same fields with the key as signer and a made-up signature.
 */
function signed(key: KeyPair, fields: TxFields): Json {
  try {
    return signTx(key.seed, fields as Parameters<typeof signTx>[1]) as unknown as Json;
  } catch {
    return { ...fields, signer: key.publicKey, signature: '00'.repeat(64) };
  }
}

/** A governance tx of `type` with a junk payload, signed by a key that is no member's admin. */
function governanceTx(p: Pools, type: string): fc.Arbitrary<Json> {
  return fc.tuple(pick(p.freeSigners), junkValue).map(([key, payload]) =>
    signed(key, {
      chainId: p.chainId,
      type,
      payload: { action: payload ?? null, reason: 'fuzz' },
      nonce: 1,
    }),
  );
}

/** A tx: a replay of a set-up tx, a re-signed or tampered one, junk fields, or a fresh one of any type. */
function tx(p: Pools): fc.Arbitrary<Json> {
  const setup = pick(p.txs);
  const replay = setup.map((t): Json => ({ ...t }));
  const resigned = fc
    .tuple(setup, pick(p.freeSigners), fc.oneof(fc.nat(5), fc.constantFrom(-1, 2 ** 53)))
    .map(([t, key, nonce]) => signed(key, { chainId: p.chainId, type: t.type, payload: t.payload, nonce }));
  const staleNonce = fc
    .tuple(setup, pick(p.usedNonceSigners))
    .map(([t, key]) => signed(key, { chainId: p.chainId, type: t.type, payload: t.payload, nonce: 1 }));
  const otherChain = fc
    .tuple(setup, pick(p.freeSigners))
    .map(([t, key]) => signed(key, { chainId: 'another-chain', type: t.type, payload: t.payload, nonce: 1 }));
  const tampered = fc
    .tuple(setup, fc.constantFrom('signature', 'payload', 'signer', 'nonce', 'type'), junkValue)
    .map(([t, field, junk]) => ({
      ...t,
      [field]: field === 'payload' ? { ...(t.payload as Json), x: junk } : junk,
    }));
  const freshType = fc
    .tuple(
      pick(p.freeSigners),
      fc.oneof(
        fc.constantFrom(
          'membership.registerPatient',
          'notary.anchor',
          'records.register',
          'records.access',
          'records.requestErasure',
          'consent.grant',
          'supply.recordVerification',
          'consensus.evidence',
        ),
        junkString,
      ),
      junkValue,
    )
    .map(([key, type, payload]) =>
      signed(key, {
        chainId: p.chainId,
        type,
        payload: typeof payload === 'object' && payload !== null ? payload : { value: payload ?? null },
        nonce: 1,
      }),
    );
  return fc.oneof(replay, resigned, staleNonce, otherChain, tampered, freshType);
}

/** A vital-signs set, anywhere from normal to out of range (the scorer refuses the implausible). */
const news2Body = (): fc.Arbitrary<Json> =>
  fc.record({
    respiratoryRate: fc.integer({ min: -5, max: 120 }),
    spo2: fc.integer({ min: 60, max: 105 }),
    spo2Scale: fc.constantFrom(1, 2),
    onOxygen: fc.boolean(),
    systolicBP: fc.integer({ min: 40, max: 420 }),
    pulse: fc.integer({ min: 20, max: 320 }),
    consciousness: fc.constantFrom('A', 'C', 'V', 'P', 'U'),
    temperatureC: fc.integer({ min: 300, max: 460 }).map((t) => t / 10),
  });

const systemIdHex = () => fc.oneof(fc.constant('001c050400007825'), hex(16));
const compactBatchBody = (): fc.Arbitrary<Json> =>
  fc.record({
    systemId: systemIdHex(),
    periodStartMs: fc.integer({ min: 0, max: 2_000_000_000_000 }).map((t) => t - (t % 1000)),
    periodMs: fc.constantFrom(1000, 60_000, 7, 3_600_000),
    signedBy: fc.constantFrom('device', 'gateway', 'x'),
    signature: hex(128),
    readings: fc.array(
      fc.record({
        id: fc.oneof(fc.constant('pulse-ox-001'), junkString),
        code: fc.constantFrom('150456', '149530'),
        value: fc.constantFrom('98', '36.5', '1e9', ''),
        unit: fc.constantFrom('%', '/min'),
        timeMs: fc.integer({ min: 0, max: 2_000_000_000_000 }),
      }),
      { maxLength: 4 },
    ),
  });

function erasureBody(p: Pools): fc.Arbitrary<Json> {
  return fc
    .tuple(
      pick(p.freeSigners),
      pick(p.pseudonyms),
      fc.oneof(fc.constant<unknown>('all'), fc.array(recordId(p))),
    )
    .map(([key, pseudonym, recordIds]) => ({
      tx: signTx(key.seed, {
        chainId: p.chainId,
        type: 'records.requestErasure',
        payload: { patientPseudonym: pseudonym, recordIds: recordIds as never },
        nonce: 1,
      }),
    }));
}

const epcisEvent = (p: Pools): fc.Arbitrary<Json> =>
  fc
    .record({
      type: fc.constantFrom('ObjectEvent', 'AggregationEvent', 'TransformationEvent', 'Nope'),
      action: fc.constantFrom('OBSERVE', 'ADD', 'DELETE'),
      bizStep: fc.constantFrom(
        'shipping',
        'receiving',
        'commissioning',
        'dispensing',
        'decommissioning',
        'x',
      ),
      disposition: fc.constantFrom('in_transit', 'active', 'in_progress', 'dispensed', 'x'),
      epcList: fc.array(pick(p.units), { maxLength: 3 }),
    })
    .map((e) => ({ eventTime: new Date(0).toISOString(), eventTimeZoneOffset: '+00:00', ...e }));

const epcisDocument = (p: Pools): fc.Arbitrary<Json> =>
  fc.array(epcisEvent(p), { maxLength: 3 }).map((eventList) => ({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date(0).toISOString(),
    epcisBody: { eventList },
  }));

/** More SimpleEventQuery parameters, well formed and not, as any EPCIS events query takes them. */
const simpleEventQuery = (p: Pools): Pairs =>
  all(
    opt('EQ_action', fc.constantFrom('OBSERVE', 'x')),
    opt('MATCH_parentID', pick(p.units)),
    opt('EXISTS_errorDeclaration', fc.constant('')),
    opt('orderBy', fc.constantFrom('eventTime', 'recordTime', 'x')),
    opt('orderDirection', fc.constantFrom('ASC', 'DESC', 'x')),
    opt('eventCountLimit', int),
    opt('maxEventCount', int),
    opt('GE_recordTime', fc.constantFrom('2020-01-01T00:00:00Z', 'x')),
    opt('perPage', int),
    opt('nextPageToken', junkString),
  );

/** GET /epcis/{resource}/{value}/events of the REST binding's top-level resources. */
function topLevelEventRoutes(): Record<string, RouteSpec> {
  const values: Record<string, (p: Pools) => fc.Arbitrary<string>> = {
    'eventTypes/{eventType}': () => fc.constantFrom('ObjectEvent', 'AggregationEvent', 'Nope'),
    'epcs/{epc}': (p) => pick(p.units),
    'bizSteps/{bizStep}': () => fc.constantFrom('shipping', 'receiving', 'x'),
    'bizLocations/{bizLocation}': (p) => pick(p.glns).map((gln) => `urn:epc:id:sgln:${gln}`),
    'readPoints/{readPoint}': (p) => pick(p.glns).map((gln) => `https://id.gs1.org/414/${gln}`),
    'dispositions/{disposition}': () => fc.constantFrom('in_transit', 'active', 'x'),
  };
  return Object.fromEntries(
    Object.entries(values).map(([template, value]) => [
      `GET /epcis/${template}/events`,
      {
        writes: false,
        shape: get(
          (p) =>
            segment(value(p).map(encodeURIComponent)).map(
              (v) => `/epcis/${template.slice(0, template.indexOf('/'))}/${v}/events`,
            ),
          simpleEventQuery,
        ),
      },
    ]),
  );
}

const supplyBody = (p: Pools): fc.Arbitrary<Json> =>
  fc.record({
    gtin: pick(p.gtins),
    lot: pick(p.lots),
    gln: pick(p.glns),
    name: fc.string({ maxLength: 20 }),
  });

/** Claim facts the engine might accept: codes of the demo table or junk, units and cents at the edges. */
const claimFacts: fc.Arbitrary<Json> = fc.record({
  planId: fc.oneof(fc.constant('demo-ppo'), junkString),
  use: fc.constantFrom('claim', 'preauthorization', 'x'),
  type: fc.constantFrom('professional', 'pharmacy'),
  items: fc.array(
    fc.record({
      sequence: fc.integer({ min: 0, max: 3 }),
      code: fc.constantFrom('99213', '36415', '72148', 'ZZZ'),
      modifiers: fc.array(fc.constantFrom('59', 'XE', '2'), { maxLength: 2 }),
      units: fc.integer({ min: 0, max: 10 }),
      chargeCents: fc.oneof(fc.nat(100_000), fc.constant(Number.MAX_SAFE_INTEGER)),
      serviceDate: fc.constantFrom('2026-11-02', '2026-13-40'),
    }),
    { maxLength: 3 },
  ),
  deductibleMetCents: fc.nat(100_000),
  authorisedCodes: fc.array(fc.constantFrom('72148', 'x'), { maxLength: 1 }),
});

/**
 * A Da Vinci PAS request Bundle that is nearly right: a Claim for preauthorization (or not) naming a
 * patient held in the Bundle (or one that is missing), a payer that is a member insurer, another member
 * or nobody, an urgent or standard level of service, and a trace number (or none).
 */
function pasBundle(p: Pools): fc.Arbitrary<Json> {
  return fc
    .record({
      use: fc.constantFrom('preauthorization', 'claim'),
      payer: fc.constantFrom('insurer', 'hospital', 'not-a-member'),
      patientHeld: fc.boolean(),
      pseudonym: fc.option(pick(p.pseudonyms), { nil: undefined }),
      trace: fc.option(fc.stringMatching(/^[A-Z0-9]{1,12}$/), { nil: undefined }),
      urgent: fc.boolean(),
      type: fc.constantFrom('collection', 'transaction'),
    })
    .map((d) => {
      const patient = {
        resourceType: 'Patient',
        id: 'member',
        identifier: [
          d.pseudonym === undefined
            ? { system: 'https://payer.example/MIN', value: '12345678901' }
            : { system: PATIENT_PSEUDONYM_SYSTEM, value: d.pseudonym },
        ],
      };
      const insurer = {
        resourceType: 'Organization',
        id: 'payer',
        identifier: [{ system: 'urn:carechain:organisation', value: d.payer }],
      };
      const claim = {
        resourceType: 'Claim',
        id: 'request',
        extension: d.urgent
          ? [
              {
                url: 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-levelOfServiceCode',
                valueCodeableConcept: {
                  coding: [{ system: 'http://codesystem.x12.org/005010/1338', code: 'U' }],
                },
              },
            ]
          : [],
        ...(d.trace === undefined ? {} : { identifier: [{ system: 'urn:fuzz:trace', value: d.trace }] }),
        status: 'active',
        type: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }],
        },
        use: d.use,
        patient: { reference: 'Patient/member' },
        created: '2026-12-07T00:00:00Z',
        insurer: { reference: 'Organization/payer' },
        provider: { reference: 'Organization/payer' },
        priority: { coding: [{ code: 'normal' }] },
        insurance: [{ sequence: 1, focal: true, coverage: { display: 'plan' } }],
        item: [{ sequence: 1, productOrService: { coding: [{ code: '72148' }] } }],
      };
      const entries = [claim, insurer, ...(d.patientHeld ? [patient] : [])];
      return { resourceType: 'Bundle', type: d.type, entry: entries.map((resource) => ({ resource })) };
    });
}

// Clinical trials (issue 16): writes aim at random trial ids and junk studies (the world registers none,
// so a write is refused unless it is a valid registration by the sponsor's staff).
const trialSeg = () => segment(hex(64));
const trialWrite = (path: string, valid: (p: Pools) => fc.Arbitrary<Json>): RouteSpec => ({
  writes: true,
  shape: send('POST', () => trialSeg().map((id) => `/api/v1/trials/${id}/${path}`), valid),
});
const trialRead = (path: string): RouteSpec => ({
  writes: false,
  shape: get(() => trialSeg().map((id) => `/api/v1/trials/${id}${path}`)),
});
const studyBody = () =>
  fc.record({
    study: fc.record({
      protocolSection: fc.record({ identificationModule: fc.record({ nctId: junkString }) }),
    }),
    protocolCommitment: hex(64),
    sapCommitment: hex(64),
    reason: fc.string({ maxLength: 20 }),
  });
const hexFields =
  (...names: string[]) =>
  () =>
    fc.record(Object.fromEntries(names.map((n) => [n, fc.oneof(hex(64), junkString)])));
const patientTxBody = (p: Pools) => fc.record({ tx: pick(p.txs) });
const TRIALS_ROUTES: Record<string, RouteSpec> = {
  'POST /api/v1/trials': { writes: true, shape: send('POST', fixed('/api/v1/trials'), studyBody) },
  'GET /api/v1/trials': readOf('/api/v1/trials', () => all(offsetLimit(), opt('nct', junkString))),
  'GET /api/v1/trials/{id}': trialRead(''),
  'GET /api/v1/trials/{id}/verdict': trialRead('/verdict'),
  'GET /api/v1/trials/{id}/allocations': trialRead('/allocations'),
  'GET /api/v1/trials/{id}/export': trialRead('/export'),
  'POST /api/v1/trials/{id}/amendments': trialWrite('amendments', studyBody),
  'POST /api/v1/trials/{id}/seed': trialWrite('seed', hexFields('seedCommitment')),
  'POST /api/v1/trials/{id}/allocations': trialWrite('allocations', hexFields('enrolTxHash')),
  'POST /api/v1/trials/{id}/lock': trialWrite('lock', hexFields('databaseDigest')),
  'POST /api/v1/trials/{id}/unblind': trialWrite('unblind', hexFields('seed')),
  'POST /api/v1/trials/{id}/saes': trialWrite('saes', () =>
    fc.record({ digest: hex(64), severity: fc.constantFrom('other', 'x'), awareAtMs: fc.nat() }),
  ),
  'POST /api/v1/trials/{id}/links': trialWrite('links', () =>
    fc.record({ reportedMeasure: junkString, registeredMeasure: junkString }),
  ),
  'POST /api/v1/trials/{id}/results': trialWrite('results', () =>
    fc.record({ outcomes: fc.array(junkValue, { maxLength: 3 }) }),
  ),
  'POST /api/v1/trials/{id}/enrolments': trialWrite('enrolments', patientTxBody),
  'POST /api/v1/trials/{id}/reconsents': trialWrite('reconsents', patientTxBody),
  'POST /api/v1/trials/{id}/withdrawals': trialWrite('withdrawals', patientTxBody),
  'GET /api/v1/patients/me/trials': readOf('/api/v1/patients/me/trials'),
  'GET /fhir/R4/ResearchStudy/{id}': {
    writes: false,
    shape: get(() => trialSeg().map((id) => `/fhir/R4/ResearchStudy/${id}`)),
  },
  'GET /fhir/R4/ResearchStudy': readOf('/fhir/R4/ResearchStudy', () => opt('identifier', junkString)),
  'GET /fhir/R4/ResearchSubject': readOf('/fhir/R4/ResearchSubject', () => opt('study', junkString)),
};

// AI (issue 20): made-up model, cohort and dataset ids, junk cards and artefacts, and queries naming real
// record ids as patients; a write is refused unless it is a complete registration by this node's staff.
const aiSeg = () => segment(hex(64));
const aiVersionPath = (suffix: string) => () =>
  fc
    .tuple(aiSeg(), segment(fc.oneof(fc.constantFrom('1', '2'), junkString)))
    .map(([id, v]) => `/api/v1/ai/models/${id}/versions/${v}${suffix}`);
const aiModelBody = () =>
  fc.record({
    version: fc.oneof(fc.constant(1), fc.integer()),
    name: junkString,
    card: fc.dictionary(fc.constantFrom('intendedUse', 'fundingSource', 'x'), junkString),
    artefact: fc.record({
      kind: fc.constantFrom('logistic-regression', 'x'),
      weights: fc.array(fc.double()),
    }),
    intendedUse: junkString,
    changePlan: junkString,
    cohortId: fc.oneof(hex(64), junkString),
  });
const AI_ROUTES: Record<string, RouteSpec> = {
  'POST /api/v1/ai/models': writeOf('/api/v1/ai/models', aiModelBody),
  'GET /api/v1/ai/models': readOf('/api/v1/ai/models'),
  'GET /api/v1/ai/models/{modelId}': {
    writes: false,
    shape: get(() => aiSeg().map((id) => `/api/v1/ai/models/${id}`)),
  },
  'GET /api/v1/ai/models/{modelId}/versions/{version}': { writes: false, shape: get(aiVersionPath('')) },
  'POST /api/v1/ai/models/{modelId}/versions/{version}/withdrawal': {
    writes: true,
    shape: send('POST', aiVersionPath('/withdrawal'), () => fc.constant({})),
  },
  'POST /api/v1/ai/cohorts': writeOf('/api/v1/ai/cohorts', () =>
    fc.record({
      query: fc.record({
        name: junkString,
        condition: fc.constantFrom('44054006', 'x'),
        features: fc.array(fc.constantFrom('2339-0', '39156-5', 'x'), { maxLength: 3 }),
      }),
      purpose: fc.constantFrom('HRESCH', 'AITRAIN', 'x'),
    }),
  ),
  'GET /api/v1/ai/cohorts/{cohortId}': {
    writes: false,
    shape: get(() => aiSeg().map((id) => `/api/v1/ai/cohorts/${id}`)),
  },
  // A round names made-up cohorts and sites: refused before any site is asked.
  'POST /api/v1/ai/rounds': writeOf('/api/v1/ai/rounds', () =>
    fc.record({
      modelId: fc.oneof(hex(64), junkString),
      round: fc.integer(),
      cohortId: fc.oneof(hex(64), junkString),
      sites: fc.array(fc.constantFrom('hospital', 'clinic', 'x'), { maxLength: 3 }),
      features: fc.array(
        fc.record({ code: fc.constantFrom('2339-0', 'x'), mean: fc.double(), scale: fc.double() }),
        { maxLength: 2 },
      ),
    }),
  ),
  'POST /api/v1/ai/datasets': writeOf('/api/v1/ai/datasets', () =>
    fc.record({ cohortId: fc.oneof(hex(64), junkString), limitMilli: fc.integer() }),
  ),
  'GET /api/v1/ai/datasets/{datasetId}/budget': {
    writes: false,
    shape: get(() => aiSeg().map((id) => `/api/v1/ai/datasets/${id}/budget`)),
  },
  'POST /api/v1/ai/analytics': writeOf('/api/v1/ai/analytics', () =>
    fc.record({
      datasetId: fc.oneof(hex(64), junkString),
      epsilonMilli: fc.integer(),
      query: fc.record({
        kind: fc.constantFrom('count', 'x'),
        resourceType: fc.constantFrom('Condition', 'x'),
      }),
    }),
  ),
  // An inference reads the patient's records: a real record id as the patient makes it an access event.
  'POST /api/v1/ai/inferences': writeOf('/api/v1/ai/inferences', (p) =>
    fc.record({
      modelId: fc.oneof(hex(64), junkString),
      version: fc.integer(),
      patient: fc.oneof(pick(p.patientIds), junkString),
    }),
  ),
  'GET /api/v1/patients/me/ai': readOf('/api/v1/patients/me/ai'),
};

export const ROUTES: Record<string, RouteSpec> = {
  'GET /api/v1/openapi.json': readOf('/api/v1/openapi.json'),
  'GET /api/v1/status': readOf('/api/v1/status'),
  'GET /api/v1/genesis': readOf('/api/v1/genesis'),
  'GET /api/v1/accounts/{publicKey}': {
    writes: false,
    shape: get((p) =>
      segment(
        fc.oneof(
          pick(p.freeSigners).map((k) => k.publicKey),
          hex(64),
        ),
      ).map((s) => `/api/v1/accounts/${s}`),
    ),
  },
  'GET /api/v1/evidence': readOf('/api/v1/evidence', offsetLimit),
  'GET /api/v1/blocks/{height}': {
    writes: false,
    shape: get((p) => heightSeg(p).map((h) => `/api/v1/blocks/${h}`)),
  },
  'GET /api/v1/txs/{hash}': { writes: false, shape: get((p) => txHashSeg(p).map((h) => `/api/v1/txs/${h}`)) },
  'POST /api/v1/txs': {
    writes: true,
    shape: send('POST', fixed('/api/v1/txs'), tx, 'application/json', () =>
      opt('wait', fc.constantFrom('none', 'none', 'commit', 'x')),
    ),
  },
  // Governance (issue 15): reads of real-looking and made-up proposal ids, and governance txs signed by
  // keys that are no member's admin (refused by the ledger), beside any tx (refused by the route).
  'GET /api/v1/governance/proposals': readOf('/api/v1/governance/proposals', () => opt('limit', int)),
  'GET /api/v1/governance/proposals/{id}': {
    writes: false,
    shape: get(() => segment(hex(64)).map((id) => `/api/v1/governance/proposals/${id}`)),
  },
  'POST /api/v1/governance/proposals': {
    writes: true,
    shape: send('POST', fixed('/api/v1/governance/proposals'), (p) =>
      fc.oneof(governanceTx(p, 'governance.propose'), tx(p)),
    ),
  },
  'POST /api/v1/governance/proposals/{id}/votes': {
    writes: true,
    shape: send(
      'POST',
      () => segment(hex(64)).map((id) => `/api/v1/governance/proposals/${id}/votes`),
      (p) => fc.oneof(governanceTx(p, 'governance.vote'), tx(p)),
    ),
  },
  'GET /api/v1/governance/validators': readOf('/api/v1/governance/validators'),
  'GET /api/v1/governance/validator-sets': readOf('/api/v1/governance/validator-sets', () =>
    opt('from', int),
  ),
  // Claims (issue 17): reads of made-up claim, fingerprint and request ids and of real org ids, and
  // replays with facts that are nearly right (the engine's checks) or junk (the body schema).
  'GET /api/v1/claims/metrics': readOf('/api/v1/claims/metrics', () =>
    opt('payer', fc.oneof(fc.constantFrom('hospital', 'clinic', 'insurer'), junkString)),
  ),
  'GET /api/v1/claims/fingerprints/{fingerprint}': {
    writes: false,
    shape: get(() => segment(hex(64)).map((f) => `/api/v1/claims/fingerprints/${f}`)),
  },
  'GET /api/v1/claims/rules/{payerOrgId}': {
    writes: false,
    shape: get(
      () =>
        segment(fc.oneof(fc.constantFrom('hospital', 'insurer'), junkString)).map(
          (o) => `/api/v1/claims/rules/${o}`,
        ),
      () => opt('version', int),
    ),
  },
  'GET /api/v1/claims/prior-auth/{requestId}': {
    writes: false,
    shape: get(() => segment(hex(64)).map((id) => `/api/v1/claims/prior-auth/${id}`)),
  },
  'GET /api/v1/claims/{claimId}': {
    writes: false,
    shape: get(() => segment(hex(64)).map((id) => `/api/v1/claims/${id}`)),
  },
  'POST /api/v1/claims/{claimId}/replay': {
    writes: false,
    shape: send(
      'POST',
      () => segment(hex(64)).map((id) => `/api/v1/claims/${id}/replay`),
      () => claimFacts.map((facts) => ({ facts })),
    ),
  },
  'POST /api/v1/claims/prior-auth/{requestId}/decision': {
    writes: true,
    shape: send(
      'POST',
      () => segment(hex(64)).map((id) => `/api/v1/claims/prior-auth/${id}/decision`),
      () =>
        fc.record({
          action: fc.constantFrom('A1', 'A3', 'A4', 'Z9'),
          authNumber: fc.oneof(fc.constant(null), fc.constantFrom('AUTH-1', 'bad auth!')),
        }),
    ),
  },
  // Claims for payment: nearly right claims citing real records (or none), to any member or junk payer;
  // adjudications of made-up claims; the patient's EOB listing.
  'POST /api/v1/claims': writeOf('/api/v1/claims', (p) =>
    fc.record({
      payerOrgId: fc.oneof(fc.constantFrom('insurer', 'hospital'), junkString),
      patientPseudonym: fc.oneof(pick(p.pseudonyms), hex(64)),
      facts: claimFacts,
      lines: fc.array(
        fc.record({
          sequence: fc.integer({ min: 0, max: 3 }),
          documentation: fc.array(
            fc.record({ recordId: recordId(p), version: fc.integer({ min: 0, max: 2 }) }),
            { maxLength: 2 },
          ),
        }),
        { maxLength: 3 },
      ),
      frequency: fc.constantFrom('1', '7', '8', '9'),
    }),
  ),
  'POST /api/v1/claims/{claimId}/adjudication': {
    writes: true,
    shape: send(
      'POST',
      () => segment(hex(64)).map((id) => `/api/v1/claims/${id}/adjudication`),
      () => fc.constant({}),
    ),
  },
  'GET /api/v1/patients/me/explanation-of-benefits': readOf('/api/v1/patients/me/explanation-of-benefits'),
  // The insurer workspace's reads: the queue, and a made-up or real claim's documentation.
  'GET /api/v1/claims/workspace': readOf('/api/v1/claims/workspace'),
  // The HL7 message log's reads: filters and pages, well formed and not, and made-up or junk ids.
  'GET /api/v1/hl7/messages': readOf('/api/v1/hl7/messages', () =>
    all(
      opt('status', fc.constantFrom('accepted', 'final', 'error', 'refused', 'x')),
      opt('type', fc.constantFrom('ORU^R01', 'ADT^A01', 'ORU', 'x')),
      opt('before', int),
      opt('limit', int),
    ),
  ),
  'GET /api/v1/hl7/messages/{id}': {
    writes: false,
    shape: get(() => segment(int).map((id) => `/api/v1/hl7/messages/${id}`)),
  },
  'GET /api/v1/claims/{claimId}/documentation': {
    writes: false,
    shape: get(() => segment(hex(64)).map((id) => `/api/v1/claims/${id}/documentation`)),
  },
  // PAS (issue 17 §5): request Bundles for $submit and $inquire, nearly right or junk.
  'POST /fhir/R4/Claim/$submit': {
    writes: true,
    shape: send('POST', fixed('/fhir/R4/Claim/$submit'), pasBundle, 'application/fhir+json'),
  },
  'POST /fhir/R4/Claim/$inquire': {
    writes: false,
    shape: send('POST', fixed('/fhir/R4/Claim/$inquire'), pasBundle, 'application/fhir+json'),
  },
  'GET /api/v1/checkpoints/latest': readOf('/api/v1/checkpoints/latest'),
  'GET /api/v1/checkpoints/{height}': {
    writes: false,
    shape: get((p) => heightSeg(p).map((h) => `/api/v1/checkpoints/${h}`)),
  },
  'GET /api/v1/proofs/inclusion/{txHash}': {
    writes: false,
    shape: get(
      (p) => txHashSeg(p).map((h) => `/api/v1/proofs/inclusion/${h}`),
      (p) => opt('treeSize', fc.oneof(fc.integer({ min: 0, max: p.tip * 4 }).map(String), junkString)),
    ),
  },
  'GET /api/v1/proofs/consistency': {
    writes: false,
    shape: get(fixed('/api/v1/proofs/consistency'), (p) => {
      const size = fc.oneof(fc.integer({ min: 0, max: p.tip * 4 }).map(String), junkString);
      return all(opt('first', size), opt('second', size), opt('from', size), opt('to', size));
    }),
  },
  // C2SP (issue 15): the text formats get text that looks like them, and junk.
  'GET /checkpoint': readOf('/checkpoint'),
  'GET /api/v1/witness/keys': readOf('/api/v1/witness/keys'),
  'GET /api/v1/witness/policy': readOf('/api/v1/witness/policy'),
  'GET /api/v1/witness/evidence': readOf('/api/v1/witness/evidence'),
  'GET /api/v1/proofs/tlog-proof/{txHash}': {
    writes: false,
    shape: get((p) => txHashSeg(p).map((h) => `/api/v1/proofs/tlog-proof/${h}`)),
  },
  'POST /add-checkpoint': {
    // A fuzzer cannot sign as a member node's log key, so nothing it sends becomes fork evidence.
    writes: false,
    shape: (p) =>
      fc.record({
        method: fc.constant('POST'),
        path: fc.constant('/add-checkpoint'),
        query: fc.constant(''),
        body: fc.oneof(
          junkString,
          fc
            .tuple(fc.nat(p.tip * 4), fc.array(hex(64), { maxLength: 3 }), junkString)
            .map(
              ([old, proof, junk]) =>
                `old ${old}\n${proof.map((h) => `${Buffer.from(h, 'hex').toString('base64')}\n`).join('')}\n` +
                `carechain.local/${p.chainId}\n${old + 1}\n${Buffer.alloc(32).toString('base64')}\n\n— ${junk} AAAA\n`,
            ),
        ),
        contentType: fc.constantFrom('text/plain', 'text/plain', 'application/json'),
      }),
  },
  'POST /api/v1/witness/evidence': {
    writes: true,
    shape: send('POST', fixed('/api/v1/witness/evidence'), (p) =>
      fc.record({
        kind: fc.constantFrom('same-size-other-root', 'inconsistent', 'other'),
        checkpoint: fc.oneof(
          junkString,
          fc.constant(
            `carechain.local/${p.chainId}\n1\n${Buffer.alloc(32).toString('base64')}\n\n— x AAAAAAA=\n`,
          ),
        ),
      }),
    ),
  },
  'GET /api/v1/events': readOf('/api/v1/events'),
  'GET /api/v1/events/mine': readOf('/api/v1/events/mine'),
  'GET /metrics': readOf('/metrics'),
  'POST /auth/challenge': {
    writes: false,
    shape: send('POST', fixed('/auth/challenge'), () => fc.record({ x: fc.string() })),
  },
  'POST /auth/token': {
    writes: false,
    shape: send('POST', fixed('/auth/token'), (p) =>
      fc.oneof(
        fc.record({
          grant_type: fc.constantFrom(SIGNED_CHALLENGE_GRANT_TYPE, 'refresh_token', 'password', 'x'),
          refresh_token: junkString,
        }),
        fc
          .tuple(pick(p.freeSigners), hex(64), fc.constantFrom('http://127.0.0.1/fhir/R4', 'x'))
          .map(([key, challenge, audience]) => ({
            grant_type: SIGNED_CHALLENGE_GRANT_TYPE,
            ...signChallenge(key.seed, p.chainId, { challenge, audience }),
          })),
      ),
    ),
  },
  'POST /auth/logout': { writes: false, shape: send('POST', fixed('/auth/logout'), () => fc.constant({})) },
  'GET /fhir/R4/.well-known/smart-configuration': readOf('/fhir/R4/.well-known/smart-configuration'),
  'GET /.well-known/jwks.json': readOf('/.well-known/jwks.json'),
  'GET /': readOf('/'),
  'GET /{*}': {
    writes: false,
    shape: get(() =>
      fc
        .oneof(
          fc.constantFrom('index.html', 'assets/x.js', '..%2f..%2fetc%2fpasswd', '%00', 'fhir', 'api/v2/x'),
          junkString,
        )
        .map(
          (s) =>
            `/${s.startsWith('%') || s.includes('/') ? s : encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))}`,
        ),
    ),
  },
  'GET /fhir/R4/metadata': readOf('/fhir/R4/metadata'),
  'POST /fhir/R4': writeOf('/fhir/R4', transactionBundle, 'application/fhir+json'),
  'PUT /fhir/R4/{type}/{id}': {
    writes: true,
    shape: send(
      'PUT',
      (p) => typeAndId(p).map(([t, id]) => `/fhir/R4/${t}/${id}`),
      resource,
      'application/fhir+json',
    ),
  },
  'POST /fhir/R4/{type}': {
    writes: true,
    shape: send('POST', () => typeSeg().map((t) => `/fhir/R4/${t}`), resource, 'application/fhir+json'),
  },
  'GET /fhir/R4/{type}/{id}': {
    writes: true,
    shape: get((p) => typeAndId(p).map(([t, id]) => `/fhir/R4/${t}/${id}`)),
  },
  'GET /fhir/R4/{type}/{id}/_history/{vid}': {
    writes: true,
    shape: get((p) =>
      fc
        .tuple(typeAndId(p), segment(fc.integer({ min: 0, max: 4 }).map(String)))
        .map(([[t, id], v]) => `/fhir/R4/${t}/${id}/_history/${v}`),
    ),
  },
  'GET /fhir/R4/{type}/{id}/_history': {
    writes: true,
    shape: get((p) => typeAndId(p).map(([t, id]) => `/fhir/R4/${t}/${id}/_history`)),
  },
  'GET /fhir/R4/{type}': {
    writes: true,
    shape: get(
      () => typeSeg().map((t) => `/fhir/R4/${t}`),
      (p) =>
        all(
          opt('patient', patientRef(p)),
          opt('subject:identifier', patientRef(p)),
          opt('code', fc.constantFrom('8867-4', 'http://loinc.org|8867-4', '718-7')),
          opt('date', fc.constantFrom('ge2020-01-01', 'lt1900', 'eq2026', 'xx')),
          opt('_id', recordId(p)),
          opt('_sort', fc.constantFrom('date', '-date', 'x')),
          opt('_include', fc.constantFrom('Observation:patient', '*')),
          // Monitoring's searches: a device's readings, and the PHD system id identifier.
          opt('device', fc.constantFrom('Device/001c050400007825', 'Device/zz', '001c050400007825')),
          opt(
            'identifier',
            fc.constantFrom(
              'urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680|00-1C-05-04-00-00-78-25',
              'urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680|x',
            ),
          ),
          paged(),
        ),
    ),
  },
  // Patient/$everything and a Bulk Data export release records: each release is an access event.
  'GET /fhir/R4/Patient/$everything': { writes: true, shape: get(fixed('/fhir/R4/Patient/$everything')) },
  'GET /fhir/R4/Patient/{id}/$everything': {
    writes: true,
    shape: get((p) => patientSeg(p).map((id) => `/fhir/R4/Patient/${id}/$everything`)),
  },
  'GET /fhir/R4/Patient/{id}/$export': {
    writes: true,
    shape: get(
      (p) => patientSeg(p).map((id) => `/fhir/R4/Patient/${id}/$export`),
      () =>
        all(
          opt('_type', fc.constantFrom('Observation', 'Observation,Condition', 'x')),
          opt('_since', fc.constantFrom('2020-01-01T00:00:00Z', 'xx')),
          opt('_outputFormat', fc.constantFrom('application/fhir+ndjson', 'text/csv')),
        ),
    ),
  },
  'GET /fhir/R4/$export-status/{job}': {
    writes: false,
    shape: get((p) => jobSeg(p).map((j) => `/fhir/R4/$export-status/${j}`)),
  },
  'DELETE /fhir/R4/$export-status/{job}': {
    writes: false,
    shape: (p) =>
      jobSeg(p).map((j): Shape => ({ method: 'DELETE', path: `/fhir/R4/$export-status/${j}`, query: '' })),
  },
  'GET /fhir/R4/$export-file/{job}/{kind}/{n}': {
    writes: false,
    shape: get((p) =>
      fc
        .tuple(jobSeg(p), segment(fc.constantFrom('output', 'error')), segment(fc.nat(3).map(String)))
        .map(([j, kind, n]) => `/fhir/R4/$export-file/${j}/${kind}/${n}`),
    ),
  },
  // One JSON resource on one line is an NDJSON body of one resource.
  'POST /fhir/R4/$import': writeOf('/fhir/R4/$import', resource, 'application/fhir+ndjson'),
  'GET /fhir/R4/$import-status/{job}': {
    writes: false,
    shape: get((p) => jobSeg(p).map((j) => `/fhir/R4/$import-status/${j}`)),
  },
  'POST /api/v1/records/break-glass': {
    writes: true,
    shape: send('POST', fixed('/api/v1/records/break-glass'), (p) =>
      fc
        .record({
          record: typeAndId(p),
          purpose: fc.constantFrom('ETREAT', 'ETREAT', 'TREAT', 'x'),
          reason: fc.constantFrom('Unconscious patient in the emergency department', 'x', ''),
        })
        .map(({ record: [resourceType, id], ...rest }) => ({ resourceType, id, ...rest })),
    ),
  },
  'POST /api/v1/records/break-glass/summary': {
    writes: true,
    shape: send('POST', fixed('/api/v1/records/break-glass/summary'), (p) =>
      fc.record({
        patient: patientRef(p),
        purpose: fc.constantFrom('ETREAT', 'TREAT', 'x'),
        reason: fc.constantFrom('Unconscious patient in the emergency department', 'x', ''),
      }),
    ),
  },
  // The custodian's attestation for a patient's claim: signed and returned, nothing committed.
  'POST /api/v1/records/custodial-claims': {
    writes: false,
    shape: send('POST', fixed('/api/v1/records/custodial-claims'), (p) =>
      fc.record({ pseudonym: pick(p.pseudonyms), patientKey: hex(64) }),
    ),
  },
  'GET /api/v1/staff/me': readOf('/api/v1/staff/me'),
  'POST /api/v1/monitoring/news2/score': {
    writes: false,
    shape: send('POST', fixed('/api/v1/monitoring/news2/score'), news2Body),
  },
  // Writes: a batch that the chain accepts commits a root (never with a fuzzed signature, but it may).
  'POST /api/v1/monitoring/batches': {
    writes: true,
    shape: send('POST', fixed('/api/v1/monitoring/batches'), compactBatchBody),
  },
  // The fuzzer sends no batch headers, so every upload is refused (400) before anything is committed.
  'POST /fhir/R4/$phd-upload': {
    writes: false,
    shape: send('POST', fixed('/fhir/R4/$phd-upload'), transactionBundle, 'application/fhir+json'),
  },
  // Writes: a medium or high score opens an escalation on chain.
  'POST /api/v1/monitoring/devices/{systemId}/vitals': {
    writes: true,
    shape: send(
      'POST',
      () => segment(systemIdHex()).map((d) => `/api/v1/monitoring/devices/${d}/vitals`),
      news2Body,
    ),
  },
  'GET /api/v1/monitoring/escalations/{escalationId}': {
    writes: false,
    shape: get(() => segment(hex(64)).map((id) => `/api/v1/monitoring/escalations/${id}`)),
  },
  'GET /api/v1/monitoring/alerts': readOf('/api/v1/monitoring/alerts'),
  // Writes: a proof released to staff commits its access event (monitoring.logAccess) first.
  'GET /api/v1/monitoring/devices/{systemId}/readings/{readingId}/proof': {
    writes: true,
    shape: get((_p) =>
      fc
        .tuple(segment(systemIdHex()), segment(fc.oneof(fc.constant('pulse-ox-001'), junkString)))
        .map(([d, r]) => `/api/v1/monitoring/devices/${d}/readings/${r}/proof`),
    ),
  },
  'GET /api/v1/monitoring/access-log': readOf('/api/v1/monitoring/access-log', offsetLimit),
  'GET /api/v1/monitoring/devices': readOf('/api/v1/monitoring/devices', offsetLimit),
  'GET /api/v1/monitoring/escalations': readOf('/api/v1/monitoring/escalations', offsetLimit),
  'GET /api/v1/monitoring/devices/{systemId}/billing/{periodStartMs}': {
    writes: false,
    shape: get(() =>
      fc
        .tuple(segment(systemIdHex()), segment(fc.oneof(fc.constant('1764547200000'), int)))
        .map(([d, start]) => `/api/v1/monitoring/devices/${d}/billing/${start}`),
    ),
  },
  'GET /beacon/v2/info': readOf('/beacon/v2/info'),
  'GET /beacon/v2': readOf('/beacon/v2'),
  'GET /beacon/v2/configuration': readOf('/beacon/v2/configuration'),
  'GET /beacon/v2/map': readOf('/beacon/v2/map'),
  'GET /beacon/v2/entry_types': readOf('/beacon/v2/entry_types'),
  'GET /beacon/v2/filtering_terms': readOf('/beacon/v2/filtering_terms'),
  ...beaconQueries('/beacon/v2/g_variants'),
  ...beaconQueries('/beacon/v2/individuals'),
  'POST /api/v1/genomics/genomes': {
    writes: true,
    shape: send('POST', fixed('/api/v1/genomics/genomes'), genomeUploadBody),
  },
  'GET /api/v1/genomics/genomes/mine': readOf('/api/v1/genomics/genomes/mine'),
  'GET /api/v1/genomics/datasets': readOf('/api/v1/genomics/datasets'),
  'POST /api/v1/genomics/genomes/{datasetId}/grants': {
    writes: true,
    shape: send(
      'POST',
      () => segment(hex(64)).map((id) => `/api/v1/genomics/genomes/${id}/grants`),
      () => fc.record({ recipientKey: fc.oneof(hex(64), fc.constantFrom('', 'k')) }),
    ),
  },
  'POST /api/v1/genomics/genomes/{datasetId}/erasure': {
    writes: true,
    shape: send(
      'POST',
      () => segment(hex(64)).map((id) => `/api/v1/genomics/genomes/${id}/erasure`),
      () => fc.constant({}),
    ),
  },
  'GET /api/v1/records/break-glass': readOf('/api/v1/records/break-glass', paged),
  'GET /api/v1/patients/me/access-log': readOf('/api/v1/patients/me/access-log', paged),
  'GET /api/v1/patients/me/audit-events': readOf('/api/v1/patients/me/audit-events', paged),
  'GET /api/v1/patients/me/erasure': readOf('/api/v1/patients/me/erasure', paged),
  'POST /api/v1/patients/me/erasure': writeOf('/api/v1/patients/me/erasure', erasureBody),
  'POST /epcis/capture': writeOf('/epcis/capture', epcisDocument, 'application/ld+json'),
  'GET /epcis/events': {
    writes: false,
    shape: get(fixed('/epcis/events'), (p) =>
      all(
        opt('MATCH_epc', pick(p.units)),
        opt('EQ_bizStep', fc.constantFrom('shipping', 'x')),
        opt('GE_eventTime', fc.constantFrom('2020-01-01T00:00:00Z', 'x')),
        opt('perPage', int),
        opt('nextPageToken', junkString),
      ),
    ),
  },
  'GET /epcis/capture': readOf('/epcis/capture', () =>
    all(opt('perPage', int), opt('nextPageToken', fc.oneof(fc.constant('c3'), junkString))),
  ),
  'GET /epcis/capture/{captureID}': {
    writes: false,
    shape: get((p) =>
      fc
        .oneof(txHashSeg(p), segment(fc.nat(20).map(String)))
        .map((captureId) => `/epcis/capture/${captureId}`),
    ),
  },
  'POST /epcis/events': writeOf('/epcis/events', epcisEvent),
  'GET /epcis/events/{eventID}': {
    writes: false,
    shape: get(() =>
      segment(
        fc.constantFrom('urn:uuid:6f1e0000-0000-4000-8000-000000000001', 'ni:///sha-256;00?ver=CBV2.0'),
      ).map((eventId) => `/epcis/events/${encodeURIComponent(eventId)}`),
    ),
  },
  'GET /epcis/eventTypes': readOf('/epcis/eventTypes'),
  ...topLevelEventRoutes(),
  'POST /api/v1/verify': {
    writes: true,
    shape: send('POST', fixed('/api/v1/verify'), (p) =>
      fc.oneof(
        pick(p.packs).map((code) => ({ code })),
        fc.record({
          gtin: pick(p.gtins),
          serial: fc.constantFrom('A1001', 'B2001', 'Z9'),
          lot: pick(p.lots),
          expiry: fc.constantFrom('2028-06-30', '280630', 'x'),
        }),
      ),
    ),
  },
  'GET /api/v1/units/{sgtin}': {
    writes: false,
    shape: get((p) => unitSeg(p).map((u) => `/api/v1/units/${u}`)),
  },
  'GET /api/v1/units/{sgtin}/pedigree': {
    writes: false,
    shape: get((p) => unitSeg(p).map((u) => `/api/v1/units/${u}/pedigree`), offsetLimit),
  },
  'POST /api/v1/supply/products': writeOf('/api/v1/supply/products', supplyBody),
  'GET /api/v1/supply/products/{gtin}': {
    writes: false,
    shape: get((p) => gtinSeg(p).map((g) => `/api/v1/supply/products/${g}`)),
  },
  'POST /api/v1/supply/parties': writeOf('/api/v1/supply/parties', supplyBody),
  'POST /api/v1/supply/recalls': writeOf('/api/v1/supply/recalls', supplyBody),
  'POST /api/v1/supply/recalls/clear': writeOf('/api/v1/supply/recalls/clear', supplyBody),
  'POST /api/v1/supply/suspects': {
    writes: true,
    shape: send('POST', fixed('/api/v1/supply/suspects'), (p) =>
      fc.record({
        kind: fc.constantFrom('suspect', 'illegitimate', 'x'),
        epcs: fc.array(pick(p.units), { maxLength: 3 }),
      }),
    ),
  },
  'POST /api/v1/supply/suspects/{id}/resolution': {
    writes: true,
    shape: send(
      'POST',
      () => segment(fc.nat(5).map(String)).map((id) => `/api/v1/supply/suspects/${id}/resolution`),
      () => fc.record({ outcome: fc.constantFrom('cleared', 'confirmed', 'x') }),
    ),
  },
  'GET /api/v1/supply/alerts': readOf('/api/v1/supply/alerts', offsetLimit),
  'GET /api/v1/patients/me/consents': readOf('/api/v1/patients/me/consents'),
  'GET /api/v1/patients/me/consents/fhir': readOf('/api/v1/patients/me/consents/fhir'),
  'GET /api/v1/patients/me/consent-requests': readOf('/api/v1/patients/me/consent-requests', paged),
  'GET /api/v1/consents/allowed': {
    writes: false,
    shape: get(fixed('/api/v1/consents/allowed'), (p) =>
      all(
        opt('patient', pick(p.pseudonyms)),
        opt('resourceType', fc.constantFrom('Observation', 'Observation,Condition', '*', 'x')),
        opt('purpose', fc.constantFrom('TREAT', 'ETREAT', 'x')),
        opt('action', fc.constantFrom('read', 'write', 'x')),
      ),
    ),
  },
  ...TRIALS_ROUTES,
  ...AI_ROUTES,
};

/** "METHOD /path" of each served route (OpenAPI paths, or Fastify's :param form) with no generator. */
export function missingGenerators(routes: readonly { method: string; url: string }[]): string[] {
  return routes
    .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS')
    .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}').replace(/\/\*$/, '/{*}')}`)
    .filter((key) => ROUTES[key] === undefined);
}

/** The routes an OpenAPI document lists, as method and path. */
export function routesOfDocument(doc: { paths: Record<string, Record<string, unknown>> }) {
  return Object.entries(doc.paths).flatMap(([url, methods]) =>
    Object.keys(methods).map((method) => ({ method: method.toUpperCase(), url })),
  );
}
