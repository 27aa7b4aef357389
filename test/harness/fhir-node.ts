// One custodian node for the FHIR end-to-end tests: a real solo CarechainNode with its vault, a hospital
// and a clinic, practitioners and a patient registered on chain, tokens minted in-process (the patient
// logs in with a signed challenge, as a patient app would), and the API server with the FHIR routes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ChallengeStore, signChallenge } from '../../src/api/auth/challenge.ts';
import { issuePractitionerToken } from '../../src/api/auth/practitioner-login.ts';
import { scopesOf } from '../../src/services/auth/scopes.ts';
import type { GenomicsServiceOptions } from '../../src/services/genomics/index.ts';
import { SIGNED_CHALLENGE_GRANT_TYPE } from '../../src/api/auth/smart-configuration.ts';
import { TokenIssuer, TokenVerifier } from '../../src/api/auth/tokens.ts';
import { createFhirValidator, type FhirValidator } from '../../src/services/fhir/validate.ts';
import { RecordsGateway } from '../../src/services/records/gateway.ts';
import { buildApiServer } from '../../src/api/server.ts';
import { NodeWitness } from '../../src/services/witness/node-witness.ts';
import { patientPseudonym } from '../../src/app/membership/index.ts';
import type { OrganisationType } from '../../src/app/membership/types.ts';
import type { CanonicalValue } from '../../src/core/canonical.ts';
import type { Genesis } from '../../src/core/genesis.ts';
import { signTx } from '../../src/core/tx.ts';
import { systemClock } from '../../src/node/env.ts';
import type { Clock } from '../../src/core/env.ts';
import { keyPairFromSeed, type KeyPair } from '../../src/node/keys.ts';
import { createLogger } from '../../src/node/logger.ts';
import { CarechainNode } from '../../src/node/node.ts';
import { seedOf, tempDir } from './chain.ts';

export const FHIR_BASE = 'https://hospital.test/fhir/R4';
export const FHIR_ISSUER = 'https://hospital.test';

export const testKey = (label: string): KeyPair => keyPairFromSeed(seedOf(label));

/** The keys every FHIR test node shares: the hospital's node and admin, the clinic's admin, a hospital
 * doctor, a clinic nurse and the patient. */
export const fhirKeys = {
  nodeKey: testKey('hospital node'),
  hospitalAdmin: testKey('hospital admin'),
  clinicAdmin: testKey('clinic admin'),
  doctor: testKey('hospital doctor'),
  nurse: testKey('clinic nurse'),
  patient: testKey('patient alice'),
  insurerAdmin: testKey('insurer admin'),
  insurerNode: testKey('insurer node'),
};
export const patientPseudonymOfTest = patientPseudonym(fhirKeys.patient.publicKey);

export interface TestPractitioner {
  readonly admin: KeyPair;
  readonly key: KeyPair;
  readonly orgId: string;
  readonly role: string;
}

export interface FhirTestNodeOptions {
  readonly chainId: string;
  /** The prefix of the temporary data directory (default the chain id and a dash). */
  readonly dirPrefix?: string;
  /** Registered in order; by default the hospital doctor and the clinic nurse. */
  readonly practitioners?: readonly TestPractitioner[];
  /** Mount the records-admin routes on the server. */
  readonly recordsAdmin?: boolean;
  /** Mount the supply chain and EPCIS routes on the server. */
  readonly supply?: boolean;
  /** Listen on a loopback port (for real HTTP clients) instead of serving only `inject`. */
  readonly listen?: boolean;
  /** The node's clock (default the system's): a test moves chain time past a consent's end with it. */
  readonly clock?: Clock;
  /** Add an insurer ('insurer') whose node key (fhirKeys.insurerNode) signs its claims txs. */
  readonly insurer?: boolean;
  /** The member insurer answering PAS requests that name no member payer (issue 17 §7's setting). */
  readonly defaultPayerOrgId?: string;
  /** The members' claim-line fingerprint key (node.json claims.networkKeyFile); absent, none. */
  readonly claimsNetworkKey?: Uint8Array;
  /** Longest pause without a block when nothing is pending (default 1 s). */
  readonly emptyBlockIntervalMs?: number;
  /** Genome custody and Beacon pricing options (services/genomics). */
  readonly genomics?: GenomicsServiceOptions;
  /** The hospital's organisation type (default hospital); research-sponsor for a trial it sponsors. */
  readonly hospitalType?: OrganisationType;
}

