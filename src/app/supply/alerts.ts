// Counterfeit and diversion alerts (issue 5), addressed to the product's manufacturer and every
// regulator. Verification raises its own (supply.recordVerification). A capture the rules refused
// writes nothing, so the refusing node reports what it saw with supply.reportAlert, whose handler
// re-checks the condition from state: the subject of the alert is always the reporting organisation
// itself, and the state must show what the alert claims, so no one can forge an alert about another.
// A repeatable act (a verification, a report) raises its alert once per ALERT_REPEAT_WINDOW_MS of chain
// time for the same kind, unit and organisation; the act itself is still recorded (finding 13).
import type { CanonicalValue } from '../../core/canonical.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { enumField, invalidPayload, rejected, type PayloadObject } from '../payload.ts';
import { actingOrg, regulatorIds } from './actor.ts';
import { resolveId } from './ids.ts';
import {
  ALERT_COUNT_KEY,
  alertKey,
  alertLastKey,
  nextId,
  orgAlertCountKey,
  orgAlertIndexKey,
  product,
  read,
  unit,
  write,
} from './store.ts';
import {
  ALERT_REPEAT_WINDOW_MS,
  REPEATABLE_ALERT_KINDS,
  REPORTABLE_ALERT_KINDS,
  type Alert,
  type AlertKind,
} from './types.ts';

/**
 * Writes an alert and indexes it under each organisation it is addressed to; undefined when the same
 * organisation raised the same repeatable alert about the unit less than ALERT_REPEAT_WINDOW_MS ago.
 */
export function raiseAlert(
  ctx: TxContext,
  kind: AlertKind,
  about: { readonly epc: string; readonly gtin: string },
  subjectOrgId: string,
): Alert | undefined {
  if (REPEATABLE_ALERT_KINDS.includes(kind)) {
    const lastKey = alertLastKey(kind, about.epc, subjectOrgId);
    const last = read<number>(ctx.state, lastKey);
    if (last !== undefined && ctx.timeMs - last < ALERT_REPEAT_WINDOW_MS) return undefined;
    write(ctx.state, lastKey, ctx.timeMs);
  }
  const manufacturer = product(ctx.state, about.gtin)?.manufacturerOrgId;
  const addressedTo = [
    ...new Set([...(manufacturer === undefined ? [] : [manufacturer]), ...regulatorIds(ctx.state)]),
  ];
  const alert: Alert = {
    id: nextId(ctx.state, ALERT_COUNT_KEY),
    kind,
    epc: about.epc,
    gtin: about.gtin,
    subjectOrgId,
    addressedTo,
    height: ctx.height,
    txHash: ctx.txHash,
  };
  write(ctx.state, alertKey(alert.id), alert);
  for (const orgId of addressedTo) {
    write(ctx.state, orgAlertIndexKey(orgId, nextId(ctx.state, orgAlertCountKey(orgId))), alert.id);
  }
  return alert;
}

/** An SGTIN in any spelling, as its canonical id; anything else is refused. */
export function sgtinField(
  value: CanonicalValue | undefined,
  field: string,
): { epc: string; gtin: string; serial: string } {
  if (typeof value !== 'string' || value.length > 512)
    throw invalidPayload(`${field} must be an SGTIN`, { field });
  const { canonical, key } = resolveId(value);
  if (key?.kind !== 'sgtin')
    throw invalidPayload(`${field} must be an SGTIN (EPC URN or Digital Link)`, { field });
  return { epc: canonical, gtin: key.gtin, serial: key.serial };
}

function applyReportAlert(ctx: TxContext, p: PayloadObject): void {
  const kind = enumField(p.kind, 'kind', REPORTABLE_ALERT_KINDS);
  const { epc, gtin } = sgtinField(p.epc, 'epc');
  const org = actingOrg(ctx.state, ctx.signer);
  const found = unit(ctx.state, epc);
  const holds =
    found !== undefined &&
    (kind === 'second_dispense' ? found.status === 'dispensed' : found.ownerOrgId !== org.id);
  if (!holds) {
    throw rejected('supply.alert_unfounded', 'the state does not show what this alert reports', { kind });
  }
  raiseAlert(ctx, kind, { epc, gtin }, org.id);
}

export const alertHandlers: readonly TxHandler[] = [
  { type: 'supply.reportAlert', fields: ['kind', 'epc'], apply: applyReportAlert },
];
