// The HL7 message log in the web app (issue 21 §6): the calls to this organisation's own node for its
// integration staff, and the words the page shows. Types from the contract, never copied.
import {
  HL7_API,
  type Hl7MessageAnswer,
  type Hl7MessagesAnswer,
  type Hl7MessagesQuery,
} from '../../../src/contract/hl7.ts';
import { request } from './http.ts';

export function hl7Messages(token: string, query: Hl7MessagesQuery = {}): Promise<Hl7MessagesAnswer> {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return request<Hl7MessagesAnswer>(`${HL7_API}/messages${search === '' ? '' : `?${search}`}`, { token });
}

export function hl7Message(token: string, id: number): Promise<Hl7MessageAnswer> {
  return request<Hl7MessageAnswer>(`${HL7_API}/messages/${id}`, { token });
}

type Status = Hl7MessagesAnswer['messages'][number]['status'];

/** Each status in words, and whether it is good news (final), bad news (error, refused) or pending. */
export const STATUS_WORDS: Record<Status, { words: string; tone: 'ok' | 'bad' | '' }> = {
  accepted: { words: 'Accepted, not final yet', tone: '' },
  final: { words: 'Final on the ledger', tone: 'ok' },
  error: { words: 'Error', tone: 'bad' },
  refused: { words: 'Refused', tone: 'bad' },
};

/** ACK codes (HL7 table 0008) in words. */
export const ACK_WORDS: Record<string, string> = {
  AA: 'Application accept',
  AE: 'Application error',
  AR: 'Application reject',
  CA: 'Commit accept',
  CE: 'Commit error',
  CR: 'Commit reject',
};

/** A latency in ms as people read it: 840 → "840 ms", 2400 → "2.4 s", null → "—". */
export function latencyWords(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}