export interface PatientLogin {
  status: number;
  headers: Record<string, unknown>;
  body: any;
  payload: object;
}

export interface FhirTestNode {
  readonly chainId: string;
  readonly dir: { path: string; remove: () => void };
  readonly node: CarechainNode;
  readonly gateway: RecordsGateway;
  readonly validator: FhirValidator;
  readonly app: FastifyInstance;
  /** The listening server's origin (`http://127.0.0.1:port`) when started with `listen`, else ''. */
  readonly url: string;
  readonly issuer: TokenIssuer;
  readonly verifier: TokenVerifier;
  /** Access tokens of the hospital doctor, the clinic nurse and the patient. */
  readonly tokens: { doctor: string; nurse: string; patient: string };
  state(): CarechainNode['ledger']['store']['latestState'];
  /** Signs, submits and waits for the commit of one tx. */
  submit(signer: KeyPair, type: string, payload: CanonicalValue): Promise<void>;
  /** A patient app's login: sign the node's challenge with the patient's key (optionally altered). */
  patientLogin(who: KeyPair, answer?: (signed: object) => object): Promise<PatientLogin>;
  close(): Promise<void>;
}

/** An in-process request to `app` as the holder of `token` (none if null), with a JSON body if any. */
export async function injectJson(
  app: FastifyInstance,
  request: {
    method: 'GET' | 'POST';
    url: string;
    token: string | null;
    body?: unknown;
    headers?: Record<string, string>;
    contentType?: string;
  },
): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  const { body, token } = request;
  const response = await app.inject({
    method: request.method,
    url: request.url,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': request.contentType ?? 'application/json' }),
      ...request.headers,
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: response.statusCode, headers: response.headers, body: response.json() };
}

/**
 * The one node of a test file: started in the file's `before`, closed in its `after`. Its fields are
 * there while the tests run, not while the file loads.
 */
export function fhirTestNodeForTests(options: FhirTestNodeOptions): FhirTestNode {
  const testNode = {} as FhirTestNode;
  before(async () => {
    Object.assign(testNode, await startFhirTestNode(options));
  });
  after(() => testNode.close?.());
  return testNode;
}

