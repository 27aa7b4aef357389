// A records network for the adversarial tests of least privilege (issue 10, findings 1, 2, 3 and 12):
// real `carechain node` processes (test/harness/network.ts), staff registered with their organisation's
// admin key, a patient in the hospital's care, and a Synthea patient imported by a hospital physician
// through the FHIR API, as a clinician's system would.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { syntheaBundles } from '../../src/services/fhir/fhir-testdata.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import type { PractitionerRole } from '../../src/app/membership/types.ts';
import type { RecordsGenesis } from '../../src/app/records/policy.ts';
import { generateKeyPair, type KeyPair } from '../../src/node/keys.ts';
import { http, type HttpAnswer } from './http.ts';
import { startNetwork, type MemberSpec, type RunningNetwork, type Staff } from './network.ts';

/** The practitioners to register, by organisation: `{ hospital: ['physician', 'nurse'] }`. */
export type StaffRoles = Readonly<Record<string, readonly PractitionerRole[]>>;

export interface RecordsNetwork {
  readonly network: RunningNetwork;
  /** The registered staff, in the order asked for (organisations in key order, then roles). */
  readonly staff: readonly Staff[];
  readonly patient: KeyPair;
  readonly pseudonym: string;
  /** The patient's token from the hospital's node. */
  readonly patientToken: string;
  /** The imported Synthea bundle as sent (with the pseudonym identifier). */
  readonly bundle: any;
  /** `Type/id` of every resource the import created, in bundle order. */
  readonly locations: readonly string[];
  /** The id of the imported Patient. */
  readonly patientId: string;
}

/** The members the records tests combine; the hospital, first, is the one that imports the patient. */
export const HOSPITAL: MemberSpec = { name: 'hospital' };
export const CLINIC: MemberSpec = { name: 'clinic', type: 'clinic' };
export const PHARMACY: MemberSpec = { name: 'pharmacy', type: 'pharmacy' };
/** A distributor and an insurer follow the chain without voting. */
export const DISTRIBUTOR: MemberSpec = { name: 'distributor', type: 'distributor', power: 0 };
export const INSURER: MemberSpec = { name: 'insurer', type: 'insurer', power: 0 };

