// The one network builder of the tests and benchmarks: node folders made with the same functions as
// `carechain init` and `carechain genesis`, each node a separate `carechain node` process on loopback,
// and what a client of theirs needs (sign and commit a tx through a node's API, register staff with
// the organisation's admin key, register a patient, tokens signed as the node signs them).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATIENT_SCOPES_DEFAULT } from '../../src/api/auth/patient-login.ts';
import { PRACTITIONER_SCOPES_DEFAULT } from '../../src/api/auth/practitioner-login.ts';
import { scopesOf } from '../../src/services/auth/scopes.ts';
import { TokenIssuer } from '../../src/api/auth/tokens.ts';
import { signDelegation, type SignedDelegation } from '../../src/contract/delegation.ts';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import type { OrganisationType, PractitionerRole } from '../../src/app/membership/types.ts';
import type { RecordsGenesis } from '../../src/app/records/policy.ts';
import type { CanonicalValue } from '../../src/core/canonical.ts';
import { signTx, type SignedTx } from '../../src/core/tx.ts';
import { systemClock } from '../../src/node/env.ts';
import {
  ADMIN_KEY_FILE,
  buildGenesis,
  CONFIG_FILE,
  initNodeDir,
  type MemberFile,
} from '../../src/node/config.ts';
import { generateKeyPair, readKeyFile, type KeyPair } from '../../src/node/keys.ts';
import { tempDir } from './chain.ts';
import { freePorts, getJson, heightOf, http, postJson, waitFor, type HttpAnswer } from './http.ts';
import { startNodeProcess, stopProcesses, type NodeProcess } from './process.ts';

/** One organisation of a test network; a bare name is a hospital with voting power 10. */
export interface MemberSpec {
  readonly name: string;
  readonly type?: OrganisationType;
  /** Voting power; 0 makes a member that follows the chain without voting. */
  readonly power?: number;
}

export interface TestNetwork {
  readonly chainId: string;
  readonly names: readonly string[];
  readonly dirs: readonly string[];
  readonly apiUrls: readonly string[];
  url(name: string): string;
  dir(name: string): string;
}

/** Makes node folders for `members`, with a shared genesis and peer list, on fresh loopback ports. */
export async function makeNetwork(
  root: string,
  members: readonly (string | MemberSpec)[],
  chainId = 'carechain-test-net',
  records?: Partial<RecordsGenesis>,
): Promise<TestNetwork> {
  const specs = members.map((m) => (typeof m === 'string' ? { name: m } : m));
  const ports = await freePorts(specs.length * 2);
  const memberFiles: MemberFile[] = [];
  const names = specs.map((s) => s.name);
  const dirs = specs.map((spec, i) => {
    const dir = join(root, spec.name);
    const { member } = initNodeDir(dir, {
      name: spec.name,
      type: spec.type ?? 'hospital',
      power: spec.power ?? 10,
      api: { host: '127.0.0.1', port: ports[2 * i]! },
      p2p: { host: '127.0.0.1', port: ports[2 * i + 1]! },
    });
    memberFiles.push(member);
    return dir;
  });
  const { genesis, peers } = buildGenesis(chainId, Date.now(), memberFiles, records);
  for (const dir of dirs) {
    writeFileSync(join(dir, 'genesis.json'), JSON.stringify(genesis));
    writeFileSync(join(dir, 'peers.json'), JSON.stringify(peers));
  }
  const apiUrls = names.map((_, i) => `http://127.0.0.1:${ports[2 * i]}`);
  const indexOf = (name: string): number => {
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`no member ${name} in this network`);
    return i;
  };
  return {
    chainId,
    names,
    dirs,
    apiUrls,
    url: (name) => apiUrls[indexOf(name)]!,
    dir: (name) => dirs[indexOf(name)]!,
  };
}

export function readGenesis(dir: string): unknown {
  return JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8'));
}

/** Waits until every node has committed at least `atLeast` (so each answers from that state). */
export async function allAtHeight(net: TestNetwork, atLeast: number, timeoutMs = 30_000): Promise<void> {
  const ok = await waitFor(
    async () => (await Promise.all(net.apiUrls.map(heightOf))).every((h) => h >= atLeast),
    timeoutMs,
  );
  if (!ok) throw new Error(`the nodes did not all reach height ${atLeast}`);
}

export interface Committed {
  readonly hash: string;
  readonly height: number;
}

/**
 * Signs a tx with the signer's next nonce (as the node knows it), submits it at a node's public API
 * and resolves once that node has committed it.
 */
