// The world the fuzzer attacks: a real multi-process network (test/harness/network.ts) of the demo's
// organisation types, an identity for every demo role with a real token from its own node, bad tokens of
// every kind, and canary records: Observations whose text is a unique random string, so that any answer
// carrying one can be traced to the patient it belongs to.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import type { OrganisationType, PractitionerRole } from '../../src/app/membership/types.ts';
import { CONSORTIUM } from '../../src/cli/demo-credentials.ts';
import { toHex } from '../../src/core/bytes.ts';
import type { SignedTx } from '../../src/core/tx.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';
import { TokenIssuer } from '../../src/api/auth/tokens.ts';
import { scopesOf } from '../../src/services/auth/scopes.ts';
import { PRACTITIONER_SCOPES_DEFAULT } from '../../src/api/auth/practitioner-login.ts';
import { acceptProxy, PatientClient } from '../../src/client/patient-client.ts';
import { loadDemoSupply, type DemoSupply } from '../../src/cli/demo-supply.ts';
import { generateKeyPair, readKeyFile, type KeyPair } from '../../src/node/keys.ts';
import { http, postJson, waitFor } from '../harness/http.ts';
import { startNetwork, type RunningNetwork } from '../harness/network.ts';
import { tempDir } from '../harness/chain.ts';
import type { Pools } from './routes.ts';

/** The custodian of every canary record, and the organisation patient A lets read Observations. */
export const CUSTODIAN = 'hospital';
export const CONSENTED_ORG = 'clinic';

/** Whom break-glass is for, as issue 10 sets it: clinical roles at care-giving organisation types. */
const CARE_GIVING: ReadonlySet<string> = new Set(['hospital', 'clinic']);
const CLINICAL: ReadonlySet<string> = new Set(['physician', 'nurse']);

export interface Role {
  /** e.g. "patient-a", "clinic/physician", "anonymous", "expired-token". */
  readonly name: string;
  /** The node (index into World.urls) that issued the token, where the role normally calls. */
  readonly home: number;
  /** The Authorization header value, or undefined for none. */
  readonly authorization: string | undefined;
  /** The key it signs txs with, if any. */
  readonly key?: KeyPair;
  /** False for the bad tokens: no session of theirs can be ended. */
  readonly live: boolean;
  /** Clinical staff of a care-giving organisation: whom break-glass is for (issue 10, finding 1). */
  readonly mayBreakGlass: boolean;
  /** Whose records it may see (pseudonyms), beyond what break-glass releases; '*' for every patient. */
  readonly mayRead: readonly string[] | '*';
}

export interface Canary {
  readonly text: string;
  readonly pseudonym: string;
  readonly recordId: string;
  readonly resourceType: string;
}

/** The world's ids are the pools the route generators aim at (routes.ts). */
export interface World extends Pick<
  Pools,
  'chainId' | 'pseudonyms' | 'recordIds' | 'patientIds' | 'txHashes'
> {
  readonly net: RunningNetwork;
  readonly urls: readonly string[];
  readonly roles: readonly Role[];
  readonly canaries: readonly Canary[];
  /** Txs committed during set-up, for replays and re-signing. */
  readonly setupTxs: readonly SignedTx[];
  readonly supply: DemoSupply;
  /** A key with no identity on chain, for re-signing. */
  readonly stranger: KeyPair;
  stop(): Promise<void>;
}

/** Practitioner roles of each organisation: its demo role, plus an admin at the custodian. */
function practitionerRoles(): { org: OrganisationType; role: PractitionerRole }[] {
  return [
    ...CONSORTIUM.map((m) => ({ org: m.name, role: m.role })),
    { org: 'hospital', role: 'admin' },
    { org: 'hospital', role: 'nurse' },
  ];
}

async function issuerAt(net: RunningNetwork, org: string, clockOffsetMs = 0): Promise<TokenIssuer> {
  const url = net.url(org);
  return TokenIssuer.create(
    { issuer: url, audience: `${url}/fhir/R4`, seed: readKeyFile(join(net.dir(org), 'node-key.json')).seed },
    {
      clock: { nowMs: () => Date.now() + clockOffsetMs },
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    },
  );
}

/** A Patient naming the on-chain pseudonym, with the canary as family name. */
function canaryPatient(pseudonym: string, text: string): object {
  return {
    resourceType: 'Patient',
    identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }],
    name: [{ family: text, given: ['Fuzz'] }],
  };
}

/** An Observation about the Patient record `patientId` whose only free text is the canary. */
function canaryObservation(patientId: string, text: string): object {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: `Patient/${patientId}` },
    valueString: text,
    note: [{ text }],
  };
}

/** A string no request of the fuzzer can contain: it learns canaries only from answers. */
const canaryText = (): string => `FUZZCANARY${toHex(randomBytes(12))}`;

