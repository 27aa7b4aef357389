// The claims txs (issue 17 §1–§5). Providers' nodes submit claim commitments with line fingerprints and
// the record versions that document each line; payers' nodes publish their rule tables, record an
// adjudication's digest, and decide prior authorisations. Block times stamp every step, so the decision
// clock is the chain's, not a party's.
import { actorOf, organisation } from '../membership/queries.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { rejected, type PayloadObject } from '../payload.ts';
import { recordHead, recordVersion } from '../records/store.ts';
import { writeStateValue } from '../state.ts';
import { classifyLine, FREQUENCY_CODES, type FingerprintEntry } from './fingerprint.ts';
import type { ClaimEntry, ClaimLineEntry, DocumentationRef, PaRequestEntry } from './ledger-types.ts';
import { parseAdjudicate, parsePaDecide, parsePaSubmit, parseRuleTable, parseSubmit } from './parse.ts';
import {
  claimCountKey,
  claimEntry,
  claimIndexKey,
  claimKey,
  fingerprintEntry,
  fingerprintKey,
  latestRuleTableVersion,
  paCountKey,
  paIndexKey,
  paRequest,
  paRequestKey,
  ruleTable,
  ruleTableKey,
  ruleTableLatestKey,
} from './store.ts';
import { readStateCount } from '../state.ts';

/** The record types that document a billed service (issue 17 §2). */
export const DOCUMENTING_TYPES: readonly string[] = [
  'Encounter',
  'Procedure',
  'Observation',
  'DiagnosticReport',
  'MedicationRequest',
  'Condition',
];

/** The organisation whose node signed, or a refusal: claims move between organisations' nodes only. */
function signingNodeOrg(
  ctx: TxContext,
  reason: 'claims.not_provider_node' | 'claims.not_payer_node',
): string {
  const actor = actorOf(ctx.state, ctx.signer);
  if (actor.kind !== 'node') throw rejected(reason, 'only a member organisation’s node may sign this');
  return actor.orgId;
}

/** A provider's node sending to a member insurer: the provider's organisation, or a refusal. */
function providerToInsurer(ctx: TxContext, payerOrgId: string): string {
  const providerOrgId = signingNodeOrg(ctx, 'claims.not_provider_node');
  requireInsurer(ctx, payerOrgId);
  return providerOrgId;
}

/** The entry, when the signer is a node of the payer it was sent to; else the refusal `unknown` builds. */
function payersOwn<T extends { readonly payerOrgId: string }>(
  ctx: TxContext,
  entry: T | undefined,
  unknown: () => Error,
): T {
  const payerOrgId = signingNodeOrg(ctx, 'claims.not_payer_node');
  if (entry === undefined || entry.payerOrgId !== payerOrgId) throw unknown();
  return entry;
}

function requireInsurer(ctx: TxContext, payerOrgId: string): void {
  if (organisation(ctx.state, payerOrgId)?.type !== 'insurer') {
    throw rejected('claims.not_insurer', 'the payer must be a member insurer', { payerOrgId });
  }
}

/**
 * The documentation edit: every line cites record versions of this patient, of a documenting type,
 * committed in an earlier block than the claim. This is the check improper payments fail (issue 17 §2).
 */
function checkDocumentation(
  ctx: TxContext,
  patientPseudonym: string,
  sequence: number,
  refs: readonly DocumentationRef[],
) {
  if (refs.length === 0) {
    throw rejected(
      'claims.undocumented',
      'each claim line must cite the committed records that document it',
      {
        sequence,
      },
    );
  }
  for (const ref of refs) {
    const head = recordHead(ctx.state, ref.recordId);
    const version = recordVersion(ctx.state, ref.recordId, ref.version);
    if (head === undefined || version === undefined || !DOCUMENTING_TYPES.includes(head.resourceType)) {
      throw rejected('claims.documentation_missing', 'a cited record version is not committed', { sequence });
    }
    if (head.patientPseudonym !== patientPseudonym) {
      throw rejected('claims.documentation_other_patient', 'a cited record is another patient’s', {
        sequence,
      });
    }
    if (version.height >= ctx.height) {
      throw rejected(
        'claims.documentation_late',
        'a cited record version was not committed before the claim',
        {
          sequence,
        },
      );
    }
  }
}

