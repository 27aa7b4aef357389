// The genomics domain API (issue 19 §1, §5): a custodian's staff upload a patient's VCF, and a patient
// sees how often their genome was counted, releases a copy of it for a reader key, or erases it. Research consent is the patient's own signed tx
// (genomics.consentResearch / genomics.withdrawResearch) through POST /api/v1/txs.
import { Type, type Static } from '@sinclair/typebox';

export const GENOMES_PATH = '/api/v1/genomics/genomes';
export const MY_GENOMES_PATH = '/api/v1/genomics/genomes/mine';
/** The custodian's staff: the genomes their organisation holds here, with aggregate usage. */
export const OWNED_DATASETS_PATH = '/api/v1/genomics/datasets';
export const GENOME_GRANTS_PATH = '/api/v1/genomics/genomes/:datasetId/grants';
export const GENOME_ERASURE_PATH = '/api/v1/genomics/genomes/:datasetId/erasure';
/** A VCF travels as text or, bgzipped, as base64; the body limit covers either. */
export const GENOME_BODY_BYTES_MAX = 96 * 1024 * 1024;

const hex32 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const term = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$' });
const terms = Type.Array(term, { minItems: 1, maxItems: 32 });
const literals = (codes: readonly string[]) => Type.Union(codes.map((code) => Type.Literal(code)));

/**
 * A DUO data use: one permission and modifiers (app/genomics/duo/codes.ts). One object shape per list,
 * not a union of shapes: Fastify's validator removes unknown fields while it tries a union's branches,
 * which would strip a DS permission's diseases. The chain parses the terms strictly (duo/payload.ts).
 */
export const dataUseSchema = Type.Object(
  {
    permission: Type.Object(
      { code: literals(['NRES', 'GRU', 'HMB', 'DS', 'POA']), diseases: Type.Optional(terms) },
      { additionalProperties: false },
    ),
    modifiers: Type.Array(
      Type.Object(
        {
          code: literals([
            'NPU',
            'NCU',
            'NMDS',
            'GSO',
            'IRB',
            'PUB',
            'COL',
            'RTN',
            'NPOA',
            'CC',
            'GS',
            'US',
            'PS',
            'IS',
            'TS',
          ]),
          countries: Type.Optional(terms),
          users: Type.Optional(terms),
          projects: Type.Optional(terms),
          institutions: Type.Optional(terms),
          untilMs: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 15 },
    ),
  },
  { additionalProperties: false },
);

export const genomeUploadSchema = Type.Object(
  {
    patient: hex32,
    vcf: Type.String({ minLength: 1, maxLength: GENOME_BODY_BYTES_MAX }),
    encoding: Type.Optional(Type.Union([Type.Literal('text'), Type.Literal('base64')])),
    dataUse: dataUseSchema,
  },
  { additionalProperties: false },
);
export type GenomeUploadBody = Static<typeof genomeUploadSchema>;

export const genomeRegisteredSchema = Type.Object({
  datasetId: hex32,
  txHash: hex32,
  height: Type.Integer({ minimum: 1 }),
  root: hex32,
  variantCount: Type.Integer({ minimum: 0 }),
});
export type GenomeRegisteredBody = Static<typeof genomeRegisteredSchema>;

/** The patient's own genomes here: where they are held and how many queries counted them. */
export const myGenomesSchema = Type.Object({
  genomes: Type.Array(
    Type.Object({
      datasetId: hex32,
      orgId: Type.String(),
      variantCount: Type.Integer({ minimum: 0 }),
      queriesCounted: Type.Integer({ minimum: 0 }),
    }),
  ),
  researchConsent: Type.Union([dataUseSchema, Type.Null()]),
});
export type MyGenomesBody = Static<typeof myGenomesSchema>;

/**
 * The dataset owner's view (issue 19 §5, §6): each genome this organisation holds, its terms and how many
 * queries counted it. Aggregates only: never the patient's pseudonym, nor anything of the genotype.
 */
export const ownedDatasetsSchema = Type.Object({
  datasets: Type.Array(
    Type.Object({
      datasetId: hex32,
      variantCount: Type.Integer({ minimum: 0 }),
      dataUse: dataUseSchema,
      status: Type.Union([Type.Literal('active'), Type.Literal('erased')]),
      /** The height its registration was committed at. */
      height: Type.Integer({ minimum: 1 }),
      queriesCounted: Type.Integer({ minimum: 0 }),
      /** The person's research consent is in force (given, not withdrawn), so a query may count them. */
      consentAllowsCounting: Type.Boolean(),
    }),
  ),
  /** More genomes are held than one answer lists (OWNED_DATASETS_LISTED_MAX). */
  truncated: Type.Boolean(),
});
export type OwnedDatasetsBody = Static<typeof ownedDatasetsSchema>;

export const genomeParamsSchema = Type.Object({ datasetId: hex32 }, { additionalProperties: false });
export type GenomeParams = Static<typeof genomeParamsSchema>;

/** POST grants: the reader's Crypt4GH public key (X25519, 32 bytes as hex). */
export const genomeGrantSchema = Type.Object({ recipientKey: hex32 }, { additionalProperties: false });
export type GenomeGrantBody = Static<typeof genomeGrantSchema>;

/** The release, committed before it was made, and the container for the recipient's key (base64). */
export const genomeGrantedSchema = Type.Object({
  txHash: hex32,
  height: Type.Integer({ minimum: 1 }),
  /** Base64. */
  container: Type.String(),
});
export type GenomeGrantedBody = Static<typeof genomeGrantedSchema>;

/** POST erasure's body: empty (the dataset is in the path, the patient in the token). */
export const genomeEraseSchema = Type.Object({}, { additionalProperties: false });

/** POST erasure: shredded here, and the custodian's committed genomics.eraseDataset as the receipt. */
export const genomeErasedSchema = Type.Object({
  datasetId: hex32,
  txHash: hex32,
  height: Type.Integer({ minimum: 1 }),
  shreddedAtMs: Type.Integer({ minimum: 0 }),
});
export type GenomeErasedBody = Static<typeof genomeErasedSchema>;
