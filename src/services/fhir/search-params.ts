// The one table of what /fhir/R4 serves and how each search parameter finds its values: search.ts
// parses and matches from it, capability.ts publishes it, so the CapabilityStatement cannot drift from
// the code. Expressions are FHIRPath (fhirpath.html) as in the R4 search parameter registry
// (searchparameter-registry.html) unless marked "carechain:", where issue 4 asks for one generic
// `date` (or `status`) parameter on a type whose R4 name for it differs.

export type SearchParamType = 'token' | 'date' | 'reference' | 'string';

export interface SearchParamDef {
  name: string;
  type: SearchParamType;
  /** FHIRPath over the resource, compiled once with the R4 model (choice types like effective[x]). */
  expression: string;
  /** For reference parameters that only point at one type (`patient` → Patient). */
  target?: string;
  documentation: string;
}

/** Resource types served with read, vread, create, update, history and search (issue 4). */
export const SERVED_RESOURCE_TYPES: readonly string[] = [
  'Patient',
  'Practitioner',
  'Organization',
  'Location',
  'Encounter',
  'Observation',
  'Condition',
  'AllergyIntolerance',
  'MedicationRequest',
  'MedicationStatement',
  'Immunization',
  'Procedure',
  'DiagnosticReport',
  'DocumentReference',
  'CarePlan',
  'Claim',
  'ExplanationOfBenefit',
  'Consent',
  'AuditEvent',
  'Provenance',
];

/** Parameters for all resources (search.html#all). */
export const COMMON_SEARCH_PARAMS: readonly SearchParamDef[] = [
  { name: '_id', type: 'token', expression: 'Resource.id', documentation: 'Logical id of the resource' },
  {
    name: '_lastUpdated',
    type: 'date',
    expression: 'Resource.meta.lastUpdated',
    documentation: 'When the resource version last changed',
  },
];

function token(name: string, expression: string, documentation: string): SearchParamDef {
  return { name, type: 'token', expression, documentation };
}
function date(expression: string, documentation: string): SearchParamDef {
  return { name: 'date', type: 'date', expression, documentation };
}
function identifier(type: string): SearchParamDef {
  return token('identifier', `${type}.identifier`, 'A business identifier (system|value)');
}
function status(type: string): SearchParamDef {
  return token('status', `${type}.status`, 'The status code');
}
function code(expression: string): SearchParamDef {
  return token('code', expression, 'A code (system|code)');
}
/** `subject` (any target) and `patient` (the subject when it is a Patient), from one element. */
function subjectAndPatient(element: string): SearchParamDef[] {
  return [
    { name: 'subject', type: 'reference', expression: element, documentation: 'Who or what it is about' },
    {
      name: 'patient',
      type: 'reference',
      expression: element,
      target: 'Patient',
      documentation: 'The patient',
    },
  ];
}
function patientOnly(element: string): SearchParamDef {
  return {
    name: 'patient',
    type: 'reference',
    expression: element,
    target: 'Patient',
    documentation: 'The patient',
  };
}