function applySubmit(ctx: TxContext, payload: PayloadObject): void {
  const p = parseSubmit(payload);
  const providerOrgId = providerToInsurer(ctx, p.payerOrgId);
  if (claimEntry(ctx.state, p.claimId) !== undefined)
    throw rejected('claims.claim_exists', 'this claim id is taken');
  const replaced = p.replacesClaimId === null ? undefined : claimEntry(ctx.state, p.replacesClaimId);
  if (p.replacesClaimId !== null) {
    if (
      replaced === undefined ||
      replaced.providerOrgId !== providerOrgId ||
      replaced.payerOrgId !== p.payerOrgId
    ) {
      throw rejected(
        'claims.replaces_unknown',
        'a replacement or void names a claim this provider sent this payer',
      );
    }
    if (replaced.status === 'replaced' || replaced.status === 'voided') {
      throw rejected('claims.replaces_unknown', 'the claim named was already replaced or voided');
    }
  }
  const lines: ClaimLineEntry[] = [];
  for (const line of p.lines) {
    if (p.frequency !== FREQUENCY_CODES.void)
      checkDocumentation(ctx, p.patientPseudonym, line.sequence, line.documentation);
    const verdict = classifyLine(
      fingerprintEntry(ctx.state, line.fingerprint),
      p.frequency,
      p.replacesClaimId,
    );
    if (verdict === 'void_unmatched') {
      throw rejected('claims.void_unmatched', 'a void must repeat the lines of the claim it voids', {
        sequence: line.sequence,
      });
    }
    const entry: FingerprintEntry = {
      claimId: p.claimId,
      payerOrgId: p.payerOrgId,
      voided: verdict === 'void',
    };
    if (verdict !== 'duplicate') writeStateValue(ctx.state, fingerprintKey(line.fingerprint), entry);
    lines.push({ ...line, verdict });
  }
  if (replaced !== undefined) {
    // Lines of the earlier claim this one did not carry over are released: billing them again is not a duplicate.
    for (const old of replaced.lines) {
      const entry = fingerprintEntry(ctx.state, old.fingerprint);
      if (entry?.claimId === replaced.claimId)
        writeStateValue(ctx.state, fingerprintKey(old.fingerprint), { ...entry, voided: true });
    }
    const status = p.frequency === FREQUENCY_CODES.void ? 'voided' : 'replaced';
    writeStateValue(ctx.state, claimKey(replaced.claimId), { ...replaced, status });
  }
  const claim: ClaimEntry = {
    claimId: p.claimId,
    providerOrgId,
    payerOrgId: p.payerOrgId,
    patientPseudonym: p.patientPseudonym,
    commitment: p.commitment,
    use: p.use,
    frequency: p.frequency,
    replacesClaimId: p.replacesClaimId,
    lines,
    status: p.frequency === FREQUENCY_CODES.void ? 'voided' : 'submitted',
    adjudication: null,
    submittedAtHeight: ctx.height,
    submittedAtMs: ctx.timeMs,
    txHash: ctx.txHash,
  };
  writeStateValue(ctx.state, claimKey(p.claimId), claim);
  appendToIndex(ctx, claimCountKey(p.payerOrgId), (n) => claimIndexKey(p.payerOrgId, n), p.claimId);
}

/** Appends an id to a payer's index (its claims, its PA requests), in commit order. */
function appendToIndex(ctx: TxContext, countKey: string, indexKey: (n: number) => string, id: string): void {
  const n = readStateCount(ctx.state, countKey);
  writeStateValue(ctx.state, indexKey(n), id);
  writeStateValue(ctx.state, countKey, n + 1);
}

