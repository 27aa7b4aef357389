// supply.registerProduct and supply.registerParty: the master data the rules stand on. A product is
// registered (and later updated) by its manufacturer only; the first manufacturer to register a GTIN
// holds it (the chain cannot see GS1 company-prefix licences, docs/SUPPLY.md). A party claim maps a GLN
// to the claiming organisation, so owning-party and location ids in EPCIS events name organisations.
import type { CanonicalValue } from '../../core/canonical.ts';
import type { TxContext, TxHandler } from '../module.ts';
import { invalidPayload, rejected, type PayloadObject } from '../payload.ts';
import { actingOrg, requireOrgType } from './actor.ts';
import { isValidGtin } from './gs1/index.ts';
import { orgGlns, orgGlnsKey, party, partyKey, product, productKey, write } from './store.ts';
import {
  GLNS_PER_ORG_MAX,
  PRODUCT_FIELD_CHARS_MAX,
  PRODUCT_NAME_CHARS_MAX,
  type Party,
  type Product,
} from './types.ts';

/** GS1 AI (10) batch/lot: 1..20 characters of CSET 82 (GS1 General Specifications §3.4.1, §7.11). */
export const LOT_PATTERN = /^[!"%-?A-Z_a-z]{1,20}$/;
/** The FDA's 10-digit NDC shapes 4-4-2, 5-3-2, 5-4-1, and the 11-digit 5-4-2 billing form. */
export const NDC_PATTERN = /^(?:\d{4}-\d{4}-\d{2}|\d{5}-\d{3}-\d{2}|\d{5}-\d{4}-\d{1,2})$/;
const GLN_PATTERN = /^\d{13}$/;
/** Printable text without control characters: master data is shown to people, never interpreted. */
const TEXT_PATTERN = /^[^\p{Cc}\p{Cs}]+$/u;

export function gtinField(value: CanonicalValue | undefined, field = 'gtin'): string {
  if (typeof value !== 'string' || !/^\d{14}$/.test(value) || !isValidGtin(value)) {
    throw invalidPayload(`${field} must be a GTIN-14 with a valid check digit`, { field });
  }
  return value;
}

export function glnField(value: CanonicalValue | undefined, field = 'gln'): string {
  if (typeof value !== 'string' || !GLN_PATTERN.test(value) || !isValidGtin(`0${value}`)) {
    throw invalidPayload(`${field} must be a GLN (13 digits, valid check digit)`, { field });
  }
  return value;
}

export function lotField(value: CanonicalValue | undefined, field = 'lot'): string {
  if (typeof value !== 'string' || !LOT_PATTERN.test(value)) {
    throw invalidPayload(`${field} must be a GS1 lot (1..20 characters of CSET 82)`, { field });
  }
  return value;
}

function textField(value: CanonicalValue | undefined, field: string, max: number): string {
  if (typeof value !== 'string' || value.length > max || !TEXT_PATTERN.test(value) || value.trim() === '') {
    throw invalidPayload(`${field} must be 1..${max} printable characters`, { field });
  }
  return value;
}

function applyRegisterProduct(ctx: TxContext, p: PayloadObject): void {
  const gtin = gtinField(p.gtin);
  const ndc = p.ndc === undefined || p.ndc === null ? null : p.ndc;
  if (ndc !== null && (typeof ndc !== 'string' || !NDC_PATTERN.test(ndc))) {
    throw invalidPayload('ndc must be an NDC: 4-4-2, 5-3-2, 5-4-1 or 5-4-2 digits with hyphens', {
      field: 'ndc',
    });
  }
  const org = actingOrg(ctx.state, ctx.signer);
  requireOrgType(org, ['manufacturer'], 'supply.not_manufacturer');
  const before = product(ctx.state, gtin);
  if (before !== undefined && before.manufacturerOrgId !== org.id) {
    throw rejected('supply.gtin_taken', 'another manufacturer registered this GTIN', { gtin });
  }
  const next: Product = {
    gtin,
    ndc,
    name: textField(p.name, 'name', PRODUCT_NAME_CHARS_MAX),
    strength: textField(p.strength, 'strength', PRODUCT_FIELD_CHARS_MAX),
    dosageForm: textField(p.dosageForm, 'dosageForm', PRODUCT_FIELD_CHARS_MAX),
    packSize: textField(p.packSize, 'packSize', PRODUCT_FIELD_CHARS_MAX),
    manufacturerOrgId: org.id,
    registeredAtHeight: before?.registeredAtHeight ?? ctx.height,
    updatedAtHeight: ctx.height,
  };
  write(ctx.state, productKey(gtin), next);
}

function applyRegisterParty(ctx: TxContext, p: PayloadObject): void {
  const gln = glnField(p.gln);
  const org = actingOrg(ctx.state, ctx.signer);
  const before = party(ctx.state, gln);
  if (before !== undefined) {
    if (before.orgId === org.id) return; // claiming one's own GLN again changes nothing
    throw rejected('supply.gln_taken', 'another organisation claimed this GLN', { gln });
  }
  const glns = orgGlns(ctx.state, org.id);
  if (glns.length >= GLNS_PER_ORG_MAX) {
    throw rejected('supply.too_many_glns', `an organisation claims at most ${GLNS_PER_ORG_MAX} GLNs`);
  }
  const claim: Party = { gln, orgId: org.id, registeredAtHeight: ctx.height };
  write(ctx.state, partyKey(gln), claim);
  write(ctx.state, orgGlnsKey(org.id), [...glns, gln]);
}

export const productHandlers: readonly TxHandler[] = [
  {
    type: 'supply.registerProduct',
    fields: ['gtin', 'name', 'strength', 'dosageForm', 'packSize'],
    optionalFields: ['ndc'],
    apply: applyRegisterProduct,
  },
  { type: 'supply.registerParty', fields: ['gln'], apply: applyRegisterParty },
];
