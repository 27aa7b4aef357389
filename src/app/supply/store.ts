// Where the supply module keeps its state, and the point reads over it. Every value is canonical JSON.
//
//   supply/product/<gtin14>                  → Product
//   supply/party/<gln13>                     → Party
//   supply/org-glns/<orgId>                  → string[]  GLNs the organisation claimed (≤ GLNS_PER_ORG_MAX)
//   supply/unit/<h(epc)>                     → Unit      (registered-GTIN SGTINs only)
//   supply/aggregate/<h(epc)>                → Aggregate (only aggregates holding registered units)
//   supply/event-count                       → number of events ever captured
//   supply/event/<seq>                       → StoredEvent (0-based)
//   supply/event-id/<h(eventID)>             → seq of the event with that eventID
//   supply/error-declaration/<h(eventID)>    → seq of the error declaration about that eventID
//   supply/epc-count/<h(epc)>                → number of events about the identifier
//   supply/epc-index/<h(epc)>/<n>            → seq of its n-th event (0-based, ≤ EVENTS_PER_EPC_MAX)
//   supply/epc-observation-count/<h(epc)>    → how many of them only observed it (≤ OBSERVATIONS_PER_EPC_MAX)
//   supply/epc-org-observation-count/<h(epc)>/<orgId> → how many of those one organisation recorded
//   supply/capture-count, supply/capture/<id>, supply/capture-tx/<txHash> → Capture, its id by tx
//   supply/recall/<gtin>/<h(lot)>            → Recall
//   supply/suspect-count, supply/suspect/<id>            → Suspect
//   supply/suspect-tx/<txHash>                           → id of the notification that tx made
//   supply/alert-count, supply/alert/<id>                → Alert
//   supply/org-alert-count/<orgId>, supply/org-alert-index/<orgId>/<n> → alert id
//   supply/alert-last/<kind>/<h(epc)>/<orgId>          → chain time (ms) it last raised that alert
//   supply/verification-count, supply/verification/<id> → VerificationRecord
//
// The state has point reads only, so counters and indexes are what make listing possible. Identifiers
// of unbounded shape (Digital Links, eventIDs, lots) enter keys as h() = hex SHA-256 of their UTF-8:
// fixed length, no "/" inside a segment, and no GS1 id is ever parsed back out of a key.
import { toHex, utf8 } from '../../core/bytes.ts';
import { sha256 } from '../../core/crypto/index.ts';
import type { StateOverlay, StateReader } from '../state.ts';
import { readStateCount, readStateValue, writeStateValue } from '../state.ts';
import type {
  Aggregate,
  Alert,
  Capture,
  Party,
  Product,
  Recall,
  StoredEvent,
  Suspect,
  Unit,
  VerificationRecord,
} from './types.ts';

export const SUPPLY_PREFIX = 'supply/';

export function h(text: string): string {
  return toHex(sha256(utf8(text)));
}

export const productKey = (gtin: string): string => `supply/product/${gtin}`;
export const partyKey = (gln: string): string => `supply/party/${gln}`;
export const orgGlnsKey = (orgId: string): string => `supply/org-glns/${orgId}`;
export const unitKey = (epc: string): string => `supply/unit/${h(epc)}`;
export const aggregateKey = (epc: string): string => `supply/aggregate/${h(epc)}`;
export const EVENT_COUNT_KEY = 'supply/event-count';
export const eventKey = (seq: number): string => `supply/event/${seq}`;
export const eventIdKey = (eventId: string): string => `supply/event-id/${h(eventId)}`;
export const errorDeclarationKey = (eventId: string): string => `supply/error-declaration/${h(eventId)}`;
export const epcCountKey = (epc: string): string => `supply/epc-count/${h(epc)}`;
export const epcIndexKey = (epc: string, n: number): string => `supply/epc-index/${h(epc)}/${n}`;
export const epcObservationCountKey = (epc: string): string => `supply/epc-observation-count/${h(epc)}`;
export const epcOrgObservationCountKey = (epc: string, orgId: string): string =>
  `supply/epc-org-observation-count/${h(epc)}/${orgId}`;
export const CAPTURE_COUNT_KEY = 'supply/capture-count';
export const captureKey = (id: number): string => `supply/capture/${id}`;
export const captureTxKey = (txHash: string): string => `supply/capture-tx/${txHash}`;
export const recallKey = (gtin: string, lot: string): string => `supply/recall/${gtin}/${h(lot)}`;
export const SUSPECT_COUNT_KEY = 'supply/suspect-count';
export const suspectKey = (id: number): string => `supply/suspect/${id}`;
export const suspectTxKey = (txHash: string): string => `supply/suspect-tx/${txHash}`;
export const ALERT_COUNT_KEY = 'supply/alert-count';
export const alertKey = (id: number): string => `supply/alert/${id}`;
export const orgAlertCountKey = (orgId: string): string => `supply/org-alert-count/${orgId}`;
export const alertLastKey = (kind: string, epc: string, orgId: string): string =>
  `supply/alert-last/${kind}/${h(epc)}/${orgId}`;
export const orgAlertIndexKey = (orgId: string, n: number): string => `supply/org-alert-index/${orgId}/${n}`;
export const VERIFICATION_COUNT_KEY = 'supply/verification-count';
export const verificationKey = (id: number): string => `supply/verification/${id}`;

export const read = readStateValue;
export const readCount = readStateCount;
export const write = writeStateValue;

/** Takes the next number of a counter (0-based) and advances it. */
export function nextId(state: StateOverlay, countKey: string): number {
  const n = readCount(state, countKey);
  write(state, countKey, n + 1);
  return n;
}

export const product = (s: StateReader, gtin: string): Product | undefined => read(s, productKey(gtin));
export const party = (s: StateReader, gln: string): Party | undefined => read(s, partyKey(gln));
export const orgGlns = (s: StateReader, orgId: string): string[] => read(s, orgGlnsKey(orgId)) ?? [];
export const unit = (s: StateReader, epc: string): Unit | undefined => read(s, unitKey(epc));
export const aggregate = (s: StateReader, epc: string): Aggregate | undefined => read(s, aggregateKey(epc));
export const storedEvent = (s: StateReader, seq: number): StoredEvent | undefined => read(s, eventKey(seq));
export const eventCount = (s: StateReader): number => readCount(s, EVENT_COUNT_KEY);
export const eventSeqById = (s: StateReader, eventId: string): number | undefined =>
  read(s, eventIdKey(eventId));
export const capture = (s: StateReader, id: number): Capture | undefined => read(s, captureKey(id));
export const captureCount = (s: StateReader): number => readCount(s, CAPTURE_COUNT_KEY);
export const captureIdByTx = (s: StateReader, txHash: string): number | undefined =>
  read(s, captureTxKey(txHash));
export const recall = (s: StateReader, gtin: string, lot: string): Recall | undefined =>
  read(s, recallKey(gtin, lot));
export const suspect = (s: StateReader, id: number): Suspect | undefined => read(s, suspectKey(id));
export const suspectIdByTx = (s: StateReader, txHash: string): number | undefined =>
  read(s, suspectTxKey(txHash));
export const alert = (s: StateReader, id: number): Alert | undefined => read(s, alertKey(id));
export const verification = (s: StateReader, id: number): VerificationRecord | undefined =>
  read(s, verificationKey(id));

export function isRecalled(s: StateReader, gtin: string, lot: string): boolean {
  return recall(s, gtin, lot)?.active === true;
}
