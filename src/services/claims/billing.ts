// Claims for payment at members' nodes (issue 17 §1–§4, §6), through their APIs:
// - submit(): the provider's staff send a claim's facts and its documentation to their own node, which
//   fingerprints each line under the network key, seals the content in its own store, and commits
//   claims.submit (commitment, fingerprints, documentation references; never the content).
// - adjudicate(): the payer's claims office asks the payer's node, which fetches the content from the
//   provider's node over the node-to-node channel (content-exchange.ts: checked against the commitment
//   on chain), checks the facts against the fingerprints the provider committed (the same key, patient,
//   provider, dates, codes, modifiers and units, or a refusal: a provider cannot dodge the duplicate
//   check by fingerprinting other lines than it bills), runs the engine under the payer's latest rule
//   table, writes the ExplanationOfBenefit to its own store, and commits claims.adjudicate.
// - eobsOf(): the patient reads, at the payer's node, the EOBs written about them and no one else.
import type { Bundle, ExplanationOfBenefit } from 'fhir/r4.js';
import {
  adjudicate,
  adjudicationDigest,
  checkClaimFacts,
  claimEntry,
  latestRuleTableVersion,
  lineFingerprint,
  lineIdentity,
  ruleTable,
  type Adjudication,
  type ClaimEntry,
  type ClaimFacts,
} from '../../app/claims/index.ts';
import { CARECHAIN_SYSTEMS } from '../../app/consent/fhir.ts';
import { toHex } from '../../core/bytes.ts';
import type { CanonicalValue } from '../../core/canonical.ts';
import type { Clock, RandomBytes } from '../../core/env.ts';
import type { AdjudicationAnswer, SubmitClaimAnswer, SubmitClaimBody } from '../../contract/claims.ts';
import type { FhirResource } from '../../contract/fhir.ts';
import type { ClaimDocumentKind, ClaimDocumentStore } from '../../node/claims/claim-documents.ts';
import type { CarechainNode } from '../../node/node.ts';
import { authorize, type Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';
import { commitAsNode } from '../ledger-refusal.ts';
import { custodialCommitment } from '../records/custodial.ts';
import { claimContentCommitment } from './commitment.ts';
import {
  CLAIM_CONTENT_METHOD,
  claimContentAtPayer,
  serveClaimContent,
  type ClaimContent,
  type DisclosedContent,
} from './content-exchange.ts';
import { claimOrRefuse } from './views.ts';
import { explanationOfBenefit } from './eob.ts';
import {
  adjudicatedEobs,
  eobsFromPayers,
  PATIENT_EOBS_METHOD,
  servePatientEobs,
  type ShownEob,
} from './eob-exchange.ts';
import { CLAIMS_COMMIT_TIMEOUT_MS_DEFAULT } from './prior-auth.ts';
import { claimsStaff } from './staff.ts';
import { payersOwnClaim } from './workspace.ts';

export interface ClaimBillingOptions {
  /** This endpoint's public FHIR base URL, for the EOB Bundle's fullUrls. */
  readonly baseUrl: string;
  /** The members' fingerprint key (node.json claims.networkKeyFile); without it, no claim moves here. */
  readonly networkKey?: Uint8Array | undefined;
  readonly commitTimeoutMs?: number;
}

export interface ClaimBillingDependencies {
  readonly node: CarechainNode;
  readonly documents: ClaimDocumentStore;
  readonly randomBytes: RandomBytes;
  /** For the lifetime of a patient's signed delegation, when another node asks for their EOBs. */
  readonly clock: Clock;
}

/** Identifier system of a claim's id on chain, in the EOB's claim reference. */
export const CLAIM_ID_SYSTEM = 'urn:carechain:claim';

const orgReference = (orgId: string) => ({
  identifier: { system: CARECHAIN_SYSTEMS.organisation, value: orgId },
});

export class ClaimBillingService {
  constructor(
    private readonly options: ClaimBillingOptions,
    private readonly deps: ClaimBillingDependencies,
  ) {
    // Payers' nodes ask this node for the content of claims it submitted to them (content-exchange.ts).
    // (A refusal thrown in the executor rejects the promise: the peer gets an error answer.)
    deps.node.network?.handleRequests(
      CLAIM_CONTENT_METHOD,
      (from, params) =>
        new Promise((answer) => answer(serveClaimContent(deps.node, deps.documents, from, params))),
    );
    // A patient's own node asks this one (a payer's) for the EOBs it keeps for them (eob-exchange.ts).
    deps.node.network?.handleRequests(
      PATIENT_EOBS_METHOD,
      (from, params) =>
        new Promise((answer) =>
          answer(servePatientEobs(deps.node, deps.documents, deps.clock.nowMs(), from, params)),
        ),
    );
  }

  private get node(): CarechainNode {
    return this.deps.node;
  }

  private networkKey(): Uint8Array {
    const key = this.options.networkKey;
    if (key === undefined) {
      // A setting this member lacks, as claims.no_payer is: the request cannot succeed here as sent.
      throw new ServiceError('claims.no_network_key', 'this node holds no claims network key', {
        setting: 'claims.networkKeyFile',
      });
    }
    return key;
  }

  /**
   * Commits the tx a stored document belongs to. If the chain refuses it, the document is forgotten
   * unless `onChain` says the chain holds what it documents all the same (a second adjudication of one
   * claim is refused, but the first one's EOB stays); a commit timeout keeps it: the tx may still commit.
   */
  private async commitDocumented(
    document: { claimId: string; kind: ClaimDocumentKind; onChain: () => boolean },
    type: string,
    payload: CanonicalValue,
  ): Promise<{ txHash: string; height: number }> {
    try {
      return await commitAsNode(this.node, {
        type,
        domain: 'claims',
        commitTimeoutMs: this.options.commitTimeoutMs ?? CLAIMS_COMMIT_TIMEOUT_MS_DEFAULT,
        payload,
      });
    } catch (err) {
      if (err instanceof ServiceError && err.code !== 'claims.commit_timeout' && !document.onChain()) {
        this.deps.documents.remove(document.claimId, document.kind);
      }
      throw err;
    }
  }

  /** A claim from the provider's staff: fingerprinted, sealed here, committed by this node. */
  async submit(who: Caller, body: SubmitClaimBody): Promise<SubmitClaimAnswer> {
    const providerOrgId = claimsStaff(this.node, who, 'Claim', 'c');
    const key = this.networkKey();
    const { facts, payerOrgId, patientPseudonym } = body;
    checkClaimFacts(facts);
    const sequences = facts.items.map((i) => i.sequence).join();
    if (body.lines.map((l) => l.sequence).join() !== sequences) {
      throw new ServiceError('claims.invalid_claim', 'lines must name the items’ sequences, in order', {
        sequences,
      });
    }
    const claimId = toHex(this.deps.randomBytes(32));
    const content: ClaimContent = { payerOrgId, patientPseudonym, facts, lines: body.lines };
    // The salt is derived from the node's seed and the claim id: the provider can disclose it with the
    // content (to the payer, on appeal) without keeping it anywhere.
    const salt = custodialCommitment(this.node.key, `claim-content\n${claimId}`);
    const lines = facts.items.map((item, i) => ({
      sequence: item.sequence,
      fingerprint: lineFingerprint(key, lineIdentity(patientPseudonym, providerOrgId, item)),
      documentation: body.lines[i]!.documentation,
    }));
    const payload = {
      claimId,
      payerOrgId,
      patientPseudonym,
      commitment: claimContentCommitment(salt, content as unknown as CanonicalValue),
      use: facts.use,
      frequency: body.frequency ?? '1',
      replacesClaimId: body.replacesClaimId ?? null,
      lines,
    };
    // Stored before the tx: a committed claim never lacks its content here; a refused one is forgotten.
    const disclosed: DisclosedContent = { content, salt };
    this.deps.documents.put({
      claimId,
      kind: 'content',
      patientPseudonym,
      digest: payload.commitment,
      createdAtMs: this.node.ledger.tip().timeMs,
      document: disclosed,
    });
    const onChain = () => claimEntry(this.node.ledger.state, claimId) !== undefined;
    const committed = await this.commitDocumented(
      { claimId, kind: 'content', onChain },
      'claims.submit',
      payload,
    );
    return { ...committed, claim: claimOrRefuse(this.node.ledger.state, claimId) };
  }

  /**
   * The payer's adjudication of a claim sent to this node's organisation, from the content the provider
   * committed to (fetched from the provider's node), and the patient's EOB.
   */
  async adjudicate(who: Caller, claimId: string): Promise<AdjudicationAnswer> {
    const claim = payersOwnClaim(this.node, who, claimId);
    const { payerOrgId } = claim;
    const key = this.networkKey();
    if (claim.status !== 'submitted') {
      throw new ServiceError('claims.not_submitted', 'this claim is not awaiting adjudication', {
        status: claim.status,
      });
    }
    const { facts } = await claimContentAtPayer(this.node, this.deps.documents, claim);
    checkClaimFacts(facts);
    checkFactsMatch(key, claim, facts);
    const version = latestRuleTableVersion(this.node.ledger.state, payerOrgId);
    const table = ruleTable(this.node.ledger.state, payerOrgId, version);
    if (table === undefined) {
      throw new ServiceError('claims.unknown_rule_table', 'this payer has published no rule table');
    }
    const adjudication = adjudicate(facts, table);
    const digest = adjudicationDigest(adjudication);
    // Written before the tx, as the content is at the provider; the patient's listing shows an EOB only
    // once the chain carries its digest, so a tx that never commits leaves nothing visible.
    const eob = this.eobOf(claim, facts, adjudication);
    this.deps.documents.put({
      claimId,
      kind: 'eob',
      patientPseudonym: claim.patientPseudonym,
      digest,
      createdAtMs: this.node.ledger.tip().timeMs,
      document: eob,
    });
    const { outcome, totalBenefitCents, totalPatientCents } = adjudication;
    const onChain = () => claimEntry(this.node.ledger.state, claimId)?.adjudication?.digest === digest;
    const committed = await this.commitDocumented({ claimId, kind: 'eob', onChain }, 'claims.adjudicate', {
      claimId,
      tableVersion: version,
      digest,
      outcome,
      totalBenefitCents,
      totalPatientCents,
    });
    const adjudicated = claimOrRefuse(this.node.ledger.state, claimId);
    return {
      ...committed,
      claim: adjudicated,
      adjudication,
      // An interface has no index signature: the contract reads any resource field by field.
      eob: withCreated(eob, adjudicated) as unknown as FhirResource,
    };
  }

  /** The EOB as stored; its `created` is stamped from the chain when it is shown (withCreated). */
  private eobOf(claim: ClaimEntry, facts: ClaimFacts, adjudication: Adjudication): ExplanationOfBenefit {
    return explanationOfBenefit(facts, adjudication, {
      id: claim.claimId,
      patient: { identifier: { system: CARECHAIN_SYSTEMS.patientPseudonym, value: claim.patientPseudonym } },
      insurer: orgReference(claim.payerOrgId),
      provider: orgReference(claim.providerOrgId),
      coverage: { display: `plan ${facts.planId}` },
      claim: { identifier: { system: CLAIM_ID_SYSTEM, value: claim.claimId } },
      createdMs: this.node.ledger.tip().timeMs,
    });
  }

  /**
   * The patient's (or their proxy's) EOBs, as a searchset Bundle, newest first: those this node keeps
   * (a payer's) and those every other member insurer's node sends for them (eob-exchange.ts), each only
   * when this node's chain carries its adjudication.
   */
  async eobsOf(who: Caller): Promise<Bundle> {
    if (who.kind !== 'patient' && who.kind !== 'proxy') {
      throw new ServiceError('claims.patient_only', 'only the patient reads their explanations of benefit');
    }
    authorize(who, 'ExplanationOfBenefit', 'r');
    const state = this.node.ledger.state;
    const own: ShownEob[] = adjudicatedEobs(state, this.deps.documents, who.pseudonym).map(
      ({ doc, claim }) => ({ claim, eob: doc.document as ExplanationOfBenefit }),
    );
    const shown = [...own, ...(await eobsFromPayers(this.node, who))].sort(
      (a, b) => b.claim.adjudication!.timeMs - a.claim.adjudication!.timeMs,
    );
    const entry = shown.map(({ claim, eob }) => ({
      fullUrl: `${this.options.baseUrl}/ExplanationOfBenefit/${claim.claimId}`,
      resource: withCreated(eob, claim),
      search: { mode: 'match' as const },
    }));
    return { resourceType: 'Bundle', type: 'searchset', total: entry.length, entry };
  }
}

/** The EOB with `created` the adjudication's block time, as the chain has it (the EOB's own clock). */
function withCreated(eob: ExplanationOfBenefit, claim: ClaimEntry): ExplanationOfBenefit {
  const timeMs = claim.adjudication?.timeMs;
  return timeMs === undefined ? eob : { ...eob, created: new Date(timeMs).toISOString() };
}

/**
 * The facts must be the claim the provider fingerprinted: one item per committed line, in order, each
 * reproducing its line's fingerprint (patient, provider, date, code, modifiers, units). A provider
 * whose fingerprints name other services than its content bills is caught here, by the payer.
 */
export function checkFactsMatch(key: Uint8Array, claim: ClaimEntry, facts: ClaimFacts): void {
  const mismatched = claim.lines
    .filter((line, i) => {
      const item = facts.items[i];
      if (item === undefined || item.sequence !== line.sequence) return true;
      const identity = lineIdentity(claim.patientPseudonym, claim.providerOrgId, item);
      return lineFingerprint(key, identity) !== line.fingerprint;
    })
    .map((line) => line.sequence);
  if (mismatched.length > 0 || facts.items.length !== claim.lines.length) {
    throw new ServiceError('claims.facts_mismatch', 'the facts do not match the lines the provider billed', {
      sequences: mismatched.join(),
    });
  }
}
