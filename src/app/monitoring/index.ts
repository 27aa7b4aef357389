// Remote patient monitoring (issue 18): pure NEWS2 scoring, the per-period Merkle batch of a device's
// readings with per-reading proofs, the 30-day billing fact with per-day proofs, and the app module's tx
// handlers (devices, batch commitments, escalations, billing facts).
export * from './news2.ts';
export * from './batch.ts';
export * from './billing.ts';
export * from './keys.ts';
export { batchStatementBytes, BATCH_SIGNERS, type BatchSigner, type BatchStatement } from './commitments.ts';
export { RESPONSE_DUE_MS } from './escalations.ts';
export { billingFlags, committedDays } from './billing-facts.ts';
export { monitoringModule } from './module.ts';
export {
  ACCESS_LOG_PAGE_MAX,
  monitoringAccessLog,
  type LogAccessPayload,
  type MonitoringAccessRecord,
} from './access.ts';
export { ORG_LIST_PAGE_MAX, orgDevices, orgEscalations } from './queries.ts';
