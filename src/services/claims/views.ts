// What any node answers about claims from its own copy of the chain (issue 17 §3–§5): a claim's entry, a
// line fingerprint's registration, a payer's rule tables, a PA request with its decision clock, the
// per-payer PA metrics, and the replay of a committed adjudication. Nothing here needs a vault or a key:
// the chain holds commitments, verdicts, digests and block times, never claim content.
import {
  adjudicate,
  adjudicationDigest,
  checkClaimFacts,
  claimEntry,
  decidedInTime,
  decisionDeadlineMs,
  fingerprintEntry,
  latestRuleTableVersion,
  paRequest,
  paRequestsOf,
  payerMetrics,
  ruleTable,
  type ClaimEntry,
  type ClaimFacts,
  type PaRequestEntry,
  type PaRequestFacts,
} from '../../app/claims/index.ts';
import { organisation, organisationIds } from '../../app/membership/queries.ts';
import type { StateReader } from '../../app/state.ts';
import type {
  FingerprintAnswer,
  MetricsAnswer,
  PriorAuthAnswer,
  ReplayAnswer,
  RuleTableAnswer,
} from '../../contract/claims.ts';
import { ServiceError } from '../errors.ts';

export function claimOrRefuse(state: StateReader, claimId: string): ClaimEntry {
  const claim = claimEntry(state, claimId);
  if (claim === undefined) throw new ServiceError('claims.claim_not_found', 'no claim has this id');
  return claim;
}

export function fingerprintView(state: StateReader, fingerprint: string): FingerprintAnswer {
  const entry = fingerprintEntry(state, fingerprint);
  if (entry === undefined) {
    throw new ServiceError('claims.fingerprint_not_found', 'no claim line has this fingerprint');
  }
  return { fingerprint, entry };
}

export function ruleTableView(state: StateReader, payerOrgId: string, version?: number): RuleTableAnswer {
  const latestVersion = latestRuleTableVersion(state, payerOrgId);
  const table = ruleTable(state, payerOrgId, version ?? latestVersion);
  if (table === undefined) {
    throw new ServiceError(
      'claims.rule_table_not_found',
      'this payer published no rule table of that version',
      {
        latestVersion,
      },
    );
  }
  return { payerOrgId, latestVersion, table };
}

export function priorAuthView(state: StateReader, requestId: string): PriorAuthAnswer {
  const request = paRequest(state, requestId);
  if (request === undefined) {
    throw new ServiceError('claims.request_not_found', 'no prior-authorisation request has this id');
  }
  const { priority, submittedAtMs, decision } = request;
  return {
    request,
    deadlineMs: decisionDeadlineMs(priority, submittedAtMs),
    decidedInTime: decision === null ? null : decidedInTime(priority, submittedAtMs, decision.decidedAtMs),
  };
}

/** A request as the metrics read it: its final decision, with the block time the chain stamped. */
export function paFacts(request: PaRequestEntry): PaRequestFacts {
  const { payerOrgId, priority, submittedAtMs, decision } = request;
  return {
    payerOrgId,
    priority,
    submittedMs: submittedAtMs,
    decision: decision === null ? null : { action: decision.action, decidedMs: decision.decidedAtMs },
  };
}

/** Every member insurer's PA metrics (or one payer's), as of the tip's block time. */
export function metricsView(
  state: StateReader,
  tip: { height: number; timeMs: number },
  payer?: string,
): MetricsAnswer {
  const insurers = organisationIds(state).filter(
    (id) => organisation(state, id)?.type === 'insurer' && (payer === undefined || id === payer),
  );
  const requests = insurers.flatMap((id) => paRequestsOf(state, id).map(paFacts));
  return { height: tip.height, asOfMs: tip.timeMs, payers: payerMetrics(requests, tip.timeMs) };
}

/**
 * Replays a committed adjudication: the engine runs on the facts given under the rule table the payer
 * named, and the digest is compared with the one on chain. Anyone holding the claim (the provider, the
 * payer, the patient on appeal) checks the payer's answer this way without trusting it.
 */
export function replayView(state: StateReader, claimId: string, facts: ClaimFacts): ReplayAnswer {
  checkClaimFacts(facts);
  const claim = claimOrRefuse(state, claimId);
  if (claim.adjudication === null) {
    throw new ServiceError('claims.not_adjudicated', 'this claim has no adjudication to replay');
  }
  const { tableVersion, digest: committedDigest } = claim.adjudication;
  const table = ruleTable(state, claim.payerOrgId, tableVersion);
  if (table === undefined)
    throw new ServiceError('claims.unknown_rule_table', 'the named rule table is gone');
  const adjudication = adjudicate(facts, table);
  const digest = adjudicationDigest(adjudication);
  return {
    claimId,
    tableVersion,
    adjudication,
    digest,
    committedDigest,
    matches: digest === committedDigest,
  };
}
