// The supply chain API (issue 5) as the app uses it: DSCSA verification, suspect reports, recalls,
// alerts. Staff tokens only; the node signs the txs for its own organisation.
import type { Alert, VerifyReason } from '../../../src/app/supply/types.ts';
import type { AlertsAnswer, Committed, VerifyAnswer } from '../../../src/contract/supply.ts';
import { request } from './http.ts';

export type { VerifyAnswer };

export const REASON_WORDS: Record<VerifyReason, string> = {
  unknown_product: 'unknown product: no manufacturer registered this GTIN',
  unknown_serial: 'unknown serial: this pack was never commissioned (possible counterfeit)',
  lot_mismatch: 'the lot on the pack does not match the record',
  expiry_mismatch: 'the expiry on the pack does not match the record',
  expired: 'the pack has expired',
  recalled: 'the lot has been recalled',
  already_dispensed: 'this pack was already dispensed (possible cloned serial)',
  decommissioned: 'this pack was taken out of circulation',
  suspect_quarantined: 'this pack is quarantined as suspect',
};

export function verifyCode(code: string, token: string): Promise<VerifyAnswer> {
  return request<VerifyAnswer>('/api/v1/verify', { body: { code: code.trim() }, token });
}

export function reportSuspect(kind: 'suspect' | 'illegitimate', epcs: string[], token: string) {
  return request<Committed>('/api/v1/supply/suspects', {
    body: { kind, epcs },
    token,
  });
}

export function recallLot(gtin: string, lot: string, token: string) {
  return request<Committed>('/api/v1/supply/recalls', {
    body: { gtin, lot },
    token,
  });
}

export function registerGln(gln: string, token: string) {
  return request<Committed>('/api/v1/supply/parties', { body: { gln }, token });
}

export async function alerts(token: string): Promise<Alert[]> {
  return (await request<AlertsAnswer>('/api/v1/supply/alerts?limit=50', { token })).items;
}
