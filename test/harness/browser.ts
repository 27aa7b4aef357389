// Browser tests and screenshots of the web app: builds it once (if web/dist is missing or older than its
// sources), runs `carechain up` as a real child process on free ports, and drives Chromium with
// playwright-core: the system's /usr/bin/chromium where it exists, else the Chromium that the npm package
// @sparticuz/chromium ships (browser downloads do not work here, and a fresh machine may have no Chromium
// package: the npm one needs no system libraries).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/resources.ts';
import { toHex } from '../../src/core/bytes.ts';
import { ADMIN_KEY_FILE } from '../../src/node/config.ts';
import { generateKeyPair, readKeyFile } from '../../src/node/keys.ts';
import { tempDir } from './chain.ts';
import { freeBasePort } from './ports.ts';
import { http } from './http.ts';
import { commitTx } from './network.ts';
import { spawnCarechain, type CarechainProcess } from './process.ts';
import type { DemoSupply } from '../../src/cli/demo-supply.ts';
import type { StaffRole } from '../../web/src/lib/staff-roles.ts';

/** The system Chromium; CARECHAIN_CHROMIUM names another (a path that does not exist hides it). */
const SYSTEM_CHROMIUM = process.env.CARECHAIN_CHROMIUM ?? '/usr/bin/chromium';
const REPO = new URL('../../', import.meta.url).pathname;
const DIST_INDEX = join(REPO, 'web/dist/index.html');
const BUILD_LOCK = join(REPO, 'web/.build-lock');
/** What the built app is made of: a change to any of these makes web/dist stale. */
const WEB_SOURCES = ['web/src', 'web/index.html', 'web/vite.config.ts', 'src/core', 'src/app'];

function newestMtimeMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

function isStale(): boolean {
  if (!existsSync(DIST_INDEX)) return true;
  const built = statSync(DIST_INDEX).mtimeMs;
  return WEB_SOURCES.some((source) => newestMtimeMs(join(REPO, source)) > built);
}

/**
 * Builds web/dist unless it is fresh. Test files run in parallel processes, so the build holds a lock
 * directory (mkdir is atomic); whoever waits re-checks freshness after it, and the run builds once.
 */
export async function ensureWebBuilt(): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (!isStale()) return;
    try {
      mkdirSync(BUILD_LOCK);
    } catch {
      await new Promise((done) => setTimeout(done, 500));
      continue;
    }
    try {
      if (!isStale()) return;
      const vite = join(REPO, 'node_modules/vite/bin/vite.js');
      const result = spawnSync(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts'], {
        cwd: REPO,
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`web build failed:\n${result.stdout}\n${result.stderr}`);
      return;
    } finally {
      rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
  }
  throw new Error(`gave up waiting for another build of the web app (remove ${BUILD_LOCK} if stale)`);
}

/** Where the Chromium a test launches comes from: the system's, or the npm package's (unpacked to /tmp). */
export type ChromiumSource = 'system' | 'npm';

export function chromiumSource(): ChromiumSource {
  return existsSync(SYSTEM_CHROMIUM) ? 'system' : 'npm';
}

export async function launchChromium(source = chromiumSource()): Promise<Browser> {
  if (source === 'system') {
    return chromium.launch({ executablePath: SYSTEM_CHROMIUM, headless: true });
  }
  // The package's own launch flags (no sandbox, no GPU, its fonts); playwright merges them with its own.
  // Except --single-process, which AWS Lambda needs and a test machine does not: in one process, closing
  // a browser context can take the whole browser down, and every later test of the file fails with it.
  const { default: packaged } = await import('@sparticuz/chromium');
  return chromium.launch({
    executablePath: await packaged.executablePath(),
    args: packaged.args.filter((flag) => flag !== '--single-process'),
    headless: true,
  });
}

/** `up` runs up to this many organisations: API ports base+i, P2P ports base+1000+i. */
const UP_ORGS_MAX = 8;

export interface DemoOrg {
  readonly apiBaseUrl: string;
  readonly fhirBaseUrl: string;
  readonly practitioner: { publicKey: string; role: string; token: string; seed?: string };
}

