// A custodian's side of a federated round (issue 20 §3). The coordinator's node asks over the
// node-to-node channel (mutual TLS, keys pinned to genesis: node/p2p) for this site's update; the site
// trains from the round's starting weights on its own cohort members whose consent still allows the
// purpose NOW (a patient who withdrew since the cohort was committed is left out, and counted), masks
// the update with a pad per other participant (pair-seed.ts, secure-aggregation.ts) and answers the masked
// update only. Nothing but a masked vector and two counts leaves the node; the records are read here by
// the custodian that holds them, as its own processing under the patients' research consent.
//
// Checked before anything is read: the asker is a member organisation's node; the cohort is committed
// here and on chain by every participant; the features are the cohort query's; a first round starts at
// zero and a later one at the previous round's sum as committed on chain (its hash), so a coordinator
// cannot feed a site weights of its choosing; and a site answers one request per round (a retry gets the
// same answer), since two differently masked updates of one round would leak their difference.
import { ServiceError } from '../errors.ts';
import { consentsTo } from './cohorts.ts';
import { LOINC_CODE, type AiService } from './service.ts';
import {
  decodeAverage,
  encodeUpdate,
  localUpdate,
  maskUpdate,
  parseElements,
  readCohort,
  readRound,
  trainingSet,
  updateCommitment,
  zeroWeights,
  type CohortPurpose,
  type CohortQuery,
  type FeatureScaling,
  type PatientResources,
} from '../../app/ai/index.ts';
import { MAX_ROUND_PARTICIPANTS } from '../../app/ai/handlers.ts';
import { actorOf, organisation } from '../../app/membership/queries.ts';
import { eachRecordOf } from '../../app/records/index.ts';
import { isHex, toHex } from '../../core/bytes.ts';
import { canonicalBytes } from '../../core/canonical.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { pairSeed } from '../../node/ai/pair-seed.ts';
import { untilHeight } from '../chain-wait.ts';

/** The node-to-node request a coordinator sends each site of a round. */
export const AI_UPDATE_METHOD = 'ai.update';
/** Most records of one patient a round reads (STYLE §5). */
const RECORDS_PER_PATIENT_MAX = 1_000;
const ORG_ID = /^[a-z0-9-]{1,64}$/;

/** What the coordinator asks each site (every value checked by checkedRequest). */
export interface RoundRequest {
  readonly modelId: string;
  readonly round: number;
  readonly cohortId: string;
  /** The participating organisations, sorted, each once, this site among them. */
  readonly participants: readonly string[];
  readonly features: readonly FeatureScaling[];
  /** The previous round's unmasked sum (decimal strings), null in round 1. */
  readonly previousSum: readonly string[] | null;
  /** The coordinator's chain height when it asked: the site catches up to it first. */
  readonly atHeight: number;
}

/** A site's answer: its masked update and the counts behind it. */
export interface SiteAnswer {
  readonly orgId: string;
  readonly masked: readonly string[];
  readonly sampleCount: number;
  /** Cohort members left out of this round because their consent no longer allows the purpose. */
  readonly excludedForConsent: number;
}

const refuse = (message: string): ServiceError => new ServiceError('ai.invalid', message);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkedFeatures(value: unknown, query: CohortQuery): FeatureScaling[] {
  if (!Array.isArray(value) || value.length !== query.features.length) {
    throw refuse('the features are not the cohort query’s');
  }
  return value.map((f: Record<string, unknown> | null, i) => {
    const ok = f?.code === query.features[i] && LOINC_CODE.test(String(f?.code));
    if (!ok || !finite(f?.mean) || !finite(f?.scale) || f.scale <= 0) {
      throw refuse('the features are not the cohort query’s, each with a finite mean and a positive scale');
    }
    return { code: f.code as string, mean: f.mean, scale: f.scale };
  });
}

/** The request, checked against this node's chain and store; throws ai.invalid naming no data. */
function checkedRequest(service: AiService, params: unknown): { request: RoundRequest; query: CohortQuery } {
  const p = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  const { modelId, round, cohortId, participants, atHeight } = p;
  if (!isHex(modelId, 32) || !isHex(cohortId, 32)) throw refuse('modelId and cohortId are 64 hex digits');
  if (!Number.isSafeInteger(round) || (round as number) < 1) throw refuse('round is a positive integer');
  if (!Number.isSafeInteger(atHeight) || (atHeight as number) < 0) throw refuse('atHeight is a height');
  const stored = service.store.cohort(cohortId);
  if (stored === undefined) throw refuse('this custodian has not committed the cohort');
  const query = JSON.parse(stored.queryJson) as CohortQuery;
  const sites = Array.isArray(participants) ? (participants as unknown[]) : [];
  const sorted = sites.every(
    (s, i) => typeof s === 'string' && ORG_ID.test(s) && (i === 0 || sites[i - 1]! < s),
  );
  if (
    !sorted ||
    sites.length < 2 ||
    sites.length > MAX_ROUND_PARTICIPANTS ||
    !sites.includes(service.orgId)
  ) {
    throw refuse(`participants are 2 to ${MAX_ROUND_PARTICIPANTS} sorted organisations, this one among them`);
  }
  const features = checkedFeatures(p.features, query);
  const previousSum =
    p.previousSum === null ? null : parseElements(p.previousSum, features.length + 2)?.map(String);
  if ((round === 1) !== (previousSum === null) || previousSum === undefined) {
    throw refuse('round 1 starts at zero; a later round starts at the previous round’s sum');
  }
  return {
    request: {
      modelId,
      round: round as number,
      cohortId,
      participants: sites as string[],
      features,
      previousSum,
      atHeight: atHeight as number,
    },
    query,
  };
}