/** A FHIR or domain call as `token` at `apiUrl`. */
export function fhirCall(apiUrl: string, token: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' };
  return {
    get: (path: string): Promise<HttpAnswer> => http(`${apiUrl}${path}`, { headers }),
    post: (path: string, body: unknown): Promise<HttpAnswer> =>
      http(`${apiUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }),
    put: (path: string, body: unknown): Promise<HttpAnswer> =>
      http(`${apiUrl}${path}`, { method: 'PUT', headers, body: JSON.stringify(body) }),
  };
}

/** The smallest Synthea patient bundle with Observations, naming `pseudonym` as the chain's patient. */
export function patientBundle(pseudonym: string): any {
  const bundle: any = structuredClone(syntheaBundles().find((b) => b.file.startsWith('Buster'))!.json);
  const patientEntry = bundle.entry.find((e: any) => e.resource.resourceType === 'Patient');
  patientEntry.resource.identifier.push({ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym });
  return bundle;
}

/**
 * Starts `members` (the first must be the hospital that imports), registers `staffRoles` by organisation, a
 * patient in the hospital's care, and imports a Synthea patient as the first staff member (who must be a
 * clinician of the hospital); `records` are the genesis settings (break-glass budget, base policy).
 */
export async function startRecordsNetwork(
  prefix: string,
  members: readonly MemberSpec[],
  staffRoles: StaffRoles,
  records?: Partial<RecordsGenesis>,
  /** Fields added to every node.json (startNetwork's nodeConfig). */
  nodeConfig?: Readonly<Record<string, unknown>>,
): Promise<RecordsNetwork> {
  const network = await startNetwork(prefix, members, undefined, records, nodeConfig);
  try {
    const staff: Staff[] = [];
    for (const [org, roles] of Object.entries(staffRoles)) {
      for (const role of roles) staff.push(await network.registerStaff(org, role));
    }
    const patient = generateKeyPair();
    const pseudonym = patientPseudonym(patient.publicKey);
    const hospital = members[0]!.name;
    const patientToken = await network.registerPatient(hospital, patient);
    const bundle = patientBundle(pseudonym);
    const imported = await fhirCall(network.url(hospital), staff[0]!.token).post('/fhir/R4', bundle);
    assert.equal(imported.status, 200, JSON.stringify(imported.body).slice(0, 500));
    const locations: string[] = imported.body.entry.map((e: any) =>
      String(e.response.location).split('/').slice(0, 2).join('/'),
    );
    const patientId = locations.find((l) => l.startsWith('Patient/'))!.split('/')[1]!;
    return { network, staff, patient, pseudonym, patientToken, bundle, locations, patientId };
  } catch (err) {
    await network.stop('SIGKILL');
    throw err;
  }
}

/**
 * The records network of a whole test file: started (as startRecordsNetwork, then `setUp`, e.g. a consent
 * to commit) before its tests and killed after them. The object returned is empty until the `before` hook
 * fills it, so read it in tests only. `setUp` is a parameter, not a second `before`, because node 20 runs
 * a file's top-level `before` hooks concurrently.
 */
export function recordsNetworkForTests(
  prefix: string,
  members: readonly MemberSpec[],
  staffRoles: StaffRoles,
  genesis?: Partial<RecordsGenesis>,
  setUp?: (records: RecordsNetwork) => Promise<void> | void,
  nodeConfig?: Readonly<Record<string, unknown>>,
): RecordsNetwork {
  const records = {} as RecordsNetwork;
  before(async () => {
    Object.assign(records, await startRecordsNetwork(prefix, members, staffRoles, genesis, nodeConfig));
    await setUp?.(records);
  });
  after(() => records.network?.stop('SIGKILL'));
  return records;
}

/**
 * `who`'s organisation becomes the patient's second custodian: it writes its own Patient (naming the
 * patient's pseudonym) and a body-weight Observation about them. Answers their `Type/id`, Patient first.
 */
export async function writeAsSecondCustodian(
  records: RecordsNetwork,
  who: Staff,
): Promise<[patient: string, observation: string]> {
  const custodian = fhirCall(records.network.url(who.orgId), who.token);
  const patient = await custodian.post('/fhir/R4/Patient', {
    resourceType: 'Patient',
    identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: records.pseudonym }],
  });
  assert.equal(patient.status, 201, JSON.stringify(patient.body));
  const observation = await custodian.post('/fhir/R4/Observation', {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'Body weight' },
    subject: { reference: `Patient/${patient.body.id}` },
    valueQuantity: { value: 71, unit: 'kg' },
  });
  assert.equal(observation.status, 201, JSON.stringify(observation.body));
  return [`Patient/${patient.body.id}`, `Observation/${observation.body.id}`];
}

/** The patient's access log at the hospital, newest first. */
export async function accessLogOf(records: RecordsNetwork, hospital = 'hospital'): Promise<any[]> {
  const answer = await fhirCall(records.network.url(hospital), records.patientToken).get(
    '/api/v1/patients/me/access-log?_count=100',
  );
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.items;
}

/** The committed tx of `hash`, as any node serves it from its ledger. */
export async function committedTx(apiUrl: string, hash: string): Promise<any> {
  const answer = await http(`${apiUrl}/api/v1/txs/${hash}`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body.tx;
}

/** The committed records.register(Batch) tx that registered `recordId`, searched from the tip down. */
export async function registrationOf(apiUrl: string, recordId: string, depth = 50): Promise<any> {
  const tip = (await http(`${apiUrl}/api/v1/status`)).body.height as number;
  for (let height = tip; height > Math.max(0, tip - depth); height--) {
    const block = await http(`${apiUrl}/api/v1/blocks/${height}`);
    for (const hash of (block.body?.txHashes ?? []) as string[]) {
      const tx = await committedTx(apiUrl, hash);
      const listed = tx.type === 'records.registerBatch' ? tx.payload.registrations : [tx.payload];
      if (tx.type.startsWith('records.register') && listed.some((r: any) => r.recordId === recordId)) {
        return tx;
      }
    }
  }
  throw new Error(`no registration of ${recordId} in the last ${depth} blocks`);
}