export interface DemoCredentials {
  readonly chainId: string;
  readonly organisations: Record<string, DemoOrg>;
  readonly patients: { name: string; publicKey: string; seed: string; pseudonym: string; token: string }[];
  /** The demo lots `carechain up` put into circulation (src/cli/demo-supply.ts). */
  readonly supply: DemoSupply;
  /** The research sponsor's demo trial (src/cli/demo-trials.ts), when its study file was found. */
  readonly trial?: { readonly id: string; readonly nct: string };
}

export interface UpNetwork {
  readonly dataDir: string;
  readonly credentials: DemoCredentials;
  /** The API (and web app) base URL of an organisation's node. */
  url(orgId: string): string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs `carechain up --demo-rate 0` in a fresh data dir and resolves once credentials.json is written.
 * `up` imports the Synthea patients before it writes them, which took over 240 s on a shared 2-core
 * machine under a load of 38, hence the generous bound (a bound, not an expectation). One retry on fresh ports: another process on this shared machine may take a port between our check
 * and the nodes' listen.
 */
export async function startUp(timeoutMs = 480_000): Promise<UpNetwork> {
  try {
    return await startUpOnce(timeoutMs);
  } catch (err) {
    console.error(`retrying carechain up once: ${String(err).slice(-2000)}`);
    return startUpOnce(timeoutMs);
  }
}

async function startUpOnce(timeoutMs: number): Promise<UpNetwork> {
  const dir = tempDir('carechain-web-');
  const basePort = await freeBasePort(UP_ORGS_MAX);
  let started: CarechainProcess;
  try {
    started = await spawnCarechain(
      ['up', '--data-dir', dir.path, '--base-port', String(basePort), '--demo-rate', '0'],
      { ready: /Demo identities and bearer tokens: /, timeoutMs },
    );
  } catch (err) {
    dir.remove();
    throw new Error(`carechain up did not come up:\n${String(err).slice(-4000)}`, { cause: err });
  }
  const { child, exited } = started;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGINT');
      await exited;
    }
    dir.remove();
  };
  const credentials = JSON.parse(readFileSync(join(dir.path, 'credentials.json'), 'utf8')) as DemoCredentials;
  return {
    dataDir: dir.path,
    credentials,
    url: (orgId) => {
      const org = credentials.organisations[orgId];
      if (org === undefined) throw new Error(`no organisation ${orgId} in credentials.json`);
      return org.apiBaseUrl;
    },
    output: () => started.output(),
    stop,
  };
}

/**
 * A staff key of an organisation for signing in through the app: the demo practitioner's seed from
 * credentials.json where `up` writes it, else a new practitioner registered with the org's admin key
 * (so the tests do not depend on which `up` wrote the file).
 */
export async function staffSeed(net: UpNetwork, orgId: string, role = 'physician'): Promise<string> {
  const seed = net.credentials.organisations[orgId]?.practitioner.seed;
  return seed ?? newStaffSeed(net, orgId, role);
}

/** A new practitioner of this role at the organisation, registered with its admin key; returns the seed. */
export async function newStaffSeed(net: UpNetwork, orgId: string, role: string): Promise<string> {
  const admin = readKeyFile(join(net.dataDir, orgId, ADMIN_KEY_FILE));
  const key = generateKeyPair();
  await commitTx(net.url(orgId), net.credentials.chainId, admin, 'membership.registerPractitioner', {
    orgId,
    practitionerKey: key.publicKey,
    role,
  });
  return toHex(key.seed);
}