async function caughtUpTo(service: AiService, height: number): Promise<void> {
  if (!(await untilHeight(service.node, height))) {
    throw new ServiceError('ai.unavailable', 'this site is behind the chain');
  }
}

/** The round's starting weights: zero, or the previous round's average if its sum is the chain's. */
function startingWeights(service: AiService, request: RoundRequest): number[] {
  const { modelId, round, cohortId, participants, previousSum } = request;
  if (readRound(service.state, modelId, round) !== undefined) throw refuse('this round is committed already');
  if (participants.some((orgId) => readCohort(service.state, cohortId, orgId) === undefined)) {
    throw refuse('a participant has not committed its part of the cohort');
  }
  if (previousSum === null) return zeroWeights(request.features.length);
  const previous = readRound(service.state, modelId, round - 1);
  const sum = previousSum.map(BigInt);
  if (previous?.cohortId !== cohortId || previous.aggregateHash !== updateCommitment(sum)) {
    throw refuse('the starting weights are not the previous round’s sum on chain');
  }
  return [...decodeAverage(sum).weights];
}

/** What this site holds about each member whose consent still allows the purpose, and how many not. */
function consentingMembers(
  service: AiService,
  cohortId: string,
): { patients: PatientResources[]; excluded: number } {
  const cohort = service.store.cohort(cohortId)!;
  const asker = service.store.cohortAsker(cohortId);
  const orgId = service.orgId;
  const { open } = service.gateway.adminPort();
  const patients: PatientResources[] = [];
  let excluded = 0;
  for (const pseudonym of cohort.members) {
    if (asker === undefined || !consentsTo(service, asker, pseudonym, cohort.purpose as CohortPurpose)) {
      excluded += 1;
      continue;
    }
    const held: PatientResources = { observations: [], conditions: [] };
    let read = 0;
    eachRecordOf(service.state, pseudonym, (head) => {
      if (head.custodianOrgId !== orgId || head.erasedAtHeight !== null || read >= RECORDS_PER_PATIENT_MAX)
        return;
      const into =
        head.resourceType === 'Observation'
          ? held.observations
          : head.resourceType === 'Condition'
            ? held.conditions
            : undefined;
      if (into === undefined) return;
      read += 1;
      (into as object[]).push(open(head));
    });
    patients.push(held);
  }
  return { patients, excluded };
}

/** The masked update of this site for the round (the P2P handler of AI_UPDATE_METHOD). */
export async function serveUpdate(
  service: AiService,
  fromNodeKey: string,
  params: unknown,
): Promise<SiteAnswer> {
  if (actorOf(service.state, fromNodeKey).kind !== 'node')
    throw refuse('only a member’s node asks for updates');
  const { request, query } = checkedRequest(service, params);
  const requestHash = toHex(
    sha256(canonicalBytes({ ...request, atHeight: 0, features: JSON.stringify(request.features) })),
  );
  const given = service.store.siteUpdate(request.modelId, request.round);
  if (given !== undefined) {
    if (given.requestHash !== requestHash) throw refuse('this site gave its update for this round already');
    return JSON.parse(given.answerJson) as SiteAnswer;
  }
  await caughtUpTo(service, request.atHeight);
  const start = startingWeights(service, request);
  const { patients, excluded } = consentingMembers(service, request.cohortId);
  const update = localUpdate(trainingSet(patients, request.features, query.condition), start);
  const self = service.orgId;
  const { node } = service;
  // Pair seeds are agreed between each organisation's first node key, the one a coordinator asks.
  if (organisation(service.state, self)?.nodeKeys[0] !== node.key.publicKey) {
    throw refuse('this organisation’s rounds are served by its first node');
  }
  const peers = request.participants
    .filter((orgId) => orgId !== self)
    .map((orgId) => {
      const peerKey = organisation(service.state, orgId)?.nodeKeys[0];
      if (peerKey === undefined) throw refuse('a participant has no node');
      return { id: orgId, seed: pairSeed(node.ledger.chainId, node.key.seed, node.key.publicKey, peerKey) };
    });
  const roundId = `${request.modelId}/${request.round}`;
  const masked = maskUpdate(encodeUpdate(update), self, peers, roundId).map(String);
  const answer: SiteAnswer = {
    orgId: self,
    masked,
    sampleCount: update.sampleCount,
    excludedForConsent: excluded,
  };
  service.store.putSiteUpdate(request.modelId, request.round, {
    requestHash,
    answerJson: JSON.stringify(answer),
  });
  return answer;
}
