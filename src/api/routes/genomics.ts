// The genomics domain routes of a custodian node (issue 19 §1, §5), and its Beacon (beacon.ts).
//   POST /api/v1/genomics/genomes        staff of this organisation: a patient's VCF, kept as Crypt4GH,
//                                        answered once its commitment is final
//   GET  /api/v1/genomics/datasets       staff of this organisation: its genomes held here, with their
//                                        terms and aggregate usage (no pseudonym, nothing of a genotype)
//   GET  /api/v1/genomics/genomes/mine   the patient: their genomes held here, and how many queries
//                                        counted each, with their research consent
//   POST /api/v1/genomics/genomes/:datasetId/grants   the patient: the Crypt4GH container re-encrypted
//                                        for a reader key they name, released once recorded on chain
//   POST /api/v1/genomics/genomes/:datasetId/erasure  the patient: crypto-shredded, with a receipt
// The VCF is never logged (server.ts logs no bodies) and never echoed in an error.
import type { FastifyInstance } from 'fastify';
import type { DataUse } from '../../app/genomics/duo/codes.ts';
import { readGenomeDataset, readResearchConsent } from '../../app/genomics/keys.ts';
import { fromHex, utf8 } from '../../core/bytes.ts';
import {
  GENOME_BODY_BYTES_MAX,
  GENOME_ERASURE_PATH,
  GENOME_GRANTS_PATH,
  GENOMES_PATH,
  genomeErasedSchema,
  genomeEraseSchema,
  genomeGrantedSchema,
  genomeGrantSchema,
  genomeParamsSchema,
  genomeRegisteredSchema,
  genomeUploadSchema,
  MY_GENOMES_PATH,
  myGenomesSchema,
  OWNED_DATASETS_PATH,
  ownedDatasetsSchema,
  type GenomeGrantBody,
  type GenomeParams,
  type GenomeUploadBody,
  type MyGenomesBody,
  type OwnedDatasetsBody,
} from '../../contract/genomics.ts';
import { errorSchema } from '../../contract/ledger.ts';
import type { CarechainNode } from '../../node/node.ts';
import { ServiceError } from '../../services/errors.ts';
import { genomicsServices, type GenomicsServiceOptions } from '../../services/genomics/index.ts';
import { ownedDatasets } from '../../services/genomics/owner-view.ts';
import { genomeQueriesCounted } from '../../services/genomics/usage.ts';
import { registerBeaconRoutes } from './beacon.ts';

export function registerGenomicsRoutes(
  app: FastifyInstance,
  node: CarechainNode,
  options: GenomicsServiceOptions = {},
): void {
  const services = genomicsServices(node, options);
  registerBeaconRoutes(app, node, services.beacon, options.passportTrust);

  app.post<{ Body: GenomeUploadBody }>(
    GENOMES_PATH,
    {
      bodyLimit: GENOME_BODY_BYTES_MAX,
      schema: {
        body: genomeUploadSchema,
        response: { 200: genomeRegisteredSchema, 400: errorSchema, 403: errorSchema, 422: errorSchema },
      },
    },
    async (request) => {
      const caller = await request.caller();
      const { patient, vcf, encoding, dataUse } = request.body;
      return services.custody.upload(caller, {
        patient,
        vcf: encoding === 'base64' ? new Uint8Array(Buffer.from(vcf, 'base64')) : utf8(vcf),
        // The chain parses the terms again (duo/payload.ts): what it refuses is a 400 'genomics.invalid'.
        dataUse: dataUse as unknown as DataUse,
      });
    },
  );

  app.get(
    MY_GENOMES_PATH,
    { schema: { response: { 200: myGenomesSchema, 403: errorSchema } } },
    async (request, reply) => {
      const caller = await request.caller();
      if (caller.kind === 'practitioner') {
        throw new ServiceError('genomics.not_patient', 'this is the patient’s own view');
      }
      const { state } = node.ledger;
      const genomes = services.store.datasetIdsOf(caller.pseudonym).flatMap((datasetId) => {
        const dataset = readGenomeDataset(state, datasetId);
        if (dataset === undefined || dataset.status !== 'active') return [];
        const queriesCounted = genomeQueriesCounted(node.ledger, datasetId);
        return [{ datasetId, orgId: dataset.orgId, variantCount: dataset.variantCount, queriesCounted }];
      });
      const consent = readResearchConsent(state, caller.pseudonym);
      const body: MyGenomesBody = {
        genomes,
        researchConsent: (consent?.dataUse ?? null) as unknown as MyGenomesBody['researchConsent'],
      };
      return reply.header('cache-control', 'no-store').send(body);
    },
  );

  app.get(
    OWNED_DATASETS_PATH,
    { schema: { response: { 200: ownedDatasetsSchema, 403: errorSchema } } },
    async (request, reply) => {
      const caller = await request.caller();
      const deps = { ledger: node.ledger, store: services.store, custody: services.custody };
      const body = ownedDatasets(deps, caller) as unknown as OwnedDatasetsBody;
      return reply.header('cache-control', 'no-store').send(body);
    },
  );

  const refusals = {
    400: errorSchema,
    401: errorSchema,
    403: errorSchema,
    422: errorSchema,
    503: errorSchema,
  };
  app.post<{ Params: GenomeParams; Body: GenomeGrantBody }>(
    GENOME_GRANTS_PATH,
    {
      schema: {
        params: genomeParamsSchema,
        body: genomeGrantSchema,
        response: { 200: genomeGrantedSchema, ...refusals },
      },
    },
    async (request, reply) => {
      const caller = await request.caller();
      const key = fromHex(request.body.recipientKey);
      const released = await services.patients.grant(caller, request.params.datasetId, key);
      return reply.header('cache-control', 'no-store').send({
        txHash: released.txHash,
        height: released.height,
        container: Buffer.from(released.container).toString('base64'),
      });
    },
  );
  app.post<{ Params: GenomeParams }>(
    GENOME_ERASURE_PATH,
    {
      schema: {
        params: genomeParamsSchema,
        body: genomeEraseSchema,
        response: { 200: genomeErasedSchema, ...refusals },
      },
    },
    async (request) => services.patients.erase(await request.caller(), request.params.datasetId),
  );
}
