// A small TypeScript client for patients (issue 4 "Identities"): the patient's Ed25519 key is made and
// kept on the patient's side, and everything that speaks for the patient is signed here, never by a
// node: registration, consent grants and revocations, erasure requests. It talks to any node's public
// API over HTTP (fetch), so it runs in Node.js and, bundled, in a browser. `carechain patient` is its
// command-line face (src/cli/commands/patient.ts).
import { keyRotationMessage, patientPseudonym, proxyAcceptanceMessage } from '../app/membership/pseudonym.ts';
import type { ProxyRelationship } from '../app/membership/types.ts';
import { PURPOSES_OF_USE, type ConsentTerms } from '../app/consent/types.ts';
import { fromHex, toHex } from '../core/bytes.ts';
import { canonicalBytes, type CanonicalValue } from '../core/canonical.ts';
import { publicKeyFromSeed, signMessage } from '../core/crypto/index.ts';
import { signTx } from '../core/tx.ts';
import {
  SIGNED_CHALLENGE_GRANT_TYPE,
  signChallenge,
  type Challenge,
  type TokenAnswer,
  type TokenRequest,
} from '../contract/auth.ts';
import { delegationBeside, PATIENT_DELEGATION_SCOPES_DEFAULT } from '../contract/delegation.ts';
import { ERASURE_PATH, type ErasureResultBody, type ErasureStatusBody } from '../contract/erasure.ts';
import type { AccountAnswer, CommittedTx, NodeStatus, TxSubmitted } from '../contract/ledger.ts';
import { ACCESS_LOG_PATH, type AccessLogAnswer } from '../contract/records.ts';
import { TRIALS_PATH, type MyTrialsAnswer, type TrialCommitted } from '../contract/trials.ts';
import { ApiRefusal, callApi, platformFetch, type FetchLike } from './api-call.ts';

export type { FetchLike } from './api-call.ts';

/** An API refusal, with the node's stable error code (never the request). */
export class PatientClientError extends ApiRefusal {}

/**
 * A read consent for everyone at an organisation: the consent's own terms (app/consent ConsentTerms:
 * resource types such as ['Observation', 'Condition'], purposes), the organisation, and until when in ms
 * since the epoch (null for no end).
 */
export type OrganisationGrant = Pick<ConsentTerms, 'resourceTypes' | 'purposes'> & {
  readonly orgId: string;
  readonly untilMs: ConsentTerms['period']['endMs'];
};

/** 32 random bytes from the platform's CSPRNG (Web Crypto, in Node.js and in browsers). */
export function newPatientSeed(): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(32));
}

/** The proxy's side of an appointment: their key's signature accepting to act for the patient. */
export function acceptProxy(
  proxySeed: Uint8Array,
  chainId: string,
  pseudonym: string,
  relationship: ProxyRelationship,
): { proxyKey: string; proxySignature: string } {
  const proxyKey = toHex(publicKeyFromSeed(proxySeed));
  const message = proxyAcceptanceMessage(pseudonym, proxyKey, relationship);
  return {
    proxyKey,
    proxySignature: toHex(signMessage(proxySeed, 'receipt', chainId, canonicalBytes(message))),
  };
}