/** Starts the network and builds the world; `prefix` names the temp folder. */
export async function startWorld(prefix = 'carechain-fuzz-'): Promise<World> {
  // The demo consortium (`carechain up`): its organisation types, voting powers and staff roles.
  const members = CONSORTIUM.map((m) => ({ name: m.name, type: m.name, power: m.power }));
  // Every node holds the members' claim-line fingerprint key (node.json claims.networkKeyFile), so fuzzed
  // claims get past claims.no_network_key to the checks behind it (issue 17).
  const keyDir = tempDir(`${prefix}claims-key-`);
  const networkKeyFile = join(keyDir.path, 'claims-network-key');
  writeFileSync(networkKeyFile, `${toHex(randomBytes(32))}\n`, { mode: 0o600 });
  let net: RunningNetwork;
  try {
    net = await startNetwork(prefix, members, 'carechain-fuzz', undefined, { claims: { networkKeyFile } });
  } catch (err) {
    keyDir.remove();
    throw err;
  }
  try {
    const world = await buildWorld(net);
    return {
      ...world,
      stop: async () => {
        await world.stop();
        keyDir.remove();
      },
    };
  } catch (err) {
    await net.stop('SIGKILL');
    keyDir.remove();
    throw err;
  }
}

async function buildWorld(net: RunningNetwork): Promise<World> {
  const urls = net.apiUrls;
  const home = (org: string) => net.names.indexOf(org);
  // Wait until every node follows the chain (the members meet over P2P first).
  const met = await waitFor(async () => {
    const heights = await Promise.all(urls.map(async (u) => (await http(`${u}/api/v1/status`)).body.height));
    return heights.every((h: number) => h >= 1);
  }, 120_000);
  if (!met) throw new Error('the fuzz network did not start committing');

  const roles: Role[] = [];
  const practitioners: { org: string; role: PractitionerRole; key: KeyPair; token: string }[] = [];
  for (const { org, role } of practitionerRoles()) {
    const key = generateKeyPair();
    const token = await net.registerPractitioner(org, key, role);
    practitioners.push({ org, role, key, token });
  }

  // Patients A and B in the hospital's care, A's guardian, and C (no records: the one erasure target).
  const patientUrl = net.url(CUSTODIAN);
  const patients = ['a', 'b', 'c'].map((label) => {
    const key = generateKeyPair();
    return { label, key, client: new PatientClient(patientUrl, key.seed) };
  });
  for (const p of patients) await p.client.register(CUSTODIAN);
  const [a, b] = patients as [(typeof patients)[0], (typeof patients)[0]];
  const guardian = generateKeyPair();
  const acceptance = acceptProxy(guardian.seed, net.chainId, a.client.pseudonym, 'guardian');
  await a.client.appointProxy(acceptance.proxyKey, 'guardian', acceptance.proxySignature);
  await a.client.grantOrganisation({
    orgId: CONSENTED_ORG,
    resourceTypes: ['Observation'],
    purposes: ['TREAT'],
    untilMs: null,
  });

  // Canary records, written by the hospital's physician as any clinical system would.
  const physician = practitioners.find((p) => p.org === CUSTODIAN && p.role === 'physician')!;
  const canaries: Canary[] = [];
  const patientIds: string[] = [];
  const create = async (resource: object): Promise<string> => {
    const created = await http(
      `${patientUrl}/fhir/R4/${(resource as { resourceType: string }).resourceType}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${physician.token}`, 'content-type': 'application/fhir+json' },
        body: JSON.stringify(resource),
      },
    );
    if (created.status !== 201) {
      throw new Error(`canary record refused (${created.status}): ${JSON.stringify(created.body)}`);
    }
    return created.body.id as string;
  };
  for (const p of [a, b]) {
    const pseudonym = p.client.pseudonym;
    const name = canaryText();
    const patientId = await create(canaryPatient(pseudonym, name));
    patientIds.push(patientId);
    canaries.push({ text: name, pseudonym, recordId: patientId, resourceType: 'Patient' });
    for (let i = 0; i < 2; i++) {
      const text = canaryText();
      const recordId = await create(canaryObservation(patientId, text));
      canaries.push({ text, pseudonym, recordId, resourceType: 'Observation' });
    }
  }

  for (const p of practitioners) {
    // Consent is opt-in for the custodian's own staff too: only the consented clinic may read A's.
    const mayRead = p.org === CONSENTED_ORG && p.role === 'physician' ? [a.client.pseudonym] : [];
    roles.push({
      name: `${p.org}/${p.role}`,
      home: home(p.org),
      authorization: `Bearer ${p.token}`,
      key: p.key,
      live: true,
      mayBreakGlass: CARE_GIVING.has(p.org) && CLINICAL.has(p.role),
      mayRead,
    });
  }
  for (const p of patients) {
    const { accessToken } = await p.client.login();
    roles.push({
      name: `patient-${p.label}`,
      home: home(CUSTODIAN),
      authorization: `Bearer ${accessToken}`,
      key: p.key,
      live: true,
      mayBreakGlass: false,
      mayRead: [p.client.pseudonym],
    });
  }
  const proxyLogin = await new PatientClient(patientUrl, guardian.seed, a.client.pseudonym).login();
  roles.push({
    name: 'proxy-of-a',
    home: home(CUSTODIAN),
    authorization: `Bearer ${proxyLogin.accessToken}`,
    key: guardian,
    live: true,
    mayBreakGlass: false,
    mayRead: [a.client.pseudonym],
  });
  roles.push({
    name: 'anonymous',
    home: 0,
    authorization: undefined,
    live: false,
    mayBreakGlass: false,
    mayRead: [],
  });
  roles.push(...(await badTokenRoles(net, physician, a.client.pseudonym)));

  const supply = await loadDemoSupply({
    manufacturer: staffAt(net, practitioners, 'manufacturer'),
    distributor: staffAt(net, practitioners, 'distributor'),
    pharmacy: staffAt(net, practitioners, 'pharmacy'),
    progress: () => {},
  });

  const setup = await setupTxs(net);
  return {
    net,
    urls,
    chainId: net.chainId,
    roles,
    canaries,
    pseudonyms: patients.map((p) => p.client.pseudonym),
    recordIds: canaries.map((c) => c.recordId),
    patientIds,
    setupTxs: setup.txs,
    txHashes: setup.hashes,
    supply,
    stranger: generateKeyPair(),
    stop: () => net.stop('SIGKILL'),
  };
}

