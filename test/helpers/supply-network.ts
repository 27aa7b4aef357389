// A supply-chain network for end-to-end tests: real `carechain node` processes whose organisations have
// the types a supply chain needs (manufacturer, distributor, pharmacies, a regulator), staff registered
// with each organisation's admin key through the public API, and bearer tokens signed with each node's
// key as `carechain up` does for its demo (src/cli/demo-credentials.ts).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRACTITIONER_SCOPES_DEFAULT } from '../../src/api/auth/practitioner-login.ts';
import { scopesOf } from '../../src/api/auth/scopes.ts';
import { TokenIssuer } from '../../src/api/auth/tokens.ts';
import type { OrganisationType, PractitionerRole } from '../../src/app/membership/types.ts';
import type { CanonicalValue } from '../../src/core/canonical.ts';
import { signTx } from '../../src/core/tx.ts';
import { systemClock } from '../../src/node/env.ts';
import { ADMIN_KEY_FILE, buildGenesis, initNodeDir, type MemberFile } from '../../src/node/config.ts';
import { generateKeyPair, readKeyFile, type KeyPair } from '../../src/node/keys.ts';
import { freePorts, waitFor } from './network.ts';

export interface SupplyOrg {
  readonly name: string;
  readonly type: OrganisationType;
  /** Voting power; 0 makes a member that follows the chain without voting. */
  readonly power: number;
}

export interface SupplyNetwork {
  readonly chainId: string;
  readonly orgs: readonly SupplyOrg[];
  readonly dirs: readonly string[];
  readonly apiUrls: readonly string[];
}

export async function makeSupplyNetwork(root: string, orgs: readonly SupplyOrg[]): Promise<SupplyNetwork> {
  const ports = await freePorts(orgs.length * 2);
  const members: MemberFile[] = [];
  const dirs = orgs.map((org, i) => {
    const dir = join(root, org.name);
    const { member } = initNodeDir(dir, {
      name: org.name,
      type: org.type,
      power: org.power,
      api: { host: '127.0.0.1', port: ports[2 * i]! },
      p2p: { host: '127.0.0.1', port: ports[2 * i + 1]! },
    });
    members.push(member);
    return dir;
  });
  const chainId = 'carechain-supply-test';
  const { genesis, peers } = buildGenesis(chainId, Date.now(), members);
  for (const dir of dirs) {
    writeFileSync(join(dir, 'genesis.json'), JSON.stringify(genesis));
    writeFileSync(join(dir, 'peers.json'), JSON.stringify(peers));
  }
  return { chainId, orgs, dirs, apiUrls: orgs.map((_, i) => `http://127.0.0.1:${ports[2 * i]}`) };
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

export async function http(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

export async function height(apiUrl: string): Promise<number> {
  return (await http(`${apiUrl}/api/v1/status`)).body.height as number;
}

/** Waits until every node has committed at least `atLeast` (so each answers from that state). */
export async function allAtHeight(net: SupplyNetwork, atLeast: number): Promise<void> {
  const ok = await waitFor(
    async () => (await Promise.all(net.apiUrls.map(height))).every((h) => h >= atLeast),
    30_000,
  );
  if (!ok) throw new Error(`the nodes did not all reach height ${atLeast}`);
}

/** Signs and submits a tx at a node's public API, then waits until that node has it committed. */
export async function submitAndCommit(
  apiUrl: string,
  chainId: string,
  signer: KeyPair,
  type: string,
  payload: CanonicalValue,
): Promise<number> {
  const account = (await http(`${apiUrl}/api/v1/accounts/${signer.publicKey}`)).body as { nonce?: number };
  const tx = signTx(signer.seed, { chainId, type, payload, nonce: (account.nonce ?? 0) + 1 });
  const submitted = await http(`${apiUrl}/api/v1/txs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(tx),
  });
  if (submitted.status !== 200 && submitted.status !== 202) {
    throw new Error(`${type} refused (${submitted.status}): ${JSON.stringify(submitted.body)}`);
  }
  let committedAt = 0;
  const ok = await waitFor(async () => {
    const found = await http(`${apiUrl}/api/v1/txs/${submitted.body.hash}`);
    committedAt = found.status === 200 ? (found.body.height as number) : 0;
    return committedAt > 0;
  }, 30_000);
  if (!ok) throw new Error(`${type} was not committed`);
  return committedAt;
}

/** A node's token issuer, as the node itself signs: its key, its API URL as iss, its FHIR base as aud. */
export function issuerOf(dir: string, apiUrl: string): Promise<TokenIssuer> {
  return TokenIssuer.create(
    { issuer: apiUrl, audience: `${apiUrl}/fhir/R4`, seed: readKeyFile(join(dir, 'node-key.json')).seed },
    { clock: systemClock, randomBytes: (n) => new Uint8Array(randomBytes(n)) },
  );
}

export interface Staff {
  readonly orgId: string;
  readonly key: KeyPair;
  readonly token: string;
  readonly apiUrl: string;
}

/** Registers a practitioner at organisation i (signed by its admin key) and mints its bearer token. */
export async function registerStaff(net: SupplyNetwork, i: number, role: PractitionerRole): Promise<Staff> {
  const org = net.orgs[i]!;
  const apiUrl = net.apiUrls[i]!;
  const admin = readKeyFile(join(net.dirs[i]!, ADMIN_KEY_FILE));
  const key = generateKeyPair();
  await submitAndCommit(apiUrl, net.chainId, admin, 'membership.registerPractitioner', {
    orgId: org.name,
    practitionerKey: key.publicKey,
    role,
  });
  const issued = await (
    await issuerOf(net.dirs[i]!, apiUrl)
  ).issue({
    subject: key.publicKey,
    kind: 'practitioner',
    orgId: org.name,
    scopes: scopesOf(PRACTITIONER_SCOPES_DEFAULT),
  });
  return { orgId: org.name, key, token: issued.accessToken, apiUrl };
}

/** A JSON client for one staff member at their own node (or at another node's URL). */
export function client(staff: Staff, apiUrl = staff.apiUrl) {
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

export function readGenesis(dir: string): unknown {
  return JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8'));
}