export async function startFhirTestNode(options: FhirTestNodeOptions): Promise<FhirTestNode> {
  const { chainId } = options;
  const { nodeKey, hospitalAdmin, clinicAdmin, doctor, nurse, patient } = fhirKeys;
  const dir = tempDir(options.dirPrefix ?? `${chainId}-`);
  const logger = createLogger('silent');
  const clock = options.clock ?? systemClock;
  const random = (n: number) => new Uint8Array(randomBytes(n));
  let node: CarechainNode | undefined;
  let gateway: RecordsGateway | undefined;
  let app: FastifyInstance | undefined;
  let witness: NodeWitness | undefined;
  const close = async () => {
    await app?.close();
    witness?.stop();
    gateway?.close();
    await node?.stop();
    dir.remove();
  };

  try {
    const genesis: Genesis = {
      chainId,
      genesisTimeMs: clock.nowMs() - 1000,
      validators: [{ publicKey: nodeKey.publicKey, power: 10, name: 'hospital-node' }],
      app: {
        membership: {
          organisations: [
            org('hospital', 'Hospital', options.hospitalType ?? 'hospital', hospitalAdmin, [nodeKey]),
            org('clinic', 'Clinic', 'clinic', clinicAdmin, []),
            ...(options.insurer === true
              ? [org('insurer', 'Insurer', 'insurer', fhirKeys.insurerAdmin, [fhirKeys.insurerNode])]
              : []),
          ],
        },
      },
    };
    const started = new CarechainNode(
      {
        dataDir: dir.path,
        genesis,
        key: nodeKey,
        blockIntervalMs: 20,
        emptyBlockIntervalMs: options.emptyBlockIntervalMs ?? 1000,
      },
      { logger, clock },
    );
    node = started;
    await started.start();
    const state = () => started.ledger.store.latestState;
    const submit = async (signer: KeyPair, type: string, payload: CanonicalValue): Promise<void> => {
      const nonce = started.mempool.nextNonce(signer.publicKey);
      const hash = started.submit(signTx(signer.seed, { chainId, type, payload, nonce }));
      assert.ok(await started.waitForCommit(hash, 10_000), `${type} committed`);
    };

    const practitioners = options.practitioners ?? [
      { admin: hospitalAdmin, key: doctor, orgId: 'hospital', role: 'physician' },
      { admin: clinicAdmin, key: nurse, orgId: 'clinic', role: 'nurse' },
    ];
    for (const { admin, key, orgId, role } of practitioners) {
      await submit(admin, 'membership.registerPractitioner', { orgId, practitionerKey: key.publicKey, role });
    }
    // In the hospital's care: its clinical staff write the patient's records without a write consent.
    await submit(patient, 'membership.registerPatient', { custodianOrgId: 'hospital' });

    const issuer = await TokenIssuer.create(
      { issuer: FHIR_ISSUER, audience: FHIR_BASE, seed: nodeKey.seed },
      { clock, randomBytes: random },
    );
    const verifier = await TokenVerifier.create(
      { issuer: FHIR_ISSUER, issuerPublicKey: nodeKey.publicKey, audience: FHIR_BASE },
      { clock },
    );
    const tokens = { doctor: '', nurse: '', patient: '' };
    tokens.doctor = (
      await issuePractitionerToken(state(), issuer, { practitionerKey: doctor.publicKey, orgId: 'hospital' })
    ).accessToken;
    // The clinic's own node would issue this one; on a single node we sign it directly.
    tokens.nurse = (
      await issuer.issue({
        subject: nurse.publicKey,
        kind: 'practitioner',
        orgId: 'clinic',
        scopes: scopesOf('user/*.rs'),
      })
    ).accessToken;

    const validator = createFhirValidator();
    gateway = new RecordsGateway({}, { node: started, validator, clock });
    const challenges = new ChallengeStore({ audience: FHIR_BASE, chainId }, { clock, randomBytes: random });
    // The C2SP routes too (GET /checkpoint, add-checkpoint, tlog-proof), so the OpenAPI test sees them.
    witness = new NodeWitness(started, {}, { logger });
    witness.start();
    const server = buildApiServer(started, logger, {
      witness,
      fhir: { gateway, verifier, baseUrl: FHIR_BASE, patientAuth: { issuer, challenges } },
      ...(options.recordsAdmin === true ? { recordsAdmin: true } : {}),
      ...(options.supply === true ? { supply: { verifier } } : {}),
      claims: { defaultPayerOrgId: options.defaultPayerOrgId, networkKey: options.claimsNetworkKey },
      ...(options.genomics === undefined ? {} : { genomics: options.genomics }),
    });
    app = server;
    let url = '';
    if (options.listen === true) {
      await server.listen({ host: '127.0.0.1', port: 0 });
      url = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    } else {
      await server.ready();
    }

    const patientLogin = async (who: KeyPair, answer?: (signed: object) => object): Promise<PatientLogin> => {
      const challenge = (await server.inject({ method: 'POST', url: '/auth/challenge' })).json();
      const signed = signChallenge(who.seed, chainId, challenge);
      const payload = { grant_type: SIGNED_CHALLENGE_GRANT_TYPE, ...(answer?.(signed) ?? signed) };
      const response = await server.inject({ method: 'POST', url: '/auth/token', payload });
      return { status: response.statusCode, headers: response.headers, body: response.json(), payload };
    };
    const login = await patientLogin(patient);
    assert.equal(login.status, 200, JSON.stringify(login.body));
    tokens.patient = login.body.access_token;

    return {
      chainId,
      dir,
      node: started,
      gateway,
      validator,
      app: server,
      url,
      issuer,
      verifier,
      tokens,
      state,
      submit,
      patientLogin,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function org(id: string, name: string, type: string, admin: KeyPair, nodes: KeyPair[]) {
  return { id, name, type, adminKey: admin.publicKey, nodeKeys: nodes.map((k) => k.publicKey) };
}
