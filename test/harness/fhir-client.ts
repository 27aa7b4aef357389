// Small shared pieces of the FHIR tests and benchmarks: the consent grant most of them start from, and
// the answer of a call that fhir-kit-client rejected.
import type { CanonicalValue } from '../../src/core/canonical.ts';

/** A consent.grant payload: the patient lets everyone at `orgId` read Observations for treatment. */
export function observationReadGrant(consentId: string, orgId = 'clinic'): CanonicalValue {
  return {
    consentId,
    grantee: { kind: 'organisation', orgId },
    resourceTypes: ['Observation'],
    purposes: ['TREAT'],
    actions: ['read'],
    period: { startMs: 0, endMs: null },
    provision: 'permit',
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
