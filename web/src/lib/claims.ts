// Claims in the web app (issue 17 §6, §7): the insurer workspace's calls to the payer's own node (its
// queue, a claim's documentation from the chain, adjudication, a PA decision) and the patient's EOBs.
// The node signs every tx for its organisation; the browser only asks, with the signed-in token.
import type { Bundle, ExplanationOfBenefit } from 'fhir/r4.js';
import {
  CLAIMS_API,
  type AdjudicationAnswer,
  type DecisionAnswer,
  type DecisionBody,
  type DocumentationAnswer,
  type WorkspaceAnswer,
} from '../../../src/contract/claims.ts';
import { request } from './http.ts';

export const MY_EOBS_PATH = '/api/v1/patients/me/explanation-of-benefits';

export function workspace(token: string): Promise<WorkspaceAnswer> {
  return request<WorkspaceAnswer>(`${CLAIMS_API}/workspace`, { token });
}

export function documentation(token: string, claimId: string): Promise<DocumentationAnswer> {
  return request<DocumentationAnswer>(`${CLAIMS_API}/${claimId}/documentation`, { token });
}

export function adjudicateClaim(token: string, claimId: string): Promise<AdjudicationAnswer> {
  return request<AdjudicationAnswer>(`${CLAIMS_API}/${claimId}/adjudication`, { token, body: {} });
}

export function decidePriorAuth(
  token: string,
  requestId: string,
  body: DecisionBody,
): Promise<DecisionAnswer> {
  return request<DecisionAnswer>(`${CLAIMS_API}/prior-auth/${requestId}/decision`, { token, body });
}

/** The patient's own EOBs at this node (a payer's node keeps them), newest first. */
export async function myEobs(token: string): Promise<ExplanationOfBenefit[]> {
  const bundle = await request<Bundle>(MY_EOBS_PATH, { token, fhir: true });
  const eobs = (bundle.entry ?? []).map((e) => e.resource as ExplanationOfBenefit);
  return eobs.sort((a, b) => (b.created ?? '').localeCompare(a.created ?? ''));
}

/** X12 306 review actions in words (a PA decision). */
export const REVIEW_ACTION_WORDS: Record<string, string> = {
  A1: 'Certified in total',
  A2: 'Certified, partial',
  A3: 'Not certified (denied)',
  A4: 'Pended',
  A6: 'Modified',
  C: 'Cancelled',
};

/** Integer cents as dollars, never through a float sum: 15000 → "$150.00". */
export function dollars(cents: number): string {
  const sign = cents < 0 ? '−' : '';
  const abs = Math.abs(cents);
  return `${sign}$${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}

/** A duration in days, hours and minutes: 266400000 → "3 d 2 h". */
export function durationWords(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return `${m} min`;
}

/** Basis points as a percentage: 5000 → "50.0 %"; null (nothing to count) → "—". */
export function percentWords(basisPoints: number | null): string {
  return basisPoints === null ? '—' : `${(basisPoints / 100).toFixed(1)} %`;
}

type Adjudicated = { category: { coding?: { code?: string }[] }; amount?: { value?: number } };

/** An amount an EOB's item or total carries under a category code, in cents (0 when absent). */
export function eobCents(entries: readonly Adjudicated[] | undefined, code: string): number {
  const found = entries?.find((e) => e.category.coding?.some((c) => c.code === code));
  // The EOB's money is cents / 100 exactly (services/claims/eob.ts); back to integer cents here.
  return Math.round((found?.amount?.value ?? 0) * 100);
}