function staffAt(
  net: RunningNetwork,
  practitioners: readonly { org: string; token: string }[],
  org: string,
): { apiUrl: string; token: string } {
  return { apiUrl: net.url(org), token: practitioners.find((p) => p.org === org)!.token };
}

/** Tokens that must all be refused: expired, signed by a key no node has, malformed, logged out. */
async function badTokenRoles(
  net: RunningNetwork,
  physician: { key: KeyPair },
  pseudonym: string,
): Promise<Role[]> {
  const hospital = net.names.indexOf(CUSTODIAN);
  const scopes = scopesOf(PRACTITIONER_SCOPES_DEFAULT);
  const claims = {
    subject: physician.key.publicKey,
    kind: 'practitioner' as const,
    orgId: CUSTODIAN,
    scopes,
  };
  // Issued two hours ago for an hour: expired an hour ago.
  const expired = (await (await issuerAt(net, CUSTODIAN, -2 * 60 * 60 * 1000)).issue(claims)).accessToken;
  const url = net.url(CUSTODIAN);
  const forged = await TokenIssuer.create(
    { issuer: url, audience: `${url}/fhir/R4`, seed: generateKeyPair().seed },
    { clock: { nowMs: () => Date.now() }, randomBytes: (n) => new Uint8Array(randomBytes(n)) },
  );
  const forgedToken = (await forged.issue(claims)).accessToken;
  // A patient token naming patient A's pseudonym for a key that is not A's: the chain says otherwise.
  const impostor = (
    await (
      await issuerAt(net, CUSTODIAN)
    ).issue({
      subject: generateKeyPair().publicKey,
      kind: 'patient',
      patient: pseudonym,
      scopes: scopesOf('patient/*.rs'),
    })
  ).accessToken;
  // A real session, logged out: its token must be refused from then on.
  const session = await (await issuerAt(net, CUSTODIAN)).issueRefresh({ ...claims, ttlMs: 60 * 60 * 1000 });
  const loggedOut = (
    await (await issuerAt(net, CUSTODIAN)).issue({ ...claims, sessionId: session.claims.sid! })
  ).accessToken;
  const logout = await postJson(`${url}/auth/logout`, {}, loggedOut);
  if (logout.status >= 300)
    throw new Error(`logout refused (${logout.status}): ${JSON.stringify(logout.body)}`);
  const bad = (name: string, authorization: string): Role => ({
    name,
    home: hospital,
    authorization,
    live: false,
    mayBreakGlass: false,
    mayRead: [],
  });
  return [
    bad('expired-token', `Bearer ${expired}`),
    bad('forged-token', `Bearer ${forgedToken}`),
    bad('impostor-patient-token', `Bearer ${impostor}`),
    bad('logged-out-token', `Bearer ${loggedOut}`),
    bad('garbage-token', `Bearer ${toHex(randomBytes(40))}`),
    bad('wrong-scheme', `Basic ${Buffer.from('admin:admin').toString('base64')}`),
  ];
}

/** The set-up's committed txs (membership, consent), read back from the blocks, for replays. */
async function setupTxs(net: RunningNetwork): Promise<{ txs: SignedTx[]; hashes: string[] }> {
  const url = net.apiUrls[0]!;
  const tip = (await http(`${url}/api/v1/status`)).body.height as number;
  const txs: SignedTx[] = [];
  const hashes: string[] = [];
  for (let h = 1; h <= tip; h++) {
    const block = (await http(`${url}/api/v1/blocks/${h}`)).body;
    for (const hash of (block?.txHashes ?? []) as string[]) {
      hashes.push(hash);
      txs.push((await http(`${url}/api/v1/txs/${hash}`)).body.tx);
    }
  }
  return { txs, hashes };
}

export { patientPseudonym };
