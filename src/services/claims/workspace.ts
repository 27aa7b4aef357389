// The insurer workspace's reads (issue 17 §7), for the payer's claims office at the payer's own node. The
// queue comes from the chain's per-payer indexes (app/claims/store.ts): every member's copy holds them,
// but this route answers only staff who decide for this node's organisation, and only about claims and
// requests sent to it (least privilege: a payer's office sees its own queue, no other payer's).
import {
  latestClaimsOf,
  latestPaRequestsOf,
  latestRuleTableVersion,
  type ClaimEntry,
  type DocumentationRef,
} from '../../app/claims/index.ts';
import { recordHead, recordVersion } from '../../app/records/store.ts';
import type { StateReader } from '../../app/state.ts';
import {
  WORKSPACE_ITEMS_MAX,
  type CitedVersion,
  type DocumentationAnswer,
  type WorkspaceAnswer,
} from '../../contract/claims.ts';
import type { CarechainNode } from '../../node/node.ts';
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import { claimOrRefuse, metricsView, priorAuthView } from './views.ts';
import { payerDecider } from './staff.ts';

/** The latest claims and PA requests sent to this node's organisation, with its clocks and metrics. */
export function workspaceView(node: CarechainNode, who: Caller): WorkspaceAnswer {
  const payerOrgId = payerDecider(node, who);
  const { state } = node.ledger;
  const tip = node.ledger.tip();
  // The figures over all of the payer's requests, as the public metrics route computes them.
  const [metrics] = metricsView(state, tip, payerOrgId).payers;
  return {
    payerOrgId,
    height: tip.height,
    asOfMs: tip.timeMs,
    latestTableVersion: latestRuleTableVersion(state, payerOrgId),
    claims: latestClaimsOf(state, payerOrgId, WORKSPACE_ITEMS_MAX),
    priorAuth: latestPaRequestsOf(state, payerOrgId, WORKSPACE_ITEMS_MAX).map((r) =>
      priorAuthView(state, r.requestId),
    ),
    metrics: metrics ?? null,
  };
}

/** A claim sent to this node's organisation, for its claims office; another payer's claim is refused. */
export function payersOwnClaim(node: CarechainNode, who: Caller, claimId: string): ClaimEntry {
  const payerOrgId = payerDecider(node, who);
  const claim = claimOrRefuse(node.ledger.state, claimId);
  if (claim.payerOrgId !== payerOrgId) {
    throw new ServiceError('claims.not_payer_node', 'this claim was sent to another payer');
  }
  return claim;
}

/** Existence, type and timing of each record version a claim cites, from the chain (issue 17 §2). */
export function documentationView(node: CarechainNode, who: Caller, claimId: string): DocumentationAnswer {
  const claim = payersOwnClaim(node, who, claimId);
  const { state } = node.ledger;
  return {
    claimId,
    submittedAtHeight: claim.submittedAtHeight,
    submittedAtMs: claim.submittedAtMs,
    lines: claim.lines.map((line) => ({
      sequence: line.sequence,
      verdict: line.verdict,
      documentation: line.documentation.map((ref) => citedVersion(state, claim, ref)),
    })),
  };
}

function citedVersion(state: StateReader, claim: ClaimEntry, ref: DocumentationRef): CitedVersion {
  const head = recordHead(state, ref.recordId);
  const version = recordVersion(state, ref.recordId, ref.version);
  return {
    recordId: ref.recordId,
    version: ref.version,
    committed: head !== undefined && version !== undefined,
    resourceType: head?.resourceType ?? null,
    custodianOrgId: head?.custodianOrgId ?? null,
    committedAtHeight: version?.height ?? null,
    committedAtMs: version?.timeMs ?? null,
    samePatient: head?.patientPseudonym === claim.patientPseudonym,
    beforeClaim: version !== undefined && version.height < claim.submittedAtHeight,
  };
}
