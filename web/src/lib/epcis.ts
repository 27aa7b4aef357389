// EPCIS 2.0 documents the app captures (GS1 EPCIS 2.0 §7, CBV 2.0 business steps and dispositions):
// commissioning with the lot and expiry as ILMD, shipping to a party's GLN, receiving, dispensing. Units
// are named by their canonical GS1 Digital Link (https://id.gs1.org/01/<GTIN-14>/21/<serial>).
import { canonicalKeyUri, normalizeGtin } from '../../../src/app/supply/gs1/index.ts';
import { request } from './http.ts';
import type { EpcisCaptured } from '../../../src/contract/supply.ts';

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/epcis-context.jsonld';
/** Units one form may name: a capture is one tx, bounded at 16 KiB (src/core/limits.ts). */
export const UNITS_PER_FORM_MAX = 50;

type Json = Record<string, unknown>;

export function sgtinUri(gtin: string, serial: string): string {
  return canonicalKeyUri({ kind: 'sgtin', gtin: normalizeGtin(gtin), serial });
}

/** A party (organisation) as EPCIS source/destination: its GLN as a PGLN Digital Link. */
export function pglnUri(gln: string): string {
  return canonicalKeyUri({ kind: 'pgln', gln });
}

function event(extra: Json, nowMs: number): Json {
  return {
    type: 'ObjectEvent',
    eventTime: new Date(nowMs).toISOString(),
    eventTimeZoneOffset: '+00:00',
    ...extra,
  };
}

export function document(events: Json[], nowMs: number): Json {
  return {
    '@context': [EPCIS_CONTEXT],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: new Date(nowMs).toISOString(),
    epcisBody: { eventList: events },
  };
}

export const events = {
  commission: (epcs: string[], lot: string, expiry: string, nowMs: number) =>
    event(
      {
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        epcList: epcs,
        ilmd: { 'cbvmda:lotNumber': lot, 'cbvmda:itemExpirationDate': expiry },
      },
      nowMs,
    ),
  ship: (epcs: string[], toGln: string, nowMs: number) =>
    event(
      {
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        epcList: epcs,
        destinationList: [{ type: 'owning_party', destination: pglnUri(toGln) }],
      },
      nowMs,
    ),
  receive: (epcs: string[], nowMs: number) =>
    event({ action: 'OBSERVE', bizStep: 'receiving', disposition: 'in_progress', epcList: epcs }, nowMs),
  dispense: (epcs: string[], nowMs: number) =>
    event({ action: 'OBSERVE', bizStep: 'dispensing', disposition: 'dispensed', epcList: epcs }, nowMs),
};

/** POST /epcis/capture's answer once committed. */
export function capture(doc: Json, token: string): Promise<EpcisCaptured> {
  return request<EpcisCaptured>('/epcis/capture', { body: doc, token });
}

/** Serials typed one per line (or separated by commas/spaces), without repeats, bounded. */
export function parseSerials(text: string): string[] {
  const serials = [...new Set(text.split(/[\s,;]+/).filter((s) => s !== ''))];
  if (serials.length === 0) throw new Error('enter at least one serial number');
  if (serials.length > UNITS_PER_FORM_MAX) throw new Error(`at most ${UNITS_PER_FORM_MAX} units at a time`);
  return serials;
}