function applyPublishRules(ctx: TxContext, payload: PayloadObject): void {
  const table = parseRuleTable(payload);
  const payerOrgId = signingNodeOrg(ctx, 'claims.not_payer_node');
  requireInsurer(ctx, payerOrgId);
  const latest = latestRuleTableVersion(ctx.state, payerOrgId);
  if (table.version !== latest + 1) {
    throw rejected('claims.rule_table_version', 'a rule table’s version is one more than the last', {
      latest,
    });
  }
  writeStateValue(ctx.state, ruleTableKey(payerOrgId, table.version), table);
  writeStateValue(ctx.state, ruleTableLatestKey(payerOrgId), table.version);
}

function applyAdjudicate(ctx: TxContext, payload: PayloadObject): void {
  const p = parseAdjudicate(payload);
  const claim = payersOwn(ctx, claimEntry(ctx.state, p.claimId), () =>
    rejected('claims.unknown_claim', 'no claim to this payer has that id'),
  );
  const payerOrgId = claim.payerOrgId;
  if (claim.status !== 'submitted')
    throw rejected('claims.not_submitted', 'only a submitted claim is adjudicated');
  if (ruleTable(ctx.state, payerOrgId, p.tableVersion) === undefined) {
    throw rejected('claims.unknown_rule_table', 'the payer published no rule table of that version');
  }
  const { claimId: _, ...figures } = p;
  const adjudication = { ...figures, height: ctx.height, timeMs: ctx.timeMs };
  writeStateValue(ctx.state, claimKey(claim.claimId), { ...claim, status: 'adjudicated', adjudication });
}

function applyPaSubmit(ctx: TxContext, payload: PayloadObject): void {
  const p = parsePaSubmit(payload);
  const providerOrgId = providerToInsurer(ctx, p.payerOrgId);
  if (paRequest(ctx.state, p.requestId) !== undefined)
    throw rejected('claims.request_exists', 'this request id is taken');
  const entry: PaRequestEntry = {
    ...p,
    providerOrgId,
    submittedAtMs: ctx.timeMs,
    submittedAtHeight: ctx.height,
    pendedAtMs: [],
    decision: null,
  };
  writeStateValue(ctx.state, paRequestKey(p.requestId), entry);
  appendToIndex(ctx, paCountKey(p.payerOrgId), (n) => paIndexKey(p.payerOrgId, n), p.requestId);
}

/** Most A4 (pended) answers one request may collect before a final decision. */
export const PENDS_PER_REQUEST_MAX = 16;

function applyPaDecide(ctx: TxContext, payload: PayloadObject): void {
  const p = parsePaDecide(payload);
  const request = payersOwn(ctx, paRequest(ctx.state, p.requestId), () =>
    rejected('claims.unknown_request', 'no prior-authorisation request to this payer has that id'),
  );
  if (request.decision !== null || request.pendedAtMs.length >= PENDS_PER_REQUEST_MAX) {
    throw rejected('claims.already_decided', 'this request was already decided');
  }
  const next: PaRequestEntry =
    p.action === 'A4'
      ? { ...request, pendedAtMs: [...request.pendedAtMs, ctx.timeMs] }
      : {
          ...request,
          decision: {
            action: p.action,
            authNumber: p.authNumber,
            decidedAtMs: ctx.timeMs,
            height: ctx.height,
          },
        };
  writeStateValue(ctx.state, paRequestKey(p.requestId), next);
}

export const claimsHandlers: readonly TxHandler[] = [
  {
    type: 'claims.submit',
    fields: [
      'claimId',
      'payerOrgId',
      'patientPseudonym',
      'commitment',
      'use',
      'frequency',
      'replacesClaimId',
      'lines',
    ],
    apply: applySubmit,
  },
  { type: 'claims.publishRules', fields: ['table'], apply: applyPublishRules },
  {
    type: 'claims.adjudicate',
    fields: ['claimId', 'tableVersion', 'digest', 'outcome', 'totalBenefitCents', 'totalPatientCents'],
    apply: applyAdjudicate,
  },
  {
    type: 'claims.paSubmit',
    fields: ['requestId', 'payerOrgId', 'patientPseudonym', 'commitment', 'priority'],
    apply: applyPaSubmit,
  },
  { type: 'claims.paDecide', fields: ['requestId', 'action', 'authNumber'], apply: applyPaDecide },
];
