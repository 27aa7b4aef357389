// The supply chain API's and the EPCIS endpoint's JSON Schemas (TypeBox) and their types (issue 5),
// shared by the routes (api/routes/supply.ts, epcis.ts), the OpenAPI document and the web app.
// Request bodies name their fields without demanding them: the supply service checks each field and
// answers with its own code (supply.invalid, verify.invalid with details.field). The chain's own records
// (product, unit, party, recall, suspect notification, alert) pass whole, typed by the app's types: the
// app decides their fields, so a whitelist here could only drop one the web app shows.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { Alert, Party, Product, Recall, Suspect, Unit, VerifyReason } from '../app/supply/types.ts';
import { checkpointSchema, hex32 } from './ledger.ts';

/** A record of the chain's supply module, passed whole and typed by its app type. */
function record<T>(what: string) {
  return Type.Unsafe<T>(Type.Object({}, { additionalProperties: true, description: what }));
}

const productRecord = record<Product>('product master data (app/supply/types.ts Product)');
const unitRecord = record<Unit>('a commissioned unit (app/supply/types.ts Unit)');

/** What every supply write answers beside its record: the node's tx and the height it committed at. */
const committed = { txHash: hex32, height: Type.Integer() };
export type Committed = { txHash: string; height: number };

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** POST /api/v1/verify: a pack's identifiers, or the data carrier's text (GS1 element string or Digital Link). */
export const verifyBody = Type.Object({
  gtin: Type.Optional(Type.String()),
  serial: Type.Optional(Type.String()),
  lot: Type.Optional(Type.String()),
  expiry: Type.Optional(Type.String({ description: 'YYMMDD or YYYY-MM-DD' })),
  code: Type.Optional(Type.String({ description: 'a scanned GS1 element string or Digital Link URI' })),
});
export type VerifyBody = Static<typeof verifyBody>;
export const verifyAnswerSchema = Type.Object({
  verified: Type.Boolean(),
  reason: Type.Optional(Type.Unsafe<VerifyReason>(Type.String())),
  product: Type.Optional(productRecord),
  unit: Type.Optional(unitRecord),
  /** The hash of the supply.recordVerification tx that logs this check on chain. */
  verificationTx: hex32,
});
export type VerifyAnswer = Static<typeof verifyAnswerSchema>;

export const sgtinParams = Type.Object({
  sgtin: Type.String({ description: 'an SGTIN as an EPC URN or a GS1 Digital Link (URL-encoded)' }),
});
export const gtinParams = Type.Object({ gtin: Type.String() });
export const suspectParams = Type.Object({ id: Type.String({ description: 'the notification id' }) });

/** Paging of the supply lists: offset ≥ 0, limit 1..SUPPLY_PAGE_MAX (checked by the route). */
export const pageQuery = Type.Object({
  offset: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
});

/** GET /api/v1/units/:sgtin. */
export const unitAnswerSchema = Type.Object({
  unit: unitRecord,
  product: nullable(productRecord),
  recalled: Type.Boolean(),
});
export type UnitAnswer = Static<typeof unitAnswerSchema>;

/** One event of a unit's pedigree, with its inclusion proof against the answer's checkpoint. */
export const pedigreeEventSchema = Type.Object({
  seq: Type.Integer(),
  eventId: Type.String(),
  captureId: Type.Integer(),
  recordedByOrgId: Type.String(),
  txHash: hex32,
  height: Type.Integer(),
  event: Type.Unknown({ description: 'the EPCIS event as captured' }),
  errorDeclaration: Type.Boolean({
    description: 'this event is an error declaration (EPCIS 2.0 §7.4.1.2) about the event with its eventID',
  }),
  declaredInError: nullable(
    Type.Object(
      {
        declarationSeq: Type.Integer(),
        declaredByOrgId: Type.String(),
        declarationTime: Type.String(),
        reason: nullable(Type.String()),
        correctiveEventIds: Type.Array(Type.String()),
      },
      { description: 'the error declaration captured about this event, when one was' },
    ),
  ),
  proof: Type.Object({
    leafIndex: Type.Integer(),
    treeSize: Type.Integer(),
    leafHash: hex32,
    auditPath: Type.Array(hex32),
  }),
});
export type PedigreeEvent = Static<typeof pedigreeEventSchema>;
/** GET /api/v1/units/:sgtin/pedigree. */
export const pedigreeSchema = Type.Object({
  epc: Type.String(),
  unit: nullable(unitRecord),
  product: nullable(productRecord),
  total: Type.Integer(),
  checkpoint: checkpointSchema,
  events: Type.Array(pedigreeEventSchema),
});
export type PedigreeAnswer = Static<typeof pedigreeSchema>;

