// `carechain up` (what `npm start` runs): a local consortium of four validators — a hospital, a clinic,
// a pharmacy and an insurer — each a separate `carechain node` process with its own data directory,
// talking over mutual TLS on loopback. Created on first start, resumed on the next; Ctrl-C stops all.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PATIENT_SCOPES_DEFAULT } from '../../api/auth/patient-login.ts';
import { PRACTITIONER_SCOPES_DEFAULT } from '../../api/auth/practitioner-login.ts';
import { scopesOf } from '../../api/auth/scopes.ts';
import { TokenIssuer } from '../../api/auth/tokens.ts';
import { patientPseudonym } from '../../app/membership/index.ts';
import type { PractitionerRole } from '../../app/membership/types.ts';
import { toHex } from '../../core/bytes.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { signTx } from '../../core/tx.ts';
import { systemClock } from '../../node/clock.ts';
import {
  ADMIN_KEY_FILE,
  buildGenesis,
  CONFIG_FILE,
  initNodeDir,
  type HostPort,
  type NodeConfigFile,
  type PeerEntry,
} from '../../node/config.ts';
import { generateKeyPair, readKeyFile, type KeyPair } from '../../node/keys.ts';
import { startDemoLoad } from '../demo-load.ts';
import { apiBaseUrl, fhirBaseUrl } from './node.ts';
import { untilSignal } from './shutdown.ts';

export const CONSORTIUM = ['hospital', 'clinic', 'pharmacy', 'insurer'] as const;
const CARECHAIN_BIN = fileURLToPath(new URL('../../../bin/carechain.mjs', import.meta.url));
/** P2P ports sit this far above the API ports. */
const P2P_PORT_OFFSET = 1000;
/** The demo identities and their ready bearer tokens, in the data directory (mode 0600). */
export const CREDENTIALS_FILE = 'credentials.json';
/** The demo practitioner each organisation registers, by its role. */
const DEMO_ROLES: Record<(typeof CONSORTIUM)[number], PractitionerRole> = {
  hospital: 'physician',
  clinic: 'physician',
  pharmacy: 'pharmacist',
  insurer: 'claims-officer',
};
const DEMO_PATIENTS = 2;
const DEMO_CUSTODIAN = 'hospital';
/** Demo tokens last long enough to play with; a real client logs in again each hour. */
const DEMO_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** How long the demo registrations may take to commit (the nodes may still be meeting each other). */
const DEMO_COMMIT_TIMEOUT_MS = 60_000;

export interface UpOptions {
  readonly dataDir: string;
  readonly basePort: number;
  readonly demoTxsPerSecond: number;
}

/** Creates the four node folders and a shared genesis on first start; (re)writes ports every start. */
function prepareConsortium(dataDir: string, basePort: number): { dirs: string[]; created: boolean } {
  const dirs = CONSORTIUM.map((name) => join(dataDir, name));
  const created = !existsSync(join(dirs[0]!, CONFIG_FILE));
  const ports = (i: number) => ({
    api: { host: '127.0.0.1', port: basePort + i },
    p2p: { host: '127.0.0.1', port: basePort + P2P_PORT_OFFSET + i },
  });
  if (created) {
    const members = CONSORTIUM.map(
      (name, i) => initNodeDir(dirs[i]!, { name, type: name, power: 10, ...ports(i) }).member,
    );
    const { genesis } = buildGenesis('carechain-local', Date.now(), members);
    for (const dir of dirs) writeFileSync(join(dir, 'genesis.json'), JSON.stringify(genesis, null, 2) + '\n');
  }
  // Ports are configuration, not consensus: rewrite them from --base-port on every start.
  const peers: PeerEntry[] = [];
  dirs.forEach((dir, i) => {
    const path = join(dir, CONFIG_FILE);
    const config = { ...(JSON.parse(readFileSync(path, 'utf8')) as NodeConfigFile), ...ports(i) };
    writeFileSync(path, JSON.stringify(config, null, 2) + '\n');
    const member = JSON.parse(readFileSync(join(dir, 'member.json'), 'utf8')) as { publicKey: string };
    peers.push({
      name: config.name,
      publicKey: member.publicKey,
      host: config.p2p.host,
      port: config.p2p.port,
    });
  });
  for (const dir of dirs) writeFileSync(join(dir, 'peers.json'), JSON.stringify(peers, null, 2) + '\n');
  return { dirs, created };
}

