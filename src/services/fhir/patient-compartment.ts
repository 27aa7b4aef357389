// Which element of a resource names the patient it is about: the R4 Patient compartment
// (compartmentdefinition-patient.html), reduced to the elements that say whose record it is (not who
// performed or authored it, which may be a Patient too but is not the record's subject). The custodian
// files each resource under that one patient (records/resources.ts patientOf).

/** Per type, the element paths (dotted, arrays flattened) of its patient link, in order of preference. */
// prettier-ignore
const PATIENT_LINKS: Readonly<Record<string, readonly string[]>> = {
  Account: ['subject'], AdverseEvent: ['subject'], AllergyIntolerance: ['patient'],
  Appointment: ['participant.actor'], AppointmentResponse: ['actor'], AuditEvent: ['entity.what', 'agent.who'],
  Basic: ['subject'], BodyStructure: ['patient'], CarePlan: ['subject'], CareTeam: ['subject'],
  ChargeItem: ['subject'], Claim: ['patient'], ClaimResponse: ['patient'], ClinicalImpression: ['subject'],
  Communication: ['subject'], CommunicationRequest: ['subject'], Composition: ['subject'],
  Condition: ['subject'], Consent: ['patient'], Coverage: ['beneficiary', 'subscriber', 'policyHolder'],
  CoverageEligibilityRequest: ['patient'], CoverageEligibilityResponse: ['patient'],
  DetectedIssue: ['patient'], Device: ['patient'], DeviceRequest: ['subject'],
  DeviceUseStatement: ['subject'], DiagnosticReport: ['subject'], DocumentManifest: ['subject'],
  DocumentReference: ['subject'], Encounter: ['subject'], EnrollmentRequest: ['candidate'],
  EpisodeOfCare: ['patient'], ExplanationOfBenefit: ['patient'], FamilyMemberHistory: ['patient'],
  Flag: ['subject'], Goal: ['subject'], ImagingStudy: ['subject'],
  Immunization: ['patient'], ImmunizationEvaluation: ['patient'], ImmunizationRecommendation: ['patient'],
  Invoice: ['subject', 'recipient'], List: ['subject'], MeasureReport: ['subject'], Media: ['subject'],
  MedicationAdministration: ['subject'], MedicationDispense: ['subject'], MedicationRequest: ['subject'],
  MedicationStatement: ['subject'], MolecularSequence: ['patient'], NutritionOrder: ['patient'],
  Observation: ['subject'], Person: ['link.target'], Procedure: ['subject'], Provenance: ['target'],
  QuestionnaireResponse: ['subject'], RelatedPerson: ['patient'], RequestGroup: ['subject'],
  ResearchSubject: ['individual'], RiskAssessment: ['subject'], Schedule: ['actor'],
  ServiceRequest: ['subject'], Specimen: ['subject'], SupplyDelivery: ['patient'], Task: ['for'],
  VisionPrescription: ['patient'],
  // Not in R4's compartment: an HL7 v2 message's header (app/hl7/msh.ts) is about the one patient its
  // PID names, the first of its `focus`, and is filed under that patient with the message's records.
  MessageHeader: ['focus'],
};

/** The paths of a type's patient link; anything not listed links by `subject` or `patient`. */
export function patientLinkPaths(type: string): readonly string[] {
  return Object.hasOwn(PATIENT_LINKS, type) ? PATIENT_LINKS[type]! : ['subject', 'patient'];
}

/** Types with a patient link of their own. */
export const PATIENT_LINKED_TYPES: readonly string[] = Object.keys(PATIENT_LINKS);

/**
 * The Reference.reference strings a resource's patient link holds, from the first linking element
 * that is present (a Provenance may also target records; its Patient target is among them).
 */
export function patientLinkReferences(resource: Readonly<Record<string, unknown>>): {
  element: string;
  references: string[];
} {
  const type = String(resource.resourceType);
  const paths = patientLinkPaths(type);
  for (const path of paths) {
    const found = valuesAt(resource, path.split('.'));
    if (found.length === 0) continue;
    const references = found.flatMap((value) => {
      const reference = (value as { reference?: unknown } | null)?.reference;
      return typeof reference === 'string' ? [reference] : [];
    });
    return { element: `${type}.${path}`, references };
  }
  return { element: `${type}.${paths[0] ?? 'subject'}`, references: [] };
}

/** Whether the resource has any patient-link element at all. */
export function hasPatientLink(resource: Readonly<Record<string, unknown>>): boolean {
  return patientLinkReferences(resource).references.length > 0;
}

function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, path));
  if (path.length === 0) return value === undefined || value === null ? [] : [value];
  if (typeof value !== 'object' || value === null) return [];
  return valuesAt((value as Record<string, unknown>)[path[0]!], path.slice(1));
}
