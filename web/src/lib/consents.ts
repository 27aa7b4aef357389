// The patient's consents and the requests made to them, read from the node; changes are consent.* txs
// the patient signs (src/app/consent/grant.ts, request.ts).
import type { ConsentRecord, ConsentRequestRecord } from '../../../src/app/consent/types.ts';
import type { MyConsentRequestsAnswer, MyConsentsAnswer } from '../../../src/contract/consents.ts';
import { request } from './http.ts';

export async function myConsents(token: string): Promise<ConsentRecord[]> {
  return (await request<MyConsentsAnswer>('/api/v1/patients/me/consents', { token })).consents;
}

export async function myConsentRequests(token: string): Promise<ConsentRequestRecord[]> {
  return (await request<MyConsentRequestsAnswer>('/api/v1/patients/me/consent-requests', { token })).requests;
}

export function isActive(c: ConsentRecord, nowMs: number): boolean {
  return c.revokedAtHeight === null && (c.period.endMs === null || c.period.endMs >= nowMs);
}
