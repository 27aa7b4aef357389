// The patient code: a small JSON payload the patient shows (as text, or a QR code of this text) so a
// clinician can find them. It carries no health data: the on-chain pseudonym, the custodian, and the id
// of their FHIR Patient resource there (a practitioner's search must name it).
import { isHex } from '../../../src/core/bytes.ts';

export const PATIENT_CODE_TYPE = 'carechain-patient/v1';

export interface PatientCode {
  readonly pseudonym: string;
  readonly custodian: string | null;
  readonly patientId: string | null;
}

export function encodePatientCode(code: PatientCode): string {
  return JSON.stringify({ type: PATIENT_CODE_TYPE, ...code });
}

/** Reads a pasted or scanned code; a bare 64-hex pseudonym is accepted too. */
export function decodePatientCode(text: string): PatientCode {
  const trimmed = text.trim();
  if (isHex(trimmed.toLowerCase(), 32))
    return { pseudonym: trimmed.toLowerCase(), custodian: null, patientId: null };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    throw new Error('not a patient code: paste the code the patient shows, or their 64-digit carechain ID');
  }
  const v = (value ?? {}) as Record<string, unknown>;
  if (v.type !== PATIENT_CODE_TYPE || !isHex(v.pseudonym, 32))
    throw new Error('not a carechain patient code');
  const id =
    typeof v.patientId === 'string' && /^[A-Za-z0-9\-.]{1,64}$/.test(v.patientId) ? v.patientId : null;
  const custodian =
    typeof v.custodian === 'string' && /^[a-z0-9-]{1,64}$/.test(v.custodian) ? v.custodian : null;
  return { pseudonym: v.pseudonym, custodian, patientId: id };
}
