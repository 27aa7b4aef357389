// DSCSA product verification (FD&C Act §582(c)(4), "verification": does this product identifier — GTIN,
// serial, lot, expiry — match what the manufacturer assigned?). verifyPack is one pure function: the API
// answers with it from the latest committed state at once, and supply.recordVerification recomputes it at
// its own height, storing the request, the answer given and the verdict recomputed (they may differ if
// state moved in between; both are kept, nothing is refused). A serial never commissioned, or a pack
// verified at an organisation it never reached, raises an alert to the manufacturer and regulators.
import type { CanonicalValue } from '../../core/canonical.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { exactObject, invalidPayload, type PayloadObject } from '../payload.ts';
import { actingOrg } from './actor.ts';
import { raiseAlert } from './alerts.ts';
import { canonicalKeyUri, isValidSerial } from './gs1/index.ts';
import { gtinField, lotField } from './products.ts';
import {
  isRecalled,
  nextId,
  product,
  unit,
  VERIFICATION_COUNT_KEY,
  verificationKey,
  write,
} from './store.ts';
import { expiryEndMs, isDate } from './time.ts';
import {
  VERIFY_REASONS,
  type Verdict,
  type VerificationRecord,
  type VerifyQuery,
  type VerifyReason,
} from './types.ts';

export function sgtinUri(gtin: string, serial: string): string {
  return canonicalKeyUri({ kind: 'sgtin', gtin, serial });
}

/**
 * The verdict on a pack at atTimeMs. Identity mismatches come first (they are what a counterfeit shows),
 * then quarantine, recall, end of life and expiry.
 */
export function verifyPack(
  state: import('../state.ts').StateReader,
  query: VerifyQuery,
  atTimeMs: number,
  _verifierOrgId: string,
): Verdict {
  const made = product(state, query.gtin);
  if (made === undefined) return { verified: false, reason: 'unknown_product' };
  const found = unit(state, sgtinUri(query.gtin, query.serial));
  if (found === undefined) return { verified: false, reason: 'unknown_serial', product: made };
  const no = (reason: VerifyReason): Verdict => ({ verified: false, reason, product: made, unit: found });
  if (query.lot !== null && query.lot !== found.lot) return no('lot_mismatch');
  if (query.expiry !== null && query.expiry !== found.expiry) return no('expiry_mismatch');
  if (found.quarantineSuspectId !== null) return no('suspect_quarantined');
  if (isRecalled(state, found.gtin, found.lot)) return no('recalled');
  if (found.status === 'decommissioned') return no('decommissioned');
  if (found.status === 'dispensed') return no('already_dispensed');
  if (atTimeMs >= expiryEndMs(found.expiry)) return no('expired');
  return { verified: true, product: made, unit: found };
}

export function parseVerifyQuery(value: CanonicalValue | undefined): VerifyQuery {
  const q = exactObject(value, 'verification query', ['gtin', 'serial'], ['lot', 'expiry']);
  const gtin = gtinField(q.gtin);
  if (typeof q.serial !== 'string' || !isValidSerial(q.serial)) {
    throw invalidPayload('serial must be a GS1 serial (1..20 characters of CSET 82)', { field: 'serial' });
  }
  const lot = q.lot === undefined || q.lot === null ? null : lotField(q.lot);
  const expiry = q.expiry === undefined || q.expiry === null ? null : q.expiry;
  if (expiry !== null && (typeof expiry !== 'string' || !isDate(expiry))) {
    throw invalidPayload('expiry must be a date YYYY-MM-DD', { field: 'expiry' });
  }
  return { gtin, serial: q.serial, lot, expiry };
}

function reasonOf(verdict: Verdict): VerifyReason | null {
  return verdict.verified ? null : verdict.reason;
}

function applyRecordVerification(ctx: TxContext, p: PayloadObject): void {
  const query = parseVerifyQuery(p.query);
  const a = exactObject(p.answered, 'answered', ['verified', 'reason']);
  if (typeof a.verified !== 'boolean') throw invalidPayload('answered.verified must be a boolean');
  const answeredReason = a.reason;
  if (
    (a.verified && answeredReason !== null) ||
    (!a.verified && !(VERIFY_REASONS as readonly unknown[]).includes(answeredReason))
  ) {
    throw invalidPayload('answered.reason must be null when verified, else a verification reason');
  }
  const org = actingOrg(ctx.state, ctx.signer);
  const verdict = verifyPack(ctx.state, query, ctx.timeMs, org.id);
  const record: VerificationRecord = {
    id: nextId(ctx.state, VERIFICATION_COUNT_KEY),
    query,
    verifierOrgId: org.id,
    answered: { verified: a.verified, reason: answeredReason as VerifyReason | null },
    recomputed: { verified: verdict.verified, reason: reasonOf(verdict) },
    height: ctx.height,
    txHash: ctx.txHash,
  };
  write(ctx.state, verificationKey(record.id), record);
  const about = { epc: sgtinUri(query.gtin, query.serial), gtin: query.gtin };
  if (!verdict.verified && verdict.reason === 'unknown_serial') {
    raiseAlert(ctx, 'unknown_serial', about, org.id);
  } else if (verdict.unit !== undefined && org.type !== 'regulator') {
    const reached = verdict.unit.reachedOrgIds.includes(org.id) || verdict.unit.recipientOrgId === org.id;
    if (!reached) raiseAlert(ctx, 'unreached_verification', about, org.id);
  }
}

export const verifyHandlers: readonly TxHandler[] = [
  { type: 'supply.recordVerification', fields: ['query', 'answered'], apply: applyRecordVerification },
];
