// The supply module (issue 5): GS1-serialised drug traceability. Products and parties (master data),
// EPCIS 2.0 captures under lifecycle rules, recalls, suspect-product quarantine, DSCSA verification and
// counterfeit alerts. State layout: ./store.ts; the rules: ./lifecycle.ts; verification: ./verify.ts.
import type { AppModule } from '../module.ts';
import { alertHandlers } from './alerts.ts';
import { captureHandlers } from './capture.ts';
import { productHandlers } from './products.ts';
import { recallHandlers } from './recalls.ts';
import { verifyHandlers } from './verify.ts';

export * from './types.ts';
export * from './queries.ts';
export {
  aggregate,
  capture,
  captureCount,
  captureIdByTx,
  eventCount,
  eventSeqById,
  isRecalled,
  orgGlns,
  party,
  product,
  recall,
  storedEvent,
  suspect,
  suspectIdByTx,
  unit,
  verification,
  SUPPLY_PREFIX,
} from './store.ts';
export { verifyPack, parseVerifyQuery, sgtinUri } from './verify.ts';
export { parseCapturePayload, parseCaptureEvents, type CapturePayload } from './capture.ts';
export { effectOf, type Effect } from './effects.ts';
export { canonicalId, resolveId } from './ids.ts';
export { normaliseBizStep, normaliseDisposition } from './cbv.ts';
export { parseDateTimeMs } from './time.ts';
export { NDC_PATTERN, LOT_PATTERN } from './products.ts';
export type { ParsedEvent } from './event.ts';

export const supplyModule: AppModule = {
  name: 'supply',
  handlers: [...productHandlers, ...captureHandlers, ...recallHandlers, ...verifyHandlers, ...alertHandlers],
};