function startNodeProcess(dir: string, name: string): { child: ChildProcess; apiUrl: Promise<string> } {
  const child = spawn(process.execPath, [CARECHAIN_BIN, 'node', '--config', join(dir, CONFIG_FILE)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const apiUrl = new Promise<string>((resolveUrl, reject) => {
    let pending = '';
    const onLine = (line: string): void => {
      console.log(`[${name}] ${line}`);
      const match = /API listening on (\S+),/.exec(line);
      if (match) resolveUrl(match[1]!);
    };
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.on('exit', (code) => reject(new Error(`${name} exited with code ${code}`)));
  });
  return { child, apiUrl };
}

export async function runUp(options: UpOptions): Promise<void> {
  const dataDir = resolve(options.dataDir);
  const { dirs, created } = prepareConsortium(dataDir, options.basePort);
  console.log(
    created
      ? `Created a 4-validator consortium in ${dataDir}`
      : `Resuming the consortium stored in ${dataDir}`,
  );
  const nodes = dirs.map((dir, i) => ({ name: CONSORTIUM[i]!, ...startNodeProcess(dir, CONSORTIUM[i]!) }));
  const stopAll = async (): Promise<void> => {
    await Promise.all(
      nodes.map(
        ({ child }) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  let urls: string[];
  try {
    urls = await Promise.all(nodes.map((n) => n.apiUrl));
  } catch (err) {
    await stopAll();
    throw err;
  }
  console.log('\ncarechain consortium is up:');
  nodes.forEach((n, i) => console.log(`  ${n.name.padEnd(10)} ${urls[i]}/api/v1/status`));
  const credentialsPath = join(dataDir, CREDENTIALS_FILE);
  if (created || !existsSync(credentialsPath)) {
    try {
      await writeDemoCredentials(dirs, credentialsPath);
    } catch (err) {
      await stopAll();
      throw err;
    }
  }
  console.log(`Demo identities and bearer tokens: ${credentialsPath}`);
  const stopDemo =
    options.demoTxsPerSecond > 0 ? startDemoLoad(urls, dataDir, options.demoTxsPerSecond) : () => {};
  console.log('Press Ctrl-C to stop all four nodes.\n');
  await untilSignal(async () => {
    stopDemo();
    console.log('\nStopping…');
    await stopAll();
  });
}

// ---- Demo identities ------------------------------------------------------------------------------

interface NodeDirInfo {
  readonly orgId: string;
  readonly dir: string;
  readonly api: HostPort;
}

function nodeDirInfo(dir: string): NodeDirInfo {
  const config = JSON.parse(readFileSync(join(dir, CONFIG_FILE), 'utf8')) as NodeConfigFile;
  return { orgId: config.name, dir, api: config.api };
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Signs and submits a tx through a node's public API, and waits until it is committed. */
async function submitAndCommit(
  apiUrl: string,
  chainId: string,
  signer: KeyPair,
  type: string,
  payload: CanonicalValue,
): Promise<void> {
  const account = (await (await fetch(`${apiUrl}/api/v1/accounts/${signer.publicKey}`)).json()) as {
    nonce?: number;
  };
  const tx = signTx(signer.seed, { chainId, type, payload, nonce: (account.nonce ?? 0) + 1 });
  const deadline = Date.now() + DEMO_COMMIT_TIMEOUT_MS;
  const submitted = await postJson(`${apiUrl}/api/v1/txs`, tx);
  if (submitted.status !== 200 && submitted.status !== 202) {
    throw new Error(`${type} was refused (${submitted.status}): ${JSON.stringify(submitted.body)}`);
  }
  const { hash, status } = submitted.body as { hash: string; status: string };
  if (status === 'committed') return;
  while (Date.now() < deadline) {
    if ((await fetch(`${apiUrl}/api/v1/txs/${hash}`)).status === 200) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`${type} was not committed within ${DEMO_COMMIT_TIMEOUT_MS / 1000} s`);
}

/** Signs tokens as the node of `info` would: its key, its API URL as iss, its FHIR base URL as aud. */
function issuerFor(info: NodeDirInfo): Promise<TokenIssuer> {
  return TokenIssuer.create(
    {
      issuer: apiBaseUrl(info.api),
      audience: fhirBaseUrl(info.api),
      seed: readKeyFile(join(info.dir, 'node-key.json')).seed,
      ttlMsMax: DEMO_TOKEN_TTL_MS,
    },
    { clock: systemClock, randomBytes: (n) => new Uint8Array(randomBytes(n)) },
  );
}

/**
 * Registers a demo practitioner at each organisation (signed by its admin key) and demo patients in
 * the hospital's care (signed by their own new keys), all through the public API, then writes their
 * identities and ready bearer tokens, signed with each node's own key, to credentialsPath.
 */
async function writeDemoCredentials(dirs: readonly string[], credentialsPath: string): Promise<void> {
  const infos = dirs.map(nodeDirInfo);
  const { chainId } = JSON.parse(readFileSync(join(dirs[0]!, 'genesis.json'), 'utf8')) as { chainId: string };
  const organisations: Record<string, unknown> = {};
  const practitioners = infos.map((info) => ({
    info,
    key: generateKeyPair(),
    role: DEMO_ROLES[info.orgId as (typeof CONSORTIUM)[number]],
  }));
  const patients = Array.from({ length: DEMO_PATIENTS }, () => generateKeyPair());
  const custodian = infos.find((i) => i.orgId === DEMO_CUSTODIAN)!;
  await Promise.all([
    ...practitioners.map(({ info, key, role }) =>
      submitAndCommit(
        apiBaseUrl(info.api),
        chainId,
        readKeyFile(join(info.dir, ADMIN_KEY_FILE)),
        'membership.registerPractitioner',
        { orgId: info.orgId, practitionerKey: key.publicKey, role },
      ),
    ),
    ...patients.map((key) =>
      submitAndCommit(apiBaseUrl(custodian.api), chainId, key, 'membership.registerPatient', {
        custodianOrgId: DEMO_CUSTODIAN,
      }),
    ),
  ]);
  for (const { info, key, role } of practitioners) {
    const issued = await (
      await issuerFor(info)
    ).issue({
      subject: key.publicKey,
      kind: 'practitioner',
      orgId: info.orgId,
      scopes: scopesOf(PRACTITIONER_SCOPES_DEFAULT),
      ttlMs: DEMO_TOKEN_TTL_MS,
    });
    organisations[info.orgId] = {
      apiBaseUrl: apiBaseUrl(info.api),
      fhirBaseUrl: fhirBaseUrl(info.api),
      practitioner: {
        publicKey: key.publicKey,
        role,
        token: issued.accessToken,
        expiresAt: new Date(issued.claims.exp * 1000).toISOString(),
      },
    };
  }
  const hospitalIssuer = await issuerFor(custodian);
  const demoPatients = [];
  for (const [i, key] of patients.entries()) {
    const pseudonym = patientPseudonym(key.publicKey);
    // What issuePatientToken would sign for this key once the chain says it is the patient's.
    const issued = await hospitalIssuer.issue({
      subject: key.publicKey,
      kind: 'patient',
      patient: pseudonym,
      scopes: scopesOf(PATIENT_SCOPES_DEFAULT),
      ttlMs: DEMO_TOKEN_TTL_MS,
    });
    demoPatients.push({
      name: `demo-patient-${i + 1}`,
      custodianOrgId: DEMO_CUSTODIAN,
      fhirBaseUrl: fhirBaseUrl(custodian.api),
      publicKey: key.publicKey,
      seed: toHex(key.seed),
      pseudonym,
      token: issued.accessToken,
      expiresAt: new Date(issued.claims.exp * 1000).toISOString(),
    });
  }
  const credentials = {
    note: 'Demo identities of a local consortium: the seeds and tokens are secrets of a demo, not for real data.',
    chainId,
    organisations,
    patients: demoPatients,
  };
  // Written whole and then renamed, so a reader never sees half a file.
  const partial = `${credentialsPath}.partial`;
  rmSync(partial, { force: true });
  writeFileSync(partial, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  renameSync(partial, credentialsPath);
}
