// The node's side of AI on consented data (issue 20): who may ask what, and the commit of the AI module's
// txs, which this node signs with its node key for its own organisation (the module accepts an
// organisation's node as the organisation acting). Routes authenticate and translate; the model
// registry, cohorts, analytics and inference (files beside this one) decide and commit through here.
// Refusals carry the module's stable reason as the catalogue code (ledger-refusal.ts).
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import { commitAsNode } from '../ledger-refusal.ts';
import type { RecordsGateway } from '../records/gateway.ts';
import { actorOf } from '../../app/membership/queries.ts';
import type { StateReader } from '../../app/state.ts';
import { isHex } from '../../core/bytes.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import type { Clock, RandomBytes } from '../../core/env.ts';
import type { AiCommitted } from '../../contract/ai.ts';
import { AiStore } from '../../node/ai/ai-store.ts';
import type { CarechainNode } from '../../node/node.ts';

export const AI_COMMIT_TIMEOUT_MS_DEFAULT = 10_000;
/** The codes a cohort query and an artefact name: LOINC for features, SNOMED CT for the condition. */
export const LOINC_CODE = /^[0-9]{1,7}-[0-9]$/;
export const SNOMED_CODE = /^[0-9]{6,18}$/;

export type Practitioner = Extract<Caller, { kind: 'practitioner' }>;

export interface AiDependencies {
  readonly node: CarechainNode;
  /** The custodian's records: cohorts, analytics and inference read patients' records through it. */
  readonly gateway: RecordsGateway;
  readonly clock: Clock;
  readonly randomBytes: RandomBytes;
  /** A uniform integer in [0, bound) from a CSPRNG (node:crypto randomInt): the DP noise's source. */
  readonly randomInt: (bound: number) => number;
}

export class AiService {
  readonly node: CarechainNode;
  readonly gateway: RecordsGateway;
  readonly store: AiStore;
  readonly clock: Clock;
  readonly randomBytes: RandomBytes;
  readonly randomInt: (bound: number) => number;
  private readonly commitTimeoutMs: number;

  constructor(deps: AiDependencies, commitTimeoutMs = AI_COMMIT_TIMEOUT_MS_DEFAULT) {
    this.node = deps.node;
    this.gateway = deps.gateway;
    this.clock = deps.clock;
    this.randomBytes = deps.randomBytes;
    this.randomInt = deps.randomInt;
    this.store = AiStore.open(deps.node.storage);
    this.commitTimeoutMs = commitTimeoutMs;
  }

  get state(): StateReader {
    return this.node.ledger.state;
  }

  /** The organisation this node signs for. */
  get orgId(): string {
    const actor = actorOf(this.state, this.node.key.publicKey);
    if (actor.kind !== 'node') throw new ServiceError('ai.unavailable', 'this node has no organisation');
    return actor.orgId;
  }

  /** A practitioner of any organisation (an analyst, a clinician); else ai.not_staff. */
  practitioner(caller: Caller): Practitioner {
    if (caller.kind !== 'practitioner') {
      throw new ServiceError('ai.not_staff', 'only practitioners use the AI routes');
    }
    return caller;
  }

  /** A practitioner of this node's own organisation: the node signs the organisation's AI txs for them. */
  ownStaff(caller: Caller): Practitioner {
    const who = this.practitioner(caller);
    if (who.orgId !== this.orgId) {
      throw new ServiceError(
        'ai.not_staff',
        'AI txs are written by the organisation’s staff at its own node',
      );
    }
    return who;
  }

  /** Signs with the node key, submits and waits for the commit. */
  commit(type: string, payload: CanonicalValue): Promise<AiCommitted> {
    return commitAsNode(this.node, { type, payload, domain: 'ai', commitTimeoutMs: this.commitTimeoutMs });
  }
}

/** A 32-byte hex id from a request, or ai.invalid naming the field. */
export function idField(value: unknown, field: string): string {
  if (!isHex(value, 32)) throw new ServiceError('ai.invalid', `${field} must be 64 hex digits`, { field });
  return value;
}

/** An id in a URL: one that is not even hex names nothing, a 404 like an unknown one. */
export function idParam(value: string, what: string): string {
  if (!isHex(value, 32)) throw new ServiceError('ai.not_found', `no such ${what}`);
  return value;
}
