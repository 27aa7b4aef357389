// The genomics API's client (issue 19 §6), for the CLI, the web app and tests: a custodian's staff upload
// a patient's VCF, the patient releases their genome for a reader key, and a researcher asks the Beacon
// (/beacon/v2/g_variants or /individuals). A refusal is a GenomicsClientError with the node's catalogue
// code (a Beacon error carries it in `info.code`, contract/errors.ts) and the node's message.
import {
  BEACON_PATHS,
  PASSPORT_HEADER,
  type GVariantsQuery,
  type GVariantsResponse,
  type IndividualsResponse,
} from '../contract/beacon.ts';
import {
  GENOME_ERASURE_PATH,
  GENOME_GRANTS_PATH,
  GENOMES_PATH,
  OWNED_DATASETS_PATH,
  type GenomeErasedBody,
  type GenomeGrantedBody,
  type GenomeRegisteredBody,
  type GenomeUploadBody,
  type OwnedDatasetsBody,
} from '../contract/genomics.ts';
import { ApiRefusal, callApi, NodeApiClient, type FetchLike } from './api-call.ts';

/** A refusal by the node (api-call.ts's ApiRefusal, named for this client). */
export class GenomicsClientError extends ApiRefusal {}

export type BeaconEntity = 'g_variants' | 'individuals';

/** The genomics and Beacon routes of a node's API, called with a staff, researcher or patient bearer token. */
export class GenomicsClient extends NodeApiClient {
  /** Staff of the custodian: the VCF is validated, kept as Crypt4GH and committed as a salted root. */
  upload(body: GenomeUploadBody): Promise<GenomeRegisteredBody> {
    return this.call('POST', GENOMES_PATH, body) as Promise<GenomeRegisteredBody>;
  }

  /** Staff of the custodian: the genomes their organisation holds there, with aggregate usage. */
  ownedDatasets(): Promise<OwnedDatasetsBody> {
    return this.call('GET', OWNED_DATASETS_PATH) as Promise<OwnedDatasetsBody>;
  }

  /** The patient: their genome's container, its header for `recipientKey` (X25519, hex) alone. */
  grant(datasetId: string, recipientKey: string): Promise<GenomeGrantedBody> {
    const path = GENOME_GRANTS_PATH.replace(':datasetId', encodeURIComponent(datasetId));
    return this.call('POST', path, { recipientKey }) as Promise<GenomeGrantedBody>;
  }

  /** The patient: their genome crypto-shredded here, with the custodian's committed receipt. */
  erase(datasetId: string): Promise<GenomeErasedBody> {
    const path = GENOME_ERASURE_PATH.replace(':datasetId', encodeURIComponent(datasetId));
    return this.call('POST', path, {}) as Promise<GenomeErasedBody>;
  }

  /** A Beacon query (GET parameters: health research by a not-for-profit, nothing promised). */
  query(
    entity: BeaconEntity,
    parameters: GVariantsQuery,
    passport?: string,
  ): Promise<GVariantsResponse | IndividualsResponse> {
    const search = new URLSearchParams(
      Object.entries(parameters).flatMap(([key, value]): [string, string][] =>
        value === undefined ? [] : [[key, String(value)]],
      ),
    );
    const path = `${entity === 'individuals' ? BEACON_PATHS.individuals : BEACON_PATHS.gVariants}?${search.toString()}`;
    return this.call('GET', path, undefined, passport) as Promise<GVariantsResponse | IndividualsResponse>;
  }

  private call(method: 'GET' | 'POST', path: string, body?: unknown, passport?: string): Promise<unknown> {
    const fetch: FetchLike =
      passport === undefined
        ? this.fetch
        : (url, init) =>
            this.fetch(url, { ...init, headers: { ...init?.headers, [PASSPORT_HEADER]: passport } });
    return callApi(fetch, `${this.apiUrl}${path}`, method, GenomicsClientError, body, this.token);
  }
}
