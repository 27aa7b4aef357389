// A patient's records wherever they are kept (issue 13/14): whichever node the portal was opened at, it
// asks Patient/$everything, which finds on chain every organisation holding the patient's records and
// collects each one's share; the custodians come from the ledger too (the patient's erasure status lists
// every organisation holding their records), never from the node the browser happens to be talking to.
import type { CustodianErasureBody, ErasureStatusBody } from '../../../src/contract/erasure.ts';
import type { FhirBundle, FhirResource } from '../../../src/contract/fhir.ts';
import { FHIR_BASE } from './fhir.ts';
import { request } from './http.ts';

export interface MyRecords {
  readonly records: FhirResource[];
  /** Organisations the ledger says hold (unerased or erased) records of the patient. */
  readonly custodians: string[];
  /** What $everything could not include (a custodian that did not answer), in its own words. */
  readonly missing: string[];
  /** Erasure receipts on the ledger, each custodian's (empty until the patient asks for erasure). */
  readonly receipts: ErasureReceiptRef[];
}

/** One custodian's erasure receipt (a tx and its height), named with the custodian it is from. */
export type ErasureReceiptRef = CustodianErasureBody['receipts'][number] &
  Pick<CustodianErasureBody, 'custodianOrgId'>;

/** Every custodian's erasure receipts, as the erasure status (GET or POST) lists them. */
export function receiptsOf(status: Pick<ErasureStatusBody, 'custodians'>): ErasureReceiptRef[] {
  return status.custodians.flatMap((c) =>
    c.receipts.map((r) => ({ custodianOrgId: c.custodianOrgId, ...r })),
  );
}

export async function loadMyRecords(token: string): Promise<MyRecords> {
  const [bundle, status] = await Promise.all([
    request<FhirBundle>(`${FHIR_BASE}/Patient/$everything`, { token, fhir: true }),
    request<ErasureStatusBody>('/api/v1/patients/me/erasure', { token }),
  ]);
  const records: FhirResource[] = [];
  const missing: string[] = [];
  for (const entry of bundle.entry ?? []) {
    const resource = entry.resource;
    if (resource === undefined) continue;
    if (resource.resourceType !== 'OperationOutcome') records.push(resource);
    else
      for (const i of (resource.issue ?? []) as { diagnostics?: string }[]) missing.push(i.diagnostics ?? '');
  }
  const custodians = status.custodians.filter((c) => c.records > c.erased).map((c) => c.custodianOrgId);
  return { records, custodians, missing, receipts: receiptsOf(status) };
}
