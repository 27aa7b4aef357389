// GET /api/v1/staff/me: who a staff token belongs to and which of the app's actions its holder may take,
// decided by the node with the same pure rules it applies at commit (app/records/policy.ts for records
// and break-glass, the supply lifecycle's organisation types). The web app shows only these actions
// (issue 14): it asks, it does not guess.
import { Type, type Static } from '@sinclair/typebox';

export const staffActionsSchema = Type.Object({
  /** Clinical screens: finding patients, reading records under consent, asking for consent. */
  clinical: Type.Boolean(),
  /** Adding records about the organisation's patients (clinical roles only). */
  writeRecords: Type.Boolean(),
  /** Emergency reads without consent: physicians and nurses of hospitals and clinics. */
  breakGlass: Type.Boolean(),
  /** Verifying and dispensing packs: a pharmacy's staff. */
  dispense: Type.Boolean(),
  /** Commissioning, shipping and recalling: a manufacturer's staff; shipping and receiving: distributors'. */
  commission: Type.Boolean(),
  recall: Type.Boolean(),
  shipAndReceive: Type.Boolean(),
  /** The organisation's emergency (break-glass) reads with their written reasons: its privacy officers. */
  reviewAccess: Type.Boolean(),
});

export const staffMeSchema = Type.Object({
  publicKey: Type.String(),
  orgId: Type.String(),
  orgName: Type.String(),
  orgType: Type.String(),
  role: Type.String(),
  actions: staffActionsSchema,
});
export type StaffMe = Static<typeof staffMeSchema>;
export type StaffActions = StaffMe['actions'];