export async function commitTx(
  apiUrl: string,
  chainId: string,
  signer: KeyPair,
  type: string,
  payload: CanonicalValue,
): Promise<Committed> {
  const account = (await http(`${apiUrl}/api/v1/accounts/${signer.publicKey}`)).body as { nonce?: number };
  const tx = signTx(signer.seed, { chainId, type, payload, nonce: (account.nonce ?? 0) + 1 });
  const submitted = await http(`${apiUrl}/api/v1/txs?wait=commit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tx),
  });
  if (submitted.status === 200) return { hash: submitted.body.hash, height: submitted.body.height };
  if (submitted.status !== 202) {
    throw new Error(`${type} refused (${submitted.status}): ${JSON.stringify(submitted.body)}`);
  }
  // 202: accepted, but the node's own wait ran out (a loaded machine); keep waiting for the commit.
  let found: HttpAnswer | undefined;
  const committed = await waitFor(async () => {
    found = await http(`${apiUrl}/api/v1/txs/${submitted.body.hash}`);
    return found.status === 200;
  }, 120_000);
  if (!committed) throw new Error(`${type} was not committed`);
  return { hash: submitted.body.hash, height: found!.body.height };
}

/**
 * A key the network does not know yet enrols as a patient at `apiUrl` (the one tx such a key may send)
 * and answers the node's reply to the submission, whatever its status.
 */
export function enrolNewPatient(apiUrl: string, chainId: string, timeoutMs: number): Promise<HttpAnswer> {
  const tx = signTx(generateKeyPair().seed, {
    chainId,
    type: 'membership.registerPatient',
    payload: {},
    nonce: 1,
  });
  return http(`${apiUrl}/api/v1/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tx),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** A node's token issuer, as the node itself signs: its key, its API URL as iss, its FHIR base as aud. */
export function issuerOf(dir: string, apiUrl: string): Promise<TokenIssuer> {
  return TokenIssuer.create(
    { issuer: apiUrl, audience: `${apiUrl}/fhir/R4`, seed: readKeyFile(join(dir, 'node-key.json')).seed },
    { clock: systemClock, randomBytes: (n) => new Uint8Array(randomBytes(n)) },
  );
}

/**
 * What a practitioner signing in at `org`'s node with `key` signs beside the challenge (finding 8): a
 * delegation to that node, so that its token can cross nodes. `options` are signDelegation's.
 */
export function delegationFor(
  net: TestNetwork,
  org: string,
  key: KeyPair,
  options: Partial<Parameters<typeof signDelegation>[3]> = {},
): SignedDelegation {
  const nodeKey = readKeyFile(join(net.dir(org), 'node-key.json')).publicKey;
  return signDelegation(key.seed, net.chainId, { nodeKey, orgId: org }, { nowMs: Date.now(), ...options });
}

/**
 * Registers a practitioner with the org's admin key and returns their token from the org's node, as a
 * sign-in with their key gets it: carrying their signed delegation to the node.
 */
export async function registerPractitioner(
  net: TestNetwork,
  org: string,
  key: KeyPair,
  role: PractitionerRole,
): Promise<string> {
  const admin = readKeyFile(join(net.dir(org), ADMIN_KEY_FILE));
  await commitTx(net.url(org), net.chainId, admin, 'membership.registerPractitioner', {
    orgId: org,
    practitionerKey: key.publicKey,
    role,
  });
  const issuer = await issuerOf(net.dir(org), net.url(org));
  const claims = { subject: key.publicKey, kind: 'practitioner' as const, orgId: org };
  const scopes = scopesOf(PRACTITIONER_SCOPES_DEFAULT);
  const delegation = delegationFor(net, org, key);
  return (await issuer.issue({ ...claims, scopes, delegation })).accessToken;
}

/** Registers a patient in the custodian's care and returns their token from the custodian's node. */
export async function registerPatient(net: TestNetwork, custodian: string, key: KeyPair): Promise<string> {
  await commitTx(net.url(custodian), net.chainId, key, 'membership.registerPatient', {
    custodianOrgId: custodian,
  });
  return patientToken(net, custodian, key);
}

/**
 * A patient's token from `org`'s node, as a sign-in with their key gets it: carrying their signed
 * delegation to that node (issue 13), unless `delegated` is false, so their other custodians answer it.
 */
export async function patientToken(
  net: TestNetwork,
  org: string,
  key: KeyPair,
  delegated = true,
): Promise<string> {
  const issuer = await issuerOf(net.dir(org), net.url(org));
  const scopes = PATIENT_SCOPES_DEFAULT;
  const delegation = delegated ? { delegation: delegationFor(net, org, key, { scopes }) } : {};
  return (
    await issuer.issue({
      subject: key.publicKey,
      kind: 'patient',
      patient: patientPseudonym(key.publicKey),
      scopes: scopesOf(scopes),
      ...delegation,
    })
  ).accessToken;
}

export interface Staff {
  readonly orgId: string;
  readonly key: KeyPair;
  readonly token: string;
  readonly apiUrl: string;
}

/** Registers a new practitioner key at `org` and keeps what a client of theirs needs. */
export async function registerStaff(net: TestNetwork, org: string, role: PractitionerRole): Promise<Staff> {
  const key = generateKeyPair();
  const token = await registerPractitioner(net, org, key, role);
  return { orgId: org, key, token, apiUrl: net.url(org) };
}

/** A JSON client for one staff member at their own node (or at another node's URL). */
export function staffClient(staff: Pick<Staff, 'token' | 'apiUrl'>, apiUrl = staff.apiUrl) {
  const headers = { authorization: `Bearer ${staff.token}`, 'content-type': 'application/json' };
  return {
    get: (path: string) => http(`${apiUrl}${path}`, { headers }),
    post: (path: string, body: unknown, contentType = 'application/json') =>
      http(`${apiUrl}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': contentType },
        body: JSON.stringify(body),
      }),
  };
}

export interface RunningNetwork extends TestNetwork {
  readonly nodes: NodeProcess[];
  /** Signs (with the next nonce the node knows) and submits a tx at `at`, waiting for its commit. */
  commit(at: string, signer: KeyPair, type: string, payload: CanonicalValue): Promise<Committed>;
  signed(signer: KeyPair, type: string, payload: CanonicalValue, nonce: number): SignedTx;
  registerPractitioner(org: string, key: KeyPair, role: PractitionerRole): Promise<string>;
  registerPatient(custodian: string, key: KeyPair): Promise<string>;
  registerStaff(org: string, role: PractitionerRole): Promise<Staff>;
  /**
   * Stops every node that still runs and removes the folders: SIGTERM lets profilers and logs flush,
   * SIGKILL is for tests that only need the machine back.
   */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Stops every node that still runs and keeps the folders, for a test that reads them afterwards. */
  halt(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** The four organisations of the records tests and benchmarks. */
export const ORGS = ['hospital', 'clinic', 'pharmacy', 'insurer'] as const;
export type Org = (typeof ORGS)[number];

/**
 * Makes the folders in a fresh temp directory and starts every node; resolves once all APIs listen.
 * `nodeConfig` fields are added to every node.json (a bench's raised limits, say).
 */
export async function startNetwork(
  prefix: string,
  members: readonly (string | MemberSpec)[] = ORGS,
  chainId?: string,
  records?: Partial<RecordsGenesis>,
  nodeConfig: Readonly<Record<string, unknown>> = {},
): Promise<RunningNetwork> {
  const root = tempDir(prefix);
  const net = await makeNetwork(root.path, members, chainId, records);
  for (const dir of net.dirs) {
    const path = join(dir, CONFIG_FILE);
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...nodeConfig }));
  }
  const started = await Promise.allSettled(net.dirs.map((dir) => startNodeProcess(dir)));
  const nodes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const halt = (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => stopProcesses(nodes, signal);
  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') => {
    await halt(signal);
    root.remove();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed !== undefined) {
    await stop('SIGKILL');
    throw failed.reason;
  }
  return {
    ...net,
    nodes,
    commit: (at, signer, type, payload) => commitTx(at, net.chainId, signer, type, payload),
    signed: (signer, type, payload, nonce) =>
      signTx(signer.seed, { chainId: net.chainId, type, payload, nonce }),
    registerPractitioner: (org, key, role) => registerPractitioner(net, org, key, role),
    registerPatient: (custodian, key) => registerPatient(net, custodian, key),
    registerStaff: (org, role) => registerStaff(net, org, role),
    stop,
    halt,
  };
}

/** The patient signs an erasure of all their records (next nonce as node `at` sees it) and posts it there. */
export async function requestErasureOfAll(
  net: Pick<RunningNetwork, 'signed'>,
  at: string,
  patient: KeyPair,
  patientToken: string,
): Promise<HttpAnswer> {
  const account = (await getJson(`${at}/api/v1/accounts/${patient.publicKey}`)) as { nonce: number };
  const payload = { patientPseudonym: patientPseudonym(patient.publicKey), recordIds: 'all' };
  const tx = net.signed(patient, 'records.requestErasure', payload, account.nonce + 1);
  return postJson(`${at}/api/v1/patients/me/erasure`, { tx }, patientToken);
}
