// The records module: record versions (commitments to the vault's ciphertexts), access events with the
// decision recomputed from consent, break-glass, and erasure by crypto-shredding. State layout:
// ./store.ts; the access decision: ./decide.ts; FHIR AuditEvent: ./audit-event.ts.
import type { AppModule } from '../module.ts';
import { accessHandlers } from './access.ts';
import { erasureHandlers } from './erasure.ts';
import { initRecordsGenesis } from './policy.ts';
import { mergeHandlers } from './merge.ts';
import { registerHandlers } from './register.ts';

export * from './types.ts';
export * from './queries.ts';
export * from './erasure-status.ts';
export { accessEvent, isErasureRequested, recordHead, recordVersion } from './store.ts';
export { mergedInto, type MergePayload, type MergeRecord } from './merge.ts';
export { decideAccess, type Decision } from './decide.ts';
export * from './policy.ts';
export { toAuditEvent, RECORDS_SYSTEMS } from './audit-event.ts';

export const recordsModule: AppModule = {
  name: 'records',
  handlers: [...registerHandlers, ...accessHandlers, ...erasureHandlers, ...mergeHandlers],
  initGenesis: initRecordsGenesis,
};