/** The FHIR base URL of a node's API (FHIR_BASE_PATH): the audience its login challenges name. */
export function expectedAudience(apiUrl: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/fhir/R4`;
}

/** An audience URL in one spelling: lowercase scheme and host, default ports dropped, localhost as 127.0.0.1. */
function sameOrigin(audience: string): string {
  try {
    const url = new URL(audience);
    if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
    return url.href.replace(/\/+$/, '');
  } catch {
    return audience;
  }
}

export class PatientClient {
  readonly apiUrl: string;
  readonly publicKey: string;
  /** The patient's on-chain identity: derived from the key they registered with, kept across rotations. */
  readonly pseudonym: string;
  private readonly seed: Uint8Array;
  private chainId: string | undefined;
  private readonly fetch: FetchLike;

  /** The audience a login challenge must name: this node's FHIR base URL. */
  readonly audience: string;

  /**
   * `pseudonym` is needed once the key was rotated: it is the hash of the FIRST key, not this one.
   * `audience` names the node's FHIR base URL when it is not `<apiUrl>/fhir/R4` (a node behind a proxy).
   * `fetch` replaces the platform's, e.g. with one that trusts the node's own CA.
   */
  constructor(apiUrl: string, seed: Uint8Array, pseudonym?: string, audience?: string, fetch?: FetchLike) {
    this.apiUrl = apiUrl.replace(/\/+$/, '');
    this.audience = audience ?? expectedAudience(this.apiUrl);
    this.fetch = fetch ?? platformFetch;
    this.seed = seed;
    this.publicKey = toHex(publicKeyFromSeed(seed));
    this.pseudonym = pseudonym ?? patientPseudonym(this.publicKey);
  }

  static fromSeedHex(
    apiUrl: string,
    seedHex: string,
    pseudonym?: string,
    audience?: string,
    fetch?: FetchLike,
  ): PatientClient {
    return new PatientClient(apiUrl, fromHex(seedHex), pseudonym, audience, fetch);
  }

  /**
   * Moves the patient to a new key (a lost or exposed device): the new key proves possession by signing
   * the rotation, the current key signs the tx. Returns a client for the new key; the old one is void.
   */
  async rotateKey(newSeed: Uint8Array): Promise<PatientClient> {
    const chainId = await this.chain();
    const newKey = toHex(publicKeyFromSeed(newSeed));
    const proof = keyRotationMessage(this.pseudonym, this.publicKey, newKey);
    const newKeySignature = toHex(signMessage(newSeed, 'receipt', chainId, canonicalBytes(proof)));
    await this.submit('membership.rotatePatientKey', { newKey, newKeySignature });
    return new PatientClient(this.apiUrl, newSeed, this.pseudonym, this.audience, this.fetch);
  }

  /**
   * Appoints a proxy (a guardian or caregiver) who acts for the patient with their own key. The proxy
   * accepts by signing `proxyAcceptanceMessage` with their key (acceptProxy below, on their side).
   */
  appointProxy(
    proxyKey: string,
    relationship: ProxyRelationship,
    proxySignature: string,
  ): Promise<CommittedTx> {
    return this.submit('membership.appointProxy', { proxyKey, relationship, proxySignature });
  }

  revokeProxy(proxyKey: string): Promise<CommittedTx> {
    return this.submit('membership.revokeProxy', { proxyKey });
  }

  /** Registers this key as a patient, naming the organisation that will keep the records. */
  register(custodianOrgId: string): Promise<CommittedTx> {
    return this.submit('membership.registerPatient', { custodianOrgId });
  }

  /**
   * Logs in at this node by signing its challenge; returns a bearer token with patient scopes. The
   * challenge must be for the node this client meant to reach (its FHIR base URL, or `audience` if the
   * node is known by another name): a node that relays another node's challenge gets no signature
   * (issue 10, finding 10).
   */
  async login(): Promise<{ accessToken: string; expiresIn: number }> {
    const audience = this.audience;
    const challenge = (await this.call('POST', '/auth/challenge')) as Challenge;
    if (typeof challenge.audience !== 'string' || sameOrigin(challenge.audience) !== sameOrigin(audience)) {
      throw new PatientClientError(
        0,
        'auth.challenge_wrong_audience',
        `the node's challenge is for ${String(challenge.audience).slice(0, 200)}, not ${audience}: not signed`,
      );
    }
    const chainId = await this.chain();
    const signed = signChallenge(this.seed, chainId, challenge);
    // Beside it, a delegation to the node the challenge names, so that the token may gather the
    // patient's records from their other custodians (Patient/$everything, issue 13).
    const delegation = delegationBeside(this.seed, chainId, challenge, {
      nowMs: Date.now(),
      scopes: PATIENT_DELEGATION_SCOPES_DEFAULT,
    });
    const body: TokenRequest = { grant_type: SIGNED_CHALLENGE_GRANT_TYPE, ...signed, ...delegation };
    const token = (await this.call('POST', '/auth/token', body)) as TokenAnswer;
    return { accessToken: token.access_token, expiresIn: token.expires_in };
  }

  /** Lets everyone at an organisation read the given types, for the given purposes; returns the consent id. */
  async grantOrganisation(grant: OrganisationGrant): Promise<string> {
    for (const purpose of grant.purposes) {
      if (!PURPOSES_OF_USE.includes(purpose)) throw new Error(`unknown purpose of use ${String(purpose)}`);
    }
    const consentId = toHex(newPatientSeed());
    await this.submit('consent.grant', {
      consentId,
      grantee: { kind: 'organisation', orgId: grant.orgId },
      resourceTypes: [...grant.resourceTypes],
      purposes: [...grant.purposes],
      actions: ['read'],
      period: { startMs: 0, endMs: grant.untilMs },
      provision: 'permit',
    });
    return consentId;
  }

  /** Revokes a consent: it stops counting from the block that commits this. */
  revoke(consentId: string): Promise<CommittedTx> {
    return this.submit('consent.revoke', { consentId });
  }

  /** Every access to the patient's records held at this node, newest first (needs a login token). */
  async accessLog(token: string): Promise<AccessLogAnswer['items']> {
    const answer = await this.call('GET', ACCESS_LOG_PATH, undefined, token);
    return (answer as AccessLogAnswer).items;
  }

  /**
   * Asks for every record of the patient to be crypto-shredded, signed by the patient's own key (a proxy
   * is refused): this node erases its share before answering, every other custodian's node follows.
   */
  async requestErasure(token: string): Promise<ErasureResultBody> {
    const tx = signTx(this.seed, {
      chainId: await this.chain(),
      type: 'records.requestErasure',
      payload: { patientPseudonym: this.pseudonym, recordIds: 'all' },
      nonce: (await this.nonce()) + 1,
    });
    return (await this.call('POST', ERASURE_PATH, { tx }, token)) as ErasureResultBody;
  }

  /**
   * How far each custodian of the patient's records is with their erasure: one request reaches them all,
   * and each shreds its own copy and commits its own receipt (needs a login token at this node).
   */
  async erasureStatus(token: string): Promise<ErasureStatusBody> {
    return (await this.call('GET', ERASURE_PATH, undefined, token)) as ErasureStatusBody;
  }

  /**
   * Enrols in a trial at a site, consenting to the protocol version named (issue 16 §3): the patient's
   * own signed trials.enrol, posted to the trial's enrolment route; re-consent and withdrawal likewise.
   */
  enrolInTrial(trialId: string, siteOrgId: string, version: number): Promise<TrialCommitted> {
    return this.trialTx(trialId, 'enrolments', 'trials.enrol', { trialId, siteOrgId, version });
  }

  reconsentToTrial(trialId: string, version: number): Promise<TrialCommitted> {
    return this.trialTx(trialId, 'reconsents', 'trials.reconsent', { trialId, version });
  }

  withdrawFromTrial(trialId: string): Promise<TrialCommitted> {
    return this.trialTx(trialId, 'withdrawals', 'trials.withdraw', { trialId });
  }

  /** The patient's own trials, each with the protocol version they consented to and whether data flows. */
  async myTrials(token: string): Promise<MyTrialsAnswer['trials']> {
    const answer = await this.call('GET', '/api/v1/patients/me/trials', undefined, token);
    return (answer as MyTrialsAnswer).trials;
  }

  private async trialTx(
    trialId: string,
    route: string,
    type: string,
    payload: CanonicalValue,
  ): Promise<TrialCommitted> {
    const tx = signTx(this.seed, {
      chainId: await this.chain(),
      type,
      payload,
      nonce: (await this.nonce()) + 1,
    });
    return (await this.call('POST', `${TRIALS_PATH}/${trialId}/${route}`, { tx })) as TrialCommitted;
  }

  private async submit(type: string, payload: CanonicalValue): Promise<CommittedTx> {
    const tx = signTx(this.seed, {
      chainId: await this.chain(),
      type,
      payload,
      nonce: (await this.nonce()) + 1,
    });
    const answer = (await this.call('POST', '/api/v1/txs?wait=commit', tx)) as TxSubmitted;
    if (answer.status !== 'committed') {
      throw new PatientClientError(202, 'tx.pending', `the ${type} tx was accepted but is not final yet`);
    }
    return { hash: answer.hash, height: answer.height };
  }

  async chain(): Promise<string> {
    this.chainId ??= ((await this.call('GET', '/api/v1/status')) as NodeStatus).chainId;
    return this.chainId;
  }

  private async nonce(): Promise<number> {
    const account = (await this.call('GET', `/api/v1/accounts/${this.publicKey}`)) as AccountAnswer;
    return account.nonce;
  }

  private call(method: 'GET' | 'POST', path: string, body?: unknown, token?: string): Promise<unknown> {
    return callApi(this.fetch, `${this.apiUrl}${path}`, method, PatientClientError, body, token);
  }
}
