// Small shared pieces of the FHIR tests and benchmarks: the consent grants they start from, the Patient and
// heart-rate Observation they write, and the answer of a call that fhir-kit-client rejected.
import type { CanonicalValue } from '../../src/core/canonical.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';

/** A consent.grant payload: the patient lets everyone at `orgId` do `actions` on `resourceTypes` for treatment. */
export function organisationGrant(
  consentId: string,
  orgId: string,
  resourceTypes: readonly string[],
  actions: readonly ('read' | 'write')[],
): CanonicalValue {
  return {
    consentId,
    grantee: { kind: 'organisation', orgId },
    resourceTypes: [...resourceTypes],
    purposes: ['TREAT'],
    actions: [...actions],
    period: { startMs: 0, endMs: null },
    provision: 'permit',
  };
}

/** A consent.grant payload: the patient lets everyone at `orgId` read Observations for treatment. */
export function observationReadGrant(consentId: string, orgId = 'clinic'): CanonicalValue {
  return organisationGrant(consentId, orgId, ['Observation'], ['read']);
}

/** A Patient resource (Peter Chalmers of the FHIR examples) naming `pseudonym` as the chain's patient. */
export function chalmersPatient(pseudonym: string) {
  return {
    resourceType: 'Patient',
    identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }],
    name: [{ family: 'Chalmers', given: ['Peter'] }],
    gender: 'male',
    birthDate: '1974-12-25',
  };
}

/** A final LOINC heart-rate Observation (72.5 beats/minute) about `Patient/patientId`. */
export function heartRateObservation(patientId: string) {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: `Patient/${patientId}` },
    valueQuantity: { value: 72.5, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

/** The HTTP status and body (an OperationOutcome) of a call fhir-kit-client rejected. */
export async function refused(call: Promise<unknown>): Promise<{ status: number; data: any }> {
  try {
    await call;
  } catch (err) {
    const response = (err as { response?: { status: number; data: unknown } }).response;
    if (response !== undefined) return response;
    throw err;
  }
  throw new Error('expected the call to be refused');
}
