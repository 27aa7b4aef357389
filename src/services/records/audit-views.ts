// Who may list the records module's events, and what each gets (issue 4 "Access"): the patient (or a
// proxy) their own access log, the custodian's privacy officer its break-glass events with the written
// reasons kept off chain. Decided here, beside the gateway, so no route decides who sees an audit trail.
import type { Caller } from '../auth/caller.ts';
import { matchEntries } from '../fhir/result-bundles.ts';
import { authorize } from '../auth/caller.ts';
import { reasonMatches, type BreakGlassReasonStore } from '../../node/storage/break-glass-reasons.ts';
import { FhirError } from '../fhir/operation-outcome.ts';
import {
  accessLog,
  breakGlassEvents,
  RECORDS_PAGE_MAX,
  toAuditEvent,
  type Page,
} from '../../app/records/index.ts';
import type { StateReader } from '../../app/state.ts';
import type { BreakGlassList } from '../../contract/records.ts';

/** The patient (or proxy) asking about themselves, with a scope that lets them list AuditEvents. */
export function patientAskingForOwnLog(who: Caller): Extract<Caller, { kind: 'patient' | 'proxy' }> {
  if (who.kind !== 'patient' && who.kind !== 'proxy') {
    throw FhirError.forbidden('only the patient (or their proxy) reads their own access log here');
  }
  authorize(who, 'AuditEvent', 's');
  return who;
}

/** The caller's own access log, newest first. */
export function ownAccessLog(state: StateReader, who: Caller, page: Page) {
  return accessLog(state, patientAskingForOwnLog(who).pseudonym, page);
}

/** The caller's own access log as a FHIR searchset Bundle of AuditEvents (IHE BALP). */
export function ownAuditEvents(state: StateReader, who: Caller, page: Page, baseUrl: string) {
  const log = ownAccessLog(state, who, page);
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: log.total,
    link: [
      {
        relation: 'self',
        url: `${baseUrl}/AuditEvent?patient=me&_offset=${page.offset}&_count=${page.limit}`,
      },
    ],
    entry: matchEntries(baseUrl, log.items.map(toAuditEvent)),
  };
}

/** The custodian's break-glass events with their reasons; for its privacy officers only. */
export function breakGlassEventsWithReasons(
  state: StateReader,
  who: Caller,
  custodianOrgId: string,
  reasons: BreakGlassReasonStore,
  page: Page,
): BreakGlassList {
  if (who.kind !== 'practitioner' || who.role !== 'privacy-officer' || who.orgId !== custodianOrgId) {
    throw FhirError.forbidden(`only a privacy officer of ${custodianOrgId} sees its break-glass events`);
  }
  authorize(who, 'AuditEvent', 's');
  const events = breakGlassEvents(state, custodianOrgId, page);
  const items = events.items.map((event) => {
    const stored = reasons.get(custodianOrgId, event.eventId);
    const commitment = event.breakGlass?.reasonCommitment ?? '';
    return {
      ...event,
      reason: stored?.reason ?? null,
      reasonSalt: stored?.salt ?? null,
      // A reason that no longer matches its commitment on chain was altered off chain.
      reasonMatchesCommitment: stored !== undefined && reasonMatches(stored, commitment),
    };
  });
  return { total: events.total, items };
}

const PAGE_DEFAULT = 50;

/** Paging of the lists (_offset, _count), at most RECORDS_PAGE_MAX a page. */
export interface PageQuery {
  _offset?: string;
  _count?: string;
}

export function pageOf(query: PageQuery): Page {
  const number = (text: string | undefined, fallback: number, name: string): number => {
    if (text === undefined || text === '') return fallback;
    if (!/^\d{1,9}$/.test(text)) throw FhirError.invalid(`${name} must be a non-negative integer`, name);
    return Number(text);
  };
  return {
    offset: number(query._offset, 0, '_offset'),
    limit: Math.min(number(query._count, PAGE_DEFAULT, '_count'), RECORDS_PAGE_MAX),
  };
}
