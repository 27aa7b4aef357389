// Which records an emergency summary opens (issue 14 "break-glass that opens the emergency summary"):
// in an emergency a clinician needs the patient's allergies, conditions, medications and latest vitals,
// not a record id. Chosen from the ledger's record heads alone (type, custodian, order), before anything
// is decrypted, so the one flagged records.access event lists exactly the records that are released.
import {
  recordsOfPatient,
  RECORDS_PAGE_MAX,
  RECORDS_PER_EVENT_MAX,
  type RecordHead,
} from '../../app/records/index.ts';
import type { StateReader } from '../../app/state.ts';

/** The kinds of record an emergency summary shows: who this is, what to avoid, what they have and take. */
export const EMERGENCY_SUMMARY_TYPES: readonly string[] = [
  'AllergyIntolerance',
  'Condition',
  'MedicationRequest',
  'MedicationStatement',
  'Observation',
  'Patient',
];

/** Only the latest observations: recent vitals and labs, not the patient's whole history. */
export const EMERGENCY_OBSERVATIONS_MAX = 20;

/** The patient's unerased summary records this custodian holds, observations the latest only. */
export function emergencySummaryHeads(
  state: StateReader,
  custodianOrgId: string,
  pseudonym: string,
): RecordHead[] {
  const kept: RecordHead[] = [];
  const observations: RecordHead[] = [];
  for (let offset = 0; ; offset += RECORDS_PAGE_MAX) {
    const page = recordsOfPatient(state, pseudonym, { offset, limit: RECORDS_PAGE_MAX });
    for (const head of page.items) {
      if (head.custodianOrgId !== custodianOrgId || head.erasedAtHeight !== null) continue;
      if (!EMERGENCY_SUMMARY_TYPES.includes(head.resourceType)) continue;
      (head.resourceType === 'Observation' ? observations : kept).push(head);
    }
    if (offset + RECORDS_PAGE_MAX >= page.total) break;
  }
  // Registration order is commit order: the last ones are the latest.
  const latest = observations
    .sort((a, b) => a.updatedAtMs - b.updatedAtMs)
    .slice(-EMERGENCY_OBSERVATIONS_MAX);
  return [...kept, ...latest].slice(-RECORDS_PER_EVENT_MAX);
}
