// The node's side of clinical trials (issue 16): a sponsor's staff write through their own node, which
// signs with its node key (the trials module accepts a research sponsor's node key as the sponsor acting);
// a patient's enrolment, re-consent and withdrawal are signed by the patient and only relayed here. Routes
// authenticate and translate; this decides who may write, maps ClinicalTrials.gov or FHIR input to the
// app's registration and submits. Refusals carry the module's stable reason as the catalogue code.
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import { commitAsNode, commitSigned } from '../ledger-refusal.ts';
import { actorOf } from '../../app/membership/queries.ts';
import type { StateReader } from '../../app/state.ts';
import {
  registrationFromCtGov,
  registrationFromResearchStudy,
  trial,
  type TrialRecord,
  type TrialRegistration,
} from '../../app/trials/index.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import { isHex } from '../../core/bytes.ts';
import type { TrialCommitted } from '../../contract/trials.ts';
import type { CarechainNode } from '../../node/node.ts';

export const TRIALS_COMMIT_TIMEOUT_MS_DEFAULT = 10_000;

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;

/** The study's registration, from ClinicalTrials.gov v2 JSON (with the commitments) or a ResearchStudy. */
export function registrationOf(body: Json): TrialRegistration {
  if (body.study !== undefined) {
    const commitments = { protocolCommitment: body.protocolCommitment, sapCommitment: body.sapCommitment };
    return registrationFromCtGov(
      body.study,
      commitments as { protocolCommitment: string; sapCommitment: string },
    );
  }
  if (body.researchStudy !== undefined) return registrationFromResearchStudy(body.researchStudy);
  throw new ServiceError(
    'trials.invalid',
    'send the study as "study" (ClinicalTrials.gov v2) or "researchStudy"',
    {
      field: 'study',
    },
  );
}

const LAST_DAY = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * The primary completion date as YYYY-MM-DD: the body's, else the v2 study's statusModule. Registries
 * often give only a month (YYYY-MM); its last day is taken, so the results clock never starts early.
 */
export function primaryCompletionDateOf(body: Json): string | undefined {
  const status = asObject(asObject(asObject(body.study)?.protocolSection)?.statusModule);
  const value = body.primaryCompletionDate ?? asObject(status?.primaryCompletionDateStruct)?.date;
  if (value === undefined) return undefined;
  const month = typeof value === 'string' ? /^(\d{4})-(\d{2})$/.exec(value) : null;
  if (month === null) return value as string;
  const [y, m] = [Number(month[1]), Number(month[2])];
  return `${month[1]}-${month[2]}-${String(LAST_DAY(y, m)).padStart(2, '0')}`;
}

export class TrialsService {
  readonly node: CarechainNode;
  private readonly commitTimeoutMs: number;

  constructor(node: CarechainNode, commitTimeoutMs = TRIALS_COMMIT_TIMEOUT_MS_DEFAULT) {
    this.node = node;
    this.commitTimeoutMs = commitTimeoutMs;
  }

  get state(): StateReader {
    return this.node.ledger.state;
  }

  /** The trial, or 404 trials.unknown_trial (an id that is not even hex included). */
  trial(id: string): TrialRecord {
    const found = isHex(id, 32) ? trial(this.state, id) : undefined;
    if (found === undefined)
      throw new ServiceError('trials.unknown_trial', 'no trial is registered with this id');
    return found;
  }

  /** Staff of this node's own organisation: the node signs the sponsor's txs for them. */
  sponsorStaff(caller: Caller): void {
    const actor = actorOf(this.state, this.node.key.publicKey);
    const nodeOrg = actor.kind === 'node' ? actor.orgId : undefined;
    if (caller.kind !== 'practitioner' || nodeOrg === undefined || caller.orgId !== nodeOrg) {
      throw new ServiceError(
        'trials.not_sponsor',
        'trial txs are written by the sponsor’s staff at its own node',
      );
    }
  }

  /** Signs with the node key, submits and waits for the commit. */
  async commit(type: string, payload: CanonicalValue): Promise<TrialCommitted> {
    const { commitTimeoutMs } = this;
    return commitAsNode(this.node, { type, payload, domain: 'trials', commitTimeoutMs });
  }

  /**
   * A patient's own signed tx for this trial: it must be of the expected type and name the trial, and is
   * submitted as signed (the chain checks the patient's key and every rule).
   */
  async patientTx(trialId: string, type: string, signed: unknown): Promise<TrialCommitted> {
    this.trial(trialId);
    const tx = asObject(signed);
    if (tx?.type !== type) {
      throw new ServiceError('trials.invalid', `send the patient's signed ${type} tx in "tx"`, {
        field: 'tx.type',
      });
    }
    if (asObject(tx.payload)?.trialId !== trialId) {
      throw new ServiceError('trials.invalid', 'the tx names another trial', { field: 'tx.payload.trialId' });
    }
    return this.relay(type, tx);
  }

  private relay(type: string, tx: unknown): Promise<TrialCommitted> {
    return commitSigned(this.node, tx, { type, domain: 'trials', commitTimeoutMs: this.commitTimeoutMs });
  }
}