const BY_TYPE: Readonly<Record<string, readonly SearchParamDef[]>> = {
  Patient: [
    identifier('Patient'),
    {
      name: 'name',
      type: 'string',
      // R4 says "any string part of HumanName"; issue 4 names family, given and text.
      expression: 'Patient.name.family | Patient.name.given | Patient.name.text',
      documentation: 'Starts with (case- and accent-insensitive) a family name, given name or name text',
    },
    { name: 'birthdate', type: 'date', expression: 'Patient.birthDate', documentation: 'Date of birth' },
    token('gender', 'Patient.gender', 'Administrative gender'),
  ],
  Practitioner: [identifier('Practitioner')],
  Organization: [identifier('Organization')],
  Location: [identifier('Location'), status('Location')],
  Encounter: [
    identifier('Encounter'),
    status('Encounter'),
    ...subjectAndPatient('Encounter.subject'),
    date('Encounter.period', 'A date within the period the Encounter lasted'),
  ],
  Observation: [
    identifier('Observation'),
    status('Observation'),
    ...subjectAndPatient('Observation.subject'),
    code('Observation.code'),
    date('Observation.effective', 'Clinically relevant time or period of the observation'),
  ],
  Condition: [
    identifier('Condition'),
    ...subjectAndPatient('Condition.subject'),
    code('Condition.code'),
    date('Condition.onset', 'carechain: onset date or period (R4 name: onset-date)'),
  ],
  AllergyIntolerance: [
    identifier('AllergyIntolerance'),
    patientOnly('AllergyIntolerance.patient'),
    code('AllergyIntolerance.code | AllergyIntolerance.reaction.substance'),
    date('AllergyIntolerance.recordedDate', 'Date first version of the record was created'),
  ],
  MedicationRequest: [
    identifier('MedicationRequest'),
    status('MedicationRequest'),
    ...subjectAndPatient('MedicationRequest.subject'),
    code('MedicationRequest.medication.ofType(CodeableConcept)'),
    date('MedicationRequest.authoredOn', 'carechain: when the request was written (R4 name: authoredon)'),
  ],
  MedicationStatement: [
    identifier('MedicationStatement'),
    status('MedicationStatement'),
    ...subjectAndPatient('MedicationStatement.subject'),
    code('MedicationStatement.medication.ofType(CodeableConcept)'),
    date('MedicationStatement.effective', 'carechain: when the medication was taken (R4 name: effective)'),
  ],
  Immunization: [
    identifier('Immunization'),
    status('Immunization'),
    patientOnly('Immunization.patient'),
    date('Immunization.occurrence', 'Vaccination administration date'),
  ],
  Procedure: [
    identifier('Procedure'),
    status('Procedure'),
    ...subjectAndPatient('Procedure.subject'),
    code('Procedure.code'),
    date('Procedure.performed', 'When the procedure was performed'),
  ],
  DiagnosticReport: [
    identifier('DiagnosticReport'),
    status('DiagnosticReport'),
    ...subjectAndPatient('DiagnosticReport.subject'),
    code('DiagnosticReport.code'),
    date('DiagnosticReport.effective', 'The clinically relevant time of the report'),
  ],
  DocumentReference: [
    identifier('DocumentReference'),
    status('DocumentReference'),
    ...subjectAndPatient('DocumentReference.subject'),
    date('DocumentReference.date', 'When this document reference was created'),
  ],
  CarePlan: [
    identifier('CarePlan'),
    status('CarePlan'),
    ...subjectAndPatient('CarePlan.subject'),
    date('CarePlan.period', 'Time period the plan covers'),
  ],
  Claim: [
    identifier('Claim'),
    status('Claim'),
    patientOnly('Claim.patient'),
    date('Claim.created', 'carechain: the creation date (R4 name: created)'),
  ],
  ExplanationOfBenefit: [
    identifier('ExplanationOfBenefit'),
    status('ExplanationOfBenefit'),
    patientOnly('ExplanationOfBenefit.patient'),
    date('ExplanationOfBenefit.created', 'carechain: the creation date (R4 name: created)'),
  ],
  Consent: [
    identifier('Consent'),
    status('Consent'),
    patientOnly('Consent.patient'),
    date('Consent.dateTime', 'When the consent was agreed to'),
  ],
  AuditEvent: [
    // R4: agent.who and entity.what where they resolve to a Patient; `target` checks the type instead.
    patientOnly('AuditEvent.agent.who | AuditEvent.entity.what'),
    date('AuditEvent.recorded', 'Time when the event was recorded'),
  ],
  Provenance: [
    patientOnly('Provenance.target'),
    date('Provenance.recorded', 'carechain: when the activity was recorded (R4 name: recorded)'),
  ],
};

/**
 * The search parameters of a resource type: the common ones plus the type's own. Types that are stored
 * but not served (the rest of what Synthea emits) get the common ones only.
 */
export function searchParamsFor(resourceType: string): readonly SearchParamDef[] {
  const own = Object.hasOwn(BY_TYPE, resourceType) ? (BY_TYPE[resourceType] ?? []) : [];
  return [...COMMON_SEARCH_PARAMS, ...own];
}
