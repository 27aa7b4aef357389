// The patient's erasure routes' JSON Schemas (TypeBox) and types, shared by the API (api/routes/
// records-admin.ts) and its clients (client/patient-client.ts, the web portal). One signed request reaches
// every custodian of the patient's records; each shreds its copy and commits its own receipt, so the
// answer is per custodian (app/records/erasure-status.ts).
import { Type, type Static } from '@sinclair/typebox';
import { hex32 } from './ledger.ts';

export const ERASURE_PATH = '/api/v1/patients/me/erasure';

const receiptRef = Type.Object({ txHash: hex32, height: Type.Integer() });

/** How far one custodian is: its records of the patient, how many are requested, erased and pending. */
export const custodianErasureSchema = Type.Object({
  custodianOrgId: Type.String(),
  records: Type.Integer(),
  requested: Type.Integer(),
  erased: Type.Integer(),
  pending: Type.Integer(),
  receipts: Type.Array(receiptRef),
});
export type CustodianErasureBody = Static<typeof custodianErasureSchema>;

/** GET: the patient's erasure, custodian by custodian (done when every pending is 0). */
export const erasureStatusSchema = Type.Object({
  custodians: Type.Array(custodianErasureSchema),
});
export type ErasureStatusBody = Static<typeof erasureStatusSchema>;

/** A receipt this node committed for the request, as the POST answers it. */
export const erasureReceiptSchema = Type.Object({
  txHash: hex32,
  height: Type.Integer(),
  recordIds: Type.Array(hex32),
  commitments: Type.Array(hex32),
  shreddedAtMs: Type.Integer(),
});

/**
 * POST: the request is committed and this node's own share is shredded with its receipts committed;
 * the other custodians' nodes pick the request up from the chain, which `custodians` shows as pending.
 */
export const erasureResultSchema = Type.Object({
  requestTxHash: hex32,
  requestHeight: Type.Integer(),
  receipts: Type.Array(erasureReceiptSchema),
  custodians: Type.Array(custodianErasureSchema),
});
export type ErasureResultBody = Static<typeof erasureResultSchema>;