/** POST /api/v1/supply/products: product master data (manufacturer staff); the GTIN in any length. */
export const productBody = Type.Object(
  { gtin: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
export const productWrittenSchema = Type.Object({ product: Type.Optional(productRecord), ...committed });
export const productSchema = productRecord;

/** POST /api/v1/supply/parties: claim a GLN for this organisation. */
export const partyBody = Type.Object({ gln: Type.Optional(Type.String()) });
export const partyWrittenSchema = Type.Object({
  party: Type.Optional(record<Party>('a trading party (GLN)')),
  ...committed,
});

/** POST /api/v1/supply/recalls and /recalls/clear. */
export const recallBody = Type.Object({
  gtin: Type.Optional(Type.String()),
  lot: Type.Optional(Type.String()),
});
export const recallWrittenSchema = Type.Object({
  recall: Type.Optional(record<Recall>('the lot recall')),
  ...committed,
});

/** POST /api/v1/supply/suspects: quarantine units and alert their trading partners. */
export const suspectBody = Type.Object({
  kind: Type.Optional(Type.String({ description: 'suspect or illegitimate' })),
  epcs: Type.Optional(Type.Array(Type.String())),
});
const suspectRecord = record<Suspect>('a suspect product notification');
export const suspectWrittenSchema = Type.Object({
  suspect: Type.Optional(nullable(suspectRecord)),
  ...committed,
});
/** POST /api/v1/supply/suspects/:id/resolution. */
export const resolutionBody = Type.Object({
  outcome: Type.Optional(Type.String({ description: 'cleared or confirmed' })),
});
export const resolutionSchema = Type.Object({ suspect: Type.Optional(suspectRecord), ...committed });

/** GET /api/v1/supply/alerts: the caller organisation's alerts, newest first. */
export const alertsSchema = Type.Object({
  orgId: Type.String(),
  total: Type.Integer(),
  items: Type.Array(record<Alert>('an alert to the organisation')),
});
export type AlertsAnswer = Static<typeof alertsSchema>;

/** POST /epcis/capture: an EPCIS 2.0 document (JSON or JSON-LD), checked against the GS1 schema. */
export const epcisCaptureBody = Type.Object(
  { type: Type.Optional(Type.String()), epcisBody: Type.Optional(Type.Unknown()) },
  { additionalProperties: true, description: 'an EPCISDocument (EPCIS 2.0 JSON)' },
);
export const epcisCaptureQuery = Type.Object({
  wait: Type.Optional(Type.String({ description: '"false": answer 202 once accepted, without waiting' })),
});
export const epcisCapturedSchema = Type.Object({
  captureId: Type.Optional(Type.Integer()),
  eventIds: Type.Array(Type.String()),
  ...committed,
});
export const epcisAcceptedSchema = Type.Object({ eventIds: Type.Array(Type.String()), txHash: hex32 });
export type EpcisCaptured = Static<typeof epcisCapturedSchema>;
/** GET /epcis/events: an EPCISQueryDocument (JSON-LD), paged by the Link header. */
export const epcisQueryResponse = {
  description: 'an EPCISQueryDocument; more pages are named by Link: <…>; rel="next"',
  content: {
    'application/ld+json': { schema: Type.Object({}, { additionalProperties: true }) },
    'application/xml': {
      schema: Type.String({
        description: 'the epcisq:EPCISQueryDocument (EPCIS XML binding), on Accept: application/xml',
      }),
    },
  },
};
