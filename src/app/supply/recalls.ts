// Recalls and suspect-product notifications (issue 5; DSCSA §582: a trading partner that finds suspect
// or illegitimate product quarantines it and notifies the manufacturer and the FDA).
//   supply.recallLot / supply.clearRecall     { gtin, lot }: the product's manufacturer or a regulator
//   supply.notifySuspect                      { kind: suspect | illegitimate, epcs }: the unit's owner,
//                                             its manufacturer or a regulator; quarantines the units and
//                                             alerts the manufacturer and regulators
//   supply.resolveSuspect                     { suspectId, outcome: cleared | confirmed }: the notifier,
//                                             the manufacturer or a regulator; "cleared" lifts the
//                                             quarantine, "confirmed" keeps it for good
import type { CanonicalValue } from '../../core/canonical.ts';
import type { Organisation } from '../membership/types.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { enumField, invalidPayload, rejected, safeIntegerField } from '../payload.ts';
import type { PayloadObject } from '../payload.ts';
import { actingOrg } from './actor.ts';
import { raiseAlert, sgtinField } from './alerts.ts';
import { gtinField, lotField } from './products.ts';
import {
  nextId,
  product,
  recall,
  recallKey,
  suspect,
  SUSPECT_COUNT_KEY,
  suspectKey,
  suspectTxKey,
  unit,
  unitKey,
  write,
} from './store.ts';
import {
  SUSPECT_KINDS,
  SUSPECT_OUTCOMES,
  SUSPECT_UNITS_MAX,
  type Product,
  type Recall,
  type Suspect,
} from './types.ts';

function registeredProduct(ctx: TxContext, gtin: string): Product {
  const found = product(ctx.state, gtin);
  if (found === undefined)
    throw rejected('supply.unknown_product', 'no manufacturer registered this GTIN', { gtin });
  return found;
}

function requireManufacturerOrRegulator(org: Organisation, p: Product): void {
  if (org.type !== 'regulator' && org.id !== p.manufacturerOrgId) {
    throw rejected('supply.not_manufacturer', 'only the product’s manufacturer or a regulator may do this');
  }
}

/** The lot a recall tx names, and the acting organisation: the product's manufacturer or a regulator. */
function recallTarget(ctx: TxContext, p: PayloadObject): { gtin: string; lot: string; org: Organisation } {
  const gtin = gtinField(p.gtin);
  const lot = lotField(p.lot);
  const org = actingOrg(ctx.state, ctx.signer);
  requireManufacturerOrRegulator(org, registeredProduct(ctx, gtin));
  return { gtin, lot, org };
}

function applyRecallLot(ctx: TxContext, payload: PayloadObject): void {
  const { gtin, lot, org } = recallTarget(ctx, payload);
  if (recall(ctx.state, gtin, lot)?.active === true) {
    throw rejected('supply.already_recalled', 'this lot is recalled already', { gtin });
  }
  const next: Recall = {
    gtin,
    lot,
    active: true,
    recalledByOrgId: org.id,
    recalledAtHeight: ctx.height,
    clearedByOrgId: null,
    clearedAtHeight: null,
  };
  write(ctx.state, recallKey(gtin, lot), next);
}

function applyClearRecall(ctx: TxContext, payload: PayloadObject): void {
  const { gtin, lot, org } = recallTarget(ctx, payload);
  const before = recall(ctx.state, gtin, lot);
  if (before?.active !== true) throw rejected('supply.not_recalled', 'this lot is not recalled', { gtin });
  write(ctx.state, recallKey(gtin, lot), {
    ...before,
    active: false,
    clearedByOrgId: org.id,
    clearedAtHeight: ctx.height,
  });
}

function applyNotifySuspect(ctx: TxContext, p: PayloadObject): void {
  const kind = enumField(p.kind, 'kind', SUSPECT_KINDS);
  if (!Array.isArray(p.epcs) || p.epcs.length === 0 || p.epcs.length > SUSPECT_UNITS_MAX) {
    throw invalidPayload(`epcs must list 1..${SUSPECT_UNITS_MAX} SGTINs`, { field: 'epcs' });
  }
  const ids = (p.epcs as CanonicalValue[]).map((v) => sgtinField(v, 'epcs'));
  const epcs = [...new Set(ids.map((i) => i.epc))];
  const org = actingOrg(ctx.state, ctx.signer);
  const id = nextId(ctx.state, SUSPECT_COUNT_KEY);
  for (const { epc, gtin } of ids.filter((x, i) => epcs.indexOf(x.epc) === i)) {
    const made = registeredProduct(ctx, gtin);
    const u = unit(ctx.state, epc);
    if (u === undefined)
      throw rejected('supply.not_commissioned', 'the unit was never commissioned', { epc });
    if (org.type !== 'regulator' && org.id !== made.manufacturerOrgId && org.id !== u.ownerOrgId) {
      throw rejected(
        'supply.not_trading_partner',
        'only the owner, the manufacturer or a regulator may notify',
        {
          epc,
        },
      );
    }
    if (u.quarantineSuspectId !== null)
      throw rejected('supply.quarantined', 'the unit is quarantined already', { epc });
    write(ctx.state, unitKey(epc), { ...u, quarantineSuspectId: id });
    raiseAlert(ctx, kind, { epc, gtin }, org.id);
  }
  const record: Suspect = {
    id,
    kind,
    epcs,
    notifiedByOrgId: org.id,
    notifiedAtHeight: ctx.height,
    status: 'open',
    resolvedByOrgId: null,
    resolvedAtHeight: null,
  };
  write(ctx.state, suspectKey(id), record);
  write(ctx.state, suspectTxKey(ctx.txHash), id);
}

function applyResolveSuspect(ctx: TxContext, p: PayloadObject): void {
  const id = safeIntegerField(p.suspectId, 'suspectId', 0);
  const outcome = enumField(p.outcome, 'outcome', SUSPECT_OUTCOMES);
  const org = actingOrg(ctx.state, ctx.signer);
  const before = suspect(ctx.state, id);
  if (before === undefined) throw rejected('supply.unknown_suspect', 'no suspect notification has this id');
  if (before.status !== 'open')
    throw rejected('supply.suspect_closed', 'this notification is resolved already');
  const units = before.epcs.map((epc) => unit(ctx.state, epc)!);
  const manufacturers = new Set(units.map((u) => product(ctx.state, u.gtin)?.manufacturerOrgId));
  if (org.type !== 'regulator' && org.id !== before.notifiedByOrgId && !manufacturers.has(org.id)) {
    throw rejected(
      'supply.not_trading_partner',
      'only the notifier, the manufacturer or a regulator may resolve',
    );
  }
  if (outcome === 'cleared') {
    for (const u of units) {
      if (u.quarantineSuspectId === id) write(ctx.state, unitKey(u.epc), { ...u, quarantineSuspectId: null });
    }
  }
  write(ctx.state, suspectKey(id), {
    ...before,
    status: outcome,
    resolvedByOrgId: org.id,
    resolvedAtHeight: ctx.height,
  });
}

export const recallHandlers: readonly TxHandler[] = [
  { type: 'supply.recallLot', fields: ['gtin', 'lot'], apply: applyRecallLot },
  { type: 'supply.clearRecall', fields: ['gtin', 'lot'], apply: applyClearRecall },
  { type: 'supply.notifySuspect', fields: ['kind', 'epcs'], apply: applyNotifySuspect },
  { type: 'supply.resolveSuspect', fields: ['suspectId', 'outcome'], apply: applyResolveSuspect },
];