/** A new browser page; bypassCSP because the app's CSP (script-src 'self') refuses axe's script tag. */
export async function newPage(browser: Browser, viewport = DESKTOP): Promise<Page> {
  return (await browser.newContext({ viewport, bypassCSP: true })).newPage();
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is, at the given viewport. */
export async function seriousViolations(
  p: Page,
  viewport: { width: number; height: number },
): Promise<string[]> {
  await p.setViewportSize(viewport);
  if (!(await p.evaluate('typeof window.axe !== "undefined"'))) await p.addScriptTag({ path: AXE });
  const violations = await p.evaluate<AxeViolation[]>(
    'window.axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** No serious or critical axe violation on the page at desktop and phone widths (then back to desktop). */
export async function noSeriousViolations(p: Page, where: string): Promise<void> {
  const found: string[] = [];
  for (const viewport of [DESKTOP, PHONE])
    for (const v of await seriousViolations(p, viewport)) found.push(`${where} ${viewport.width}px: ${v}`);
  await p.setViewportSize(DESKTOP);
  assert.deepEqual(found, []);
}

/** Creates a FHIR resource at a node with a bearer token; returns it as stored. */
export async function fhirCreate(
  net: UpNetwork,
  orgId: string,
  token: string,
  resource: object,
): Promise<any> {
  const type = (resource as { resourceType: string }).resourceType;
  const answer = await http(`${net.url(orgId)}/fhir/R4/${type}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify(resource),
  });
  if (answer.status !== 201)
    throw new Error(`create ${type}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** The demo patient's Patient resource and one Observation at the hospital; returns the Patient id. */
export async function seedPatientRecords(net: UpNetwork, patientIndex = 0): Promise<string> {
  return (await seedPatientObservation(net, patientIndex)).patientId;
}

/** As seedPatientRecords, with the Observation's id too (a claim cites it as documentation). */
export async function seedPatientObservation(
  net: UpNetwork,
  patientIndex = 0,
): Promise<{ patientId: string; observationId: string }> {
  const patient = net.credentials.patients[patientIndex]!;
  const token = net.credentials.organisations.hospital!.practitioner.token;
  const created = await fhirCreate(net, 'hospital', token, {
    resourceType: 'Patient',
    identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: patient.pseudonym }],
    name: [{ given: ['Ada'], family: 'Lovelace' }],
    birthDate: '1985-12-10',
  });
  const observation = await fhirCreate(net, 'hospital', token, {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8310-5', display: 'Body temperature' }] },
    subject: { reference: `Patient/${created.id}` },
    effectiveDateTime: '2026-03-01T09:30:00Z',
    valueQuantity: { value: 37.2, unit: 'Cel' },
  });
  return { patientId: created.id as string, observationId: observation.id as string };
}

/** An allergy, a condition and a medication for the patient, kept by the hospital: what an emergency
 * summary (break-glass) shows beside the seeded vitals. */
export async function seedEmergencyRecords(net: UpNetwork, patientId: string): Promise<void> {
  const token = net.credentials.organisations.hospital!.practitioner.token;
  const subject = { reference: `Patient/${patientId}` };
  await fhirCreate(net, 'hospital', token, {
    resourceType: 'AllergyIntolerance',
    patient: subject,
    code: { text: 'Penicillin' },
    recordedDate: '2025-01-05',
  });
  await fhirCreate(net, 'hospital', token, {
    resourceType: 'Condition',
    subject,
    code: { text: 'Type 2 diabetes' },
    onsetDateTime: '2019-06-01',
  });
  await fhirCreate(net, 'hospital', token, {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    subject,
    medicationCodeableConcept: { text: 'Metformin 500 mg' },
    authoredOn: '2025-02-01',
  });
}

/** Signs in through the app's sign-in page by importing a raw seed (as a user with credentials.json would). */
export async function signInWithSeed(
  page: Page,
  baseUrl: string,
  role: 'patient' | StaffRole,
  seed: string,
): Promise<void> {
  await page.goto(`${baseUrl}/signin/${role}`);
  const form = page.getByRole('form', { name: /Import/ });
  await form.getByLabel('Key seed (64 hexadecimal digits)').fill(seed);
  await form.getByLabel('New passphrase (at least 8 characters)').fill('demo passphrase');
  await form.getByLabel('Repeat the passphrase').fill('demo passphrase');
  await form.getByRole('button', { name: 'Import and sign in' }).click();
  await page.waitForURL(`${baseUrl}/${role}`, { timeout: 30_000 });
}

/** The code a patient shows a clinician (web/src/lib/patient-code.ts). */
export function patientCode(pseudonym: string, patientId: string): string {
  return JSON.stringify({ type: 'carechain-patient/v1', pseudonym, custodian: 'hospital', patientId });
}

/** Finds a patient on the clinician's screen by the code the patient shows, as a scan or a paste would. */
export async function findPatient(page: Page, pseudonym: string, patientId: string): Promise<void> {
  await page
    .getByLabel('Patient code (scanned or pasted) or carechain ID')
    .fill(patientCode(pseudonym, patientId));
  await page.getByRole('button', { name: 'Find' }).click();
}

/** A new page signed in as the hospital's physician, with the first demo patient found. */
export async function hospitalPhysicianWithPatient(
  net: UpNetwork,
  browser: Browser,
  patientId: string,
): Promise<Page> {
  const page = await newPage(browser);
  await signInWithSeed(page, net.url('hospital'), 'clinician', await staffSeed(net, 'hospital'));
  await findPatient(page, net.credentials.patients[0]!.pseudonym, patientId);
  return page;
}

/** A commissioned demo pack, and a code for one that was never commissioned. */
export interface DemoPack {
  readonly gtin: string;
  readonly lot: string;
  readonly expiry: string;
  readonly serial: string;
  /** GS1 element string, as a barcode scanner types it with parentheses. */
  readonly code: string;
  readonly counterfeitCode: string;
}

// Made-up but valid identifiers (GS1 check digits), apart from any the demo itself uses.
const GLN = { manufacturer: '9506000990019', pharmacy: '9506000990026' } as const;

async function supplyPost(net: UpNetwork, orgId: string, path: string, body: object): Promise<any> {
  const token = net.credentials.organisations[orgId]!.practitioner.token;
  const answer = await http(`${net.url(orgId)}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (answer.status >= 300)
    throw new Error(`${path} at ${orgId}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

function epcisDocument(events: object[]): object {
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date().toISOString(),
    epcisBody: { eventList: events },
  };
}

/**
 * Through the supply API as the demo staff would: the manufacturer registers a product and commissions
 * packs, and ships one to the pharmacy, which receives it. Needs `up`'s manufacturer organisation.
 */
export async function seedSupply(net: UpNetwork): Promise<DemoPack> {
  const gtin = '09506000990019';
  const lot = 'LOT42';
  const expiry = '2030-12-31';
  const serial = 'SN1001';
  const epc = `https://id.gs1.org/01/${gtin}/21/${serial}`;
  const time = { eventTime: new Date().toISOString(), eventTimeZoneOffset: '+00:00' };
  await supplyPost(net, 'manufacturer', '/api/v1/supply/products', {
    gtin,
    name: 'Amoxicillin',
    strength: '500 mg',
    dosageForm: 'capsule',
    packSize: '21 capsules',
  });
  await supplyPost(net, 'manufacturer', '/api/v1/supply/parties', { gln: GLN.manufacturer });
  await supplyPost(net, 'pharmacy', '/api/v1/supply/parties', { gln: GLN.pharmacy });
  await supplyPost(
    net,
    'manufacturer',
    '/epcis/capture',
    epcisDocument([
      {
        type: 'ObjectEvent',
        ...time,
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        epcList: [epc, `https://id.gs1.org/01/${gtin}/21/SN1002`],
        ilmd: { 'cbvmda:lotNumber': lot, 'cbvmda:itemExpirationDate': expiry },
      },
      {
        type: 'ObjectEvent',
        ...time,
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        epcList: [epc],
        destinationList: [{ type: 'owning_party', destination: `https://id.gs1.org/417/${GLN.pharmacy}` }],
      },
    ]),
  );
  await supplyPost(
    net,
    'pharmacy',
    '/epcis/capture',
    epcisDocument([
      {
        type: 'ObjectEvent',
        ...time,
        action: 'OBSERVE',
        bizStep: 'receiving',
        disposition: 'in_progress',
        epcList: [epc],
      },
    ]),
  );
  const yymmdd = expiry.slice(2).replace(/-/g, '');
  return {
    gtin,
    lot,
    expiry,
    serial,
    code: `(01)${gtin}(21)${serial}(10)${lot}(17)${yymmdd}`,
    counterfeitCode: `https://id.gs1.org/01/${gtin}/21/FAKE999?10=${lot}&17=${yymmdd}`,
  };
}
