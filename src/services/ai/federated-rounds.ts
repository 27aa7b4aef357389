// The coordinator's side of a federated round (issue 20 §3): the developing organisation's node asks every
// site for its masked update over the node-to-node channel (federated-site.ts answers), sums them modulo
// 2^64 so every pairwise pad cancels (Bonawitz et al. 2017), and commits the round: the participants, the
// hash of each masked update and the hash of the sum (ai.commitRound). It learns the sum only: never one
// site's update, nor any record. The answer carries every masked update and the sum, so anyone can check
// them against the chain's hashes and recompute the average. The next round starts from this sum, which
// each site checks against the chain before it trains.
import { ServiceError } from '../errors.ts';
import { AI_UPDATE_METHOD, serveUpdate, type RoundRequest, type SiteAnswer } from './federated-site.ts';
import { idField, LOINC_CODE, type AiService } from './service.ts';
import {
  decodeAverage,
  parseElements,
  readCohort,
  readRound,
  sumMasked,
  updateCommitment,
} from '../../app/ai/index.ts';
import { organisation } from '../../app/membership/queries.ts';
import { toHex } from '../../core/bytes.ts';
import type { RoundAnswer, RunRoundBody } from '../../contract/ai.ts';

const invalid = (message: string, field: string) => new ServiceError('ai.invalid', message, { field });

/** One site's answer: asked over the node-to-node channel, or computed here when this node is a site. */
async function askSite(service: AiService, orgId: string, request: RoundRequest): Promise<SiteAnswer> {
  const { node } = service;
  if (orgId === service.orgId) return serveUpdate(service, node.key.publicKey, request);
  const nodeKey = organisation(service.state, orgId)?.nodeKeys[0];
  if (node.network === undefined || nodeKey === undefined) {
    throw new ServiceError('ai.site_unavailable', `no node-to-node channel to ${orgId}`, { orgId });
  }
  try {
    return (await node.network.request(nodeKey, AI_UPDATE_METHOD, request)) as SiteAnswer;
  } catch (err) {
    // The site's own words (federated-site.ts refuses in fixed sentences that name no data).
    const reason = String((err as Error).message).slice(0, 200);
    throw new ServiceError('ai.site_unavailable', `the site ${orgId} gave no update`, { orgId, reason });
  }
}

/** The answer of one site, checked: its org, counts and a masked update of the round's length. */
function checkedAnswer(orgId: string, answer: SiteAnswer, length: number): bigint[] {
  const masked = parseElements(answer?.masked, length);
  const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  if (
    answer?.orgId !== orgId ||
    masked === undefined ||
    !count(answer.sampleCount) ||
    !count(answer.excludedForConsent)
  ) {
    throw new ServiceError('ai.site_unavailable', `the site ${orgId} answered something else`, { orgId });
  }
  return masked;
}

function checkedSites(service: AiService, body: RunRoundBody, cohortId: string): string[] {
  const sites = [...new Set(body.sites)].sort();
  if (sites.length !== body.sites.length) throw invalid('each site once', 'sites');
  if (sites.some((orgId) => readCohort(service.state, cohortId, orgId) === undefined)) {
    throw invalid('every site must have committed its part of the cohort', 'sites');
  }
  if (!body.features.every((f) => LOINC_CODE.test(f.code) && Number.isFinite(f.mean) && f.scale > 0)) {
    throw invalid('features are LOINC codes, each with a finite mean and a positive scale', 'features');
  }
  return sites;
}

export async function runRound(service: AiService, body: RunRoundBody): Promise<RoundAnswer> {
  const { round } = body;
  if (body.modelId === undefined && round !== 1) throw invalid('a later round names its model', 'modelId');
  const modelId =
    body.modelId === undefined ? toHex(service.randomBytes(32)) : idField(body.modelId, 'modelId');
  const cohortId = idField(body.cohortId, 'cohortId');
  const sites = checkedSites(service, body, cohortId);
  if (readRound(service.state, modelId, round) !== undefined) {
    throw new ServiceError('ai.round_exists', 'this round is committed already');
  }
  const previousSum = round === 1 ? null : service.store.roundSum(modelId, round - 1);
  if (previousSum === undefined) {
    throw new ServiceError('ai.round_out_of_order', 'this node did not coordinate the previous round');
  }
  const request: RoundRequest = {
    modelId,
    round,
    cohortId,
    participants: sites,
    features: body.features,
    previousSum,
    atHeight: service.node.ledger.tip().height,
  };
  const answers = await Promise.all(sites.map((orgId) => askSite(service, orgId, request)));
  const masked = answers.map((answer, i) => checkedAnswer(sites[i]!, answer, body.features.length + 2));
  const sum = sumMasked(masked);
  const participants = sites.map((orgId, i) => ({ orgId, updateHash: updateCommitment(masked[i]!) }));
  const aggregateHash = updateCommitment(sum);
  const committed = await service.commit('ai.commitRound', {
    modelId,
    round,
    cohortId,
    participants,
    aggregateHash,
  });
  service.store.putRoundSum(modelId, round, sum.map(String));
  const average = decodeAverage(sum);
  return {
    modelId,
    round,
    cohortId,
    participants: participants.map((p, i) => ({
      ...p,
      masked: masked[i]!.map(String),
      sampleCount: answers[i]!.sampleCount,
      excludedForConsent: answers[i]!.excludedForConsent,
    })),
    sum: sum.map(String),
    aggregateHash,
    weights: [...average.weights],
    sampleCount: average.sampleCount,
    ...committed,
  };
}
