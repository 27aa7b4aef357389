// A real network of organisations for records tests and benchmarks: four validator processes (hospital,
// clinic, pharmacy, insurer) on loopback, plus what a client of theirs needs: signing and committing
// txs through a node's API, registering staff with the organisation's admin key, and tokens signed as a
// node signs them (its key, its API URL as issuer, its FHIR base as audience).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PATIENT_SCOPES_DEFAULT } from '../../src/api/auth/patient-login.ts';
import { PRACTITIONER_SCOPES_DEFAULT } from '../../src/api/auth/practitioner-login.ts';
import { scopesOf } from '../../src/api/auth/scopes.ts';
import { TokenIssuer } from '../../src/api/auth/tokens.ts';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import type { PractitionerRole } from '../../src/app/membership/types.ts';
import type { CanonicalValue } from '../../src/core/canonical.ts';
import { signTx, type SignedTx } from '../../src/core/tx.ts';
import { systemClock } from '../../src/node/env.ts';
import { ADMIN_KEY_FILE } from '../../src/node/config.ts';
import { readKeyFile, type KeyPair } from '../../src/node/keys.ts';
import { tempDir } from './chain.ts';
import { makeNetwork, startNodeProcess, type NodeProcess, type TestNetwork } from './network.ts';

export const ORGS = ['hospital', 'clinic', 'pharmacy', 'insurer'] as const;
export type Org = (typeof ORGS)[number];

export interface OrgNetwork {
  readonly net: TestNetwork;
  readonly nodes: NodeProcess[];
  readonly chainId: string;
  url(org: Org): string;
  /** Signs (with the next nonce the node knows) and submits a tx, waiting for its commit. */
  submit(at: string, signer: KeyPair, type: string, payload: CanonicalValue): Promise<void>;
  signed(signer: KeyPair, type: string, payload: CanonicalValue, nonce: number): SignedTx;
  /** Registers a practitioner with the org's admin key and returns their token from the org's node. */
  registerPractitioner(org: Org, key: KeyPair, role: PractitionerRole): Promise<string>;
  /** Registers a patient in the custodian's care and returns their token from the custodian's node. */
  registerPatient(custodian: Org, key: KeyPair): Promise<string>;
  /** Kills every node (SIGKILL) and removes the folders. */
  destroy(): void;
  /** Stops every node cleanly (SIGTERM, so profilers and logs flush) and removes the folders. */
  stop(): Promise<void>;
}

export async function postJson(
  target: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: any }> {
  const response = await fetch(target, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

export async function startOrgNetwork(prefix: string): Promise<OrgNetwork> {
  const root = tempDir(prefix);
  const net = await makeNetwork(root.path, ORGS);
  const nodes = await Promise.all(net.dirs.map((dir) => startNodeProcess(dir)));
  const url = (org: Org) => net.apiUrls[ORGS.indexOf(org)]!;
  const dirOf = (org: Org) => net.dirs[ORGS.indexOf(org)]!;
  const status = (await (await fetch(`${url('hospital')}/api/v1/status`)).json()) as { chainId: string };
  const { chainId } = status;
  const signed = (signer: KeyPair, type: string, payload: CanonicalValue, nonce: number) =>
    signTx(signer.seed, { chainId, type, payload, nonce });
  const submit = async (at: string, signer: KeyPair, type: string, payload: CanonicalValue) => {
    const account = (await (await fetch(`${at}/api/v1/accounts/${signer.publicKey}`)).json()) as {
      nonce?: number;
    };
    const tx = signed(signer, type, payload, (account.nonce ?? 0) + 1);
    const { status: code, body } = await postJson(`${at}/api/v1/txs?wait=commit`, tx);
    assert.ok(code === 200 || code === 201, `${type}: ${code} ${JSON.stringify(body)}`);
  };
  const tokenAt = async (org: Org, claims: Parameters<TokenIssuer['issue']>[0]) => {
    const issuer = await TokenIssuer.create(
      {
        issuer: url(org),
        audience: `${url(org)}/fhir/R4`,
        seed: readKeyFile(join(dirOf(org), 'node-key.json')).seed,
      },
      { clock: systemClock, randomBytes: (n) => new Uint8Array(randomBytes(n)) },
    );
    return (await issuer.issue(claims)).accessToken;
  };
  return {
    net,
    nodes,
    chainId,
    url,
    submit,
    signed,
    registerPractitioner: async (org, key, role) => {
      const admin = readKeyFile(join(dirOf(org), ADMIN_KEY_FILE));
      await submit(url(org), admin, 'membership.registerPractitioner', {
        orgId: org,
        practitionerKey: key.publicKey,
        role,
      });
      return tokenAt(org, {
        subject: key.publicKey,
        kind: 'practitioner',
        orgId: org,
        scopes: scopesOf(PRACTITIONER_SCOPES_DEFAULT),
      });
    },
    registerPatient: async (custodian, key) => {
      await submit(url(custodian), key, 'membership.registerPatient', { custodianOrgId: custodian });
      return tokenAt(custodian, {
        subject: key.publicKey,
        kind: 'patient',
        patient: patientPseudonym(key.publicKey),
        scopes: scopesOf(PATIENT_SCOPES_DEFAULT),
      });
    },
    destroy: () => {
      for (const node of nodes) if (node.child.exitCode === null) node.child.kill('SIGKILL');
      root.remove();
    },
    stop: async () => {
      for (const node of nodes) if (node.child.exitCode === null) node.child.kill('SIGTERM');
      await Promise.all(nodes.map((node) => node.exited));
      root.remove();
    },
  };
}
