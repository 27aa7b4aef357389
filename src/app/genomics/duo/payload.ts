// A DUO data use as a tx carries it, parsed from untrusted JSON: one permission and at most one of each
// modifier, lists of short identifiers only (disease ontology ids, ISO country codes, project and
// institution ids), so no free text rides into the chain. The parsed value is what the state stores.
import type { CanonicalValue } from '../../../core/canonical.ts';
import {
  compareStrings,
  exactObject,
  invalidPayload,
  isPlainObject,
  safeIntegerField,
} from '../../payload.ts';
import type { DataUse, DuoModifier, DuoPermission } from './codes.ts';

const LIST_ITEMS_MAX = 32;
/** Ontology ids (MONDO:0005148, DOID:1612), ISO 3166 codes, project and institution ids. */
const TERM = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$/;
const SIMPLE_MODIFIERS = ['NPU', 'NCU', 'NMDS', 'GSO', 'IRB', 'PUB', 'COL', 'RTN', 'NPOA', 'CC'] as const;
const LIST_MODIFIERS = { GS: 'countries', US: 'users', PS: 'projects', IS: 'institutions' } as const;

function termList(value: CanonicalValue | undefined, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > LIST_ITEMS_MAX) {
    throw invalidPayload(`${field} must list 1 to ${LIST_ITEMS_MAX} identifiers`, { field });
  }
  const items = (value as CanonicalValue[]).map((item) => {
    if (typeof item !== 'string' || !TERM.test(item)) {
      throw invalidPayload(`${field} holds identifiers only`, { field });
    }
    return item;
  });
  if (new Set(items).size !== items.length) throw invalidPayload(`${field} has a repeat`, { field });
  return items;
}

const codeOf = (value: CanonicalValue | undefined): CanonicalValue | undefined =>
  isPlainObject(value) ? value.code : undefined;

function permissionField(value: CanonicalValue | undefined): DuoPermission {
  const code = codeOf(value);
  if (code === 'DS') {
    const p = exactObject(value, 'permission', ['code', 'diseases']);
    return { code, diseases: termList(p.diseases, 'diseases') };
  }
  if (code === 'NRES' || code === 'GRU' || code === 'HMB' || code === 'POA') {
    exactObject(value, 'permission', ['code']);
    return { code };
  }
  throw invalidPayload('permission.code must be NRES, GRU, HMB, DS or POA', { field: 'permission' });
}

function modifierField(value: CanonicalValue): DuoModifier {
  const code = codeOf(value);
  if ((SIMPLE_MODIFIERS as readonly unknown[]).includes(code)) {
    exactObject(value, 'modifier', ['code']);
    return { code } as unknown as DuoModifier;
  }
  if (code === 'TS') {
    const m = exactObject(value, 'modifier', ['code', 'untilMs']);
    return { code, untilMs: safeIntegerField(m.untilMs, 'untilMs', 0) };
  }
  if (typeof code === 'string' && Object.hasOwn(LIST_MODIFIERS, code)) {
    const list = LIST_MODIFIERS[code as keyof typeof LIST_MODIFIERS];
    const m = exactObject(value, 'modifier', ['code', list]);
    return { code, [list]: termList(m[list], list) } as unknown as DuoModifier;
  }
  throw invalidPayload('a modifier is a DUO modifier code', { field: 'modifiers' });
}

/** Parses a data use; modifiers come back sorted by code, each code once, so one use has one encoding. */
export function dataUseField(value: CanonicalValue | undefined, field: string): DataUse {
  const d = exactObject(value, field, ['permission', 'modifiers']);
  if (!Array.isArray(d.modifiers) || d.modifiers.length > SIMPLE_MODIFIERS.length + 5) {
    throw invalidPayload('modifiers must be a list of DUO modifiers', { field: 'modifiers' });
  }
  const modifiers = (d.modifiers as CanonicalValue[])
    .map(modifierField)
    .sort((a, b) => compareStrings(a.code, b.code));
  if (new Set(modifiers.map((m) => m.code)).size !== modifiers.length) {
    throw invalidPayload('each modifier appears once', { field: 'modifiers' });
  }
  return { permission: permissionField(d.permission), modifiers };
}
