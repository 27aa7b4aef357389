// The one table of what /fhir/R4 serves and how each search parameter finds its values: search.ts
// parses and matches from it, capability.ts publishes it, so the CapabilityStatement cannot drift from
// the code. Expressions are FHIRPath (fhirpath.html) as in the R4 search parameter registry
// (searchparameter-registry.html) unless marked "carechain:", where issue 4 asks for one generic
// `date` (or `status`) parameter on a type whose R4 name for it differs.

import { PATIENT_LINKED_TYPES, patientLinkPaths } from './patient-compartment.ts';
import { R4_SCHEMA } from './r4-schema.ts';

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

function param(
  name: string,
  type: SearchParamType,
  expression: string,
  documentation: string,
): SearchParamDef {
  return { name, type, expression, documentation };
}
function reference(name: string, expression: string, target: string | undefined, documentation: string) {
  return { name, type: 'reference' as const, expression, documentation, ...(target ? { target } : {}) };
}
/** A HumanName's parts: `name` (any part), `family` and `given` (search.html#string). */
function humanName(type: string): SearchParamDef[] {
  return [
    param(
      'name',
      'string',
      `${type}.name.family | ${type}.name.given | ${type}.name.text | ${type}.name.prefix | ${type}.name.suffix`,
      'Starts with (case- and accent-insensitive) any part of the name',
    ),
    param('family', 'string', `${type}.name.family`, 'A family name'),
    param('given', 'string', `${type}.name.given`, 'A given name'),
  ];
}
function address(type: string): SearchParamDef[] {
  const a = `${type}.address`;
  return [
    param(
      'address',
      'string',
      `${a}.text | ${a}.line | ${a}.city | ${a}.district | ${a}.state | ${a}.postalCode | ${a}.country`,
      'Any part of the address',
    ),
    param('address-city', 'string', `${a}.city`, 'A city of the address'),
    param('address-state', 'string', `${a}.state`, 'A state of the address'),
    param('address-postalcode', 'string', `${a}.postalCode`, 'A postal code of the address'),
  ];
}
/** `patient` (and `subject` where the link is the subject) from the type's Patient-compartment link. */
function patientLink(type: string): SearchParamDef[] {
  const [path] = patientLinkPaths(type);
  if (path === undefined) return [];
  const expression = `${type}.${path}`;
  return path === 'subject' ? subjectAndPatient(expression) : [patientOnly(expression)];
}
/** Whether the official R4 schema gives the type this element (only real elements are advertised). */
function hasElement(type: string, element: string): boolean {
  return R4_SCHEMA.definitions[type]?.properties?.[element] !== undefined;
}
/** identifier, status (where the type has them) and the patient link: what every clinical type is searched by. */
function clinical(type: string, ...own: SearchParamDef[]): SearchParamDef[] {
  return [
    ...(hasElement(type, 'identifier') ? [identifier(type)] : []),
    ...(hasElement(type, 'status') ? [status(type)] : []),
    ...patientLink(type),
    ...own,
  ];
}

/** What Claim and ExplanationOfBenefit share in the R4 registry: who, where, when and which devices. */
function claimLike(type: 'Claim' | 'ExplanationOfBenefit'): SearchParamDef[] {
  return [
    param('created', 'date', `${type}.created`, 'The creation date'),
    reference('provider', `${type}.provider`, undefined, 'The provider responsible'),
    reference('enterer', `${type}.enterer`, undefined, 'Who entered it'),
    reference('facility', `${type}.facility`, 'Location', 'Where the services were provided'),
    reference('care-team', `${type}.careTeam.provider`, undefined, 'A member of the care team'),
    reference('payee', `${type}.payee.party`, undefined, 'Who receives the payment'),
    reference('encounter', `${type}.item.encounter`, 'Encounter', 'An encounter an item refers to'),
    ...(type === 'Claim' ? [reference('insurer', 'Claim.insurer', 'Organization', 'The target payer')] : []),
    reference('item-udi', `${type}.item.udi`, 'Device', 'A device on an item'),
    reference('detail-udi', `${type}.item.detail.udi`, 'Device', 'A device on an item detail'),
    reference('subdetail-udi', `${type}.item.detail.subDetail.udi`, 'Device', 'A device on a sub-detail'),
    reference('procedure-udi', `${type}.procedure.udi`, 'Device', 'A device on a procedure'),
  ];
}

/**
 * Per type, its own parameters: the US Core 6.1 ones (SHALL and SHOULD) with their R4 names, and the
 * generic `date` issue 4 asked for. Types of the Patient compartment without US Core guidance get
 * identifier, status and patient.
 */
const US_CORE: Readonly<Record<string, readonly SearchParamDef[]>> = {
  Patient: [
    identifier('Patient'),
    ...humanName('Patient'),
    { name: 'birthdate', type: 'date', expression: 'Patient.birthDate', documentation: 'Date of birth' },
    token('gender', 'Patient.gender', 'Administrative gender'),
    param('death-date', 'date', 'Patient.deceased.ofType(dateTime)', 'Date of death'),
    ...address('Patient'),
  ],
  Practitioner: [identifier('Practitioner'), ...humanName('Practitioner')],
  Organization: [
    identifier('Organization'),
    param('name', 'string', 'Organization.name | Organization.alias', 'A name or alias'),
    ...address('Organization').slice(0, 1),
  ],
  Location: [
    identifier('Location'),
    status('Location'),
    param('name', 'string', 'Location.name | Location.alias', 'A name or alias'),
    ...address('Location'),
  ],
  PractitionerRole: [
    identifier('PractitionerRole'),
    reference('practitioner', 'PractitionerRole.practitioner', 'Practitioner', 'The practitioner'),
    reference('organization', 'PractitionerRole.organization', 'Organization', 'The organization'),
    token('specialty', 'PractitionerRole.specialty', 'A specialty'),
    token('role', 'PractitionerRole.code', 'A role'),
  ],
  Endpoint: [
    identifier('Endpoint'),
    status('Endpoint'),
    param('name', 'string', 'Endpoint.name', 'The name'),
    reference('organization', 'Endpoint.managingOrganization', 'Organization', 'The managing organization'),
  ],
  Medication: [identifier('Medication'), status('Medication'), code('Medication.code')],
  HealthcareService: [
    identifier('HealthcareService'),
    param('name', 'string', 'HealthcareService.name', 'The name'),
    reference('organization', 'HealthcareService.providedBy', 'Organization', 'The organization'),
  ],
  Device: clinical('Device', token('type', 'Device.type', 'The device type')),
  Encounter: clinical(
    'Encounter',
    date('Encounter.period', 'A date within the period the Encounter lasted'),
    token('type', 'Encounter.type', 'The kind of encounter'),
    token('class', 'Encounter.class', 'The class of encounter'),
    reference('location', 'Encounter.location.location', 'Location', 'Where the encounter took place'),
    token('discharge-disposition', 'Encounter.hospitalization.dischargeDisposition', 'Discharge disposition'),
  ),
  Observation: clinical(
    'Observation',
    code('Observation.code'),
    date('Observation.effective', 'Clinically relevant time or period of the observation'),
    token('category', 'Observation.category', 'The category'),
  ),
  Condition: clinical(
    'Condition',
    code('Condition.code'),
    date('Condition.onset', 'carechain: onset date or period (R4 name: onset-date)'),
    token('category', 'Condition.category', 'The category'),
    token('clinical-status', 'Condition.clinicalStatus', 'The clinical status'),
    param('onset-date', 'date', 'Condition.onset', 'Onset date or period'),
    param('abatement-date', 'date', 'Condition.abatement', 'Abatement date or period'),
    param('recorded-date', 'date', 'Condition.recordedDate', 'When it was first recorded'),
  ),
  AllergyIntolerance: clinical(
    'AllergyIntolerance',
    code('AllergyIntolerance.code | AllergyIntolerance.reaction.substance'),
    date('AllergyIntolerance.recordedDate', 'Date first version of the record was created'),
    token('clinical-status', 'AllergyIntolerance.clinicalStatus', 'The clinical status'),
  ),
  MedicationRequest: clinical(
    'MedicationRequest',
    code('MedicationRequest.medication.ofType(CodeableConcept)'),
    date('MedicationRequest.authoredOn', 'carechain: when the request was written (R4 name: authoredon)'),
    token('intent', 'MedicationRequest.intent', 'The intent'),
    reference('encounter', 'MedicationRequest.encounter', 'Encounter', 'The encounter'),
    param('authoredon', 'date', 'MedicationRequest.authoredOn', 'When the request was written'),
  ),
  MedicationStatement: clinical(
    'MedicationStatement',
    code('MedicationStatement.medication.ofType(CodeableConcept)'),
    date('MedicationStatement.effective', 'carechain: when the medication was taken (R4 name: effective)'),
  ),
  MedicationDispense: clinical(
    'MedicationDispense',
    code('MedicationDispense.medication.ofType(CodeableConcept)'),
    token('type', 'MedicationDispense.type', 'The kind of dispense'),
    date('MedicationDispense.whenHandedOver', 'carechain: when it was handed over (R4: whenhandedover)'),
  ),
  MedicationAdministration: clinical(
    'MedicationAdministration',
    code('MedicationAdministration.medication.ofType(CodeableConcept)'),
    param('effective-time', 'date', 'MedicationAdministration.effective', 'When it was administered'),
  ),
  Immunization: clinical('Immunization', date('Immunization.occurrence', 'Vaccination administration date')),
  Procedure: clinical(
    'Procedure',
    code('Procedure.code'),
    date('Procedure.performed', 'When the procedure was performed'),
  ),
  DiagnosticReport: clinical(
    'DiagnosticReport',
    code('DiagnosticReport.code'),
    date('DiagnosticReport.effective', 'The clinically relevant time of the report'),
    token('category', 'DiagnosticReport.category', 'The category'),
  ),
  DocumentReference: clinical(
    'DocumentReference',
    date('DocumentReference.date', 'When this document reference was created'),
    token('category', 'DocumentReference.category', 'The category'),
    token('type', 'DocumentReference.type', 'The kind of document'),
    param('period', 'date', 'DocumentReference.context.period', 'The period the document covers'),
  ),
  CarePlan: clinical(
    'CarePlan',
    date('CarePlan.period', 'Time period the plan covers'),
    token('category', 'CarePlan.category', 'The category'),
  ),
  CareTeam: clinical(
    'CareTeam',
    token('category', 'CareTeam.category', 'The category'),
    token('role', 'CareTeam.participant.role', 'A participant role'),
    date('CareTeam.period', 'Time period the team covers'),
  ),
  Goal: clinical(
    'Goal',
    token('lifecycle-status', 'Goal.lifecycleStatus', 'The lifecycle status'),
    param('target-date', 'date', 'Goal.target.due.ofType(date)', 'When the target is due'),
    token('description', 'Goal.description', 'The goal'),
  ),
  // Coverage, Claim, ClaimResponse and ExplanationOfBenefit (issue 17): every R4 registry parameter
  // (coverage.html#search, claim.html#search, claimresponse.html#search, explanationofbenefit.html#search)
  // that resolves to a token, date, reference or string.
  Coverage: clinical(
    'Coverage',
    reference('beneficiary', 'Coverage.beneficiary', 'Patient', 'The beneficiary'),
    reference('payor', 'Coverage.payor', undefined, 'The payor'),
    reference('subscriber', 'Coverage.subscriber', undefined, 'The subscriber'),
    reference('policy-holder', 'Coverage.policyHolder', undefined, 'Who holds the policy'),
    token('type', 'Coverage.type', 'The kind of coverage'),
    token('class-type', 'Coverage.class.type', 'The kind of a coverage class (group, plan…)'),
    param('class-value', 'string', 'Coverage.class.value', 'The value of a coverage class'),
    param('dependent', 'string', 'Coverage.dependent', 'The dependent number'),
  ),
  QuestionnaireResponse: clinical(
    'QuestionnaireResponse',
    param('authored', 'date', 'QuestionnaireResponse.authored', 'When it was authored'),
    token('questionnaire', 'QuestionnaireResponse.questionnaire', 'The questionnaire answered'),
  ),
  RelatedPerson: clinical(
    'RelatedPerson',
    ...humanName('RelatedPerson').slice(0, 1),
    token('relationship', 'RelatedPerson.relationship', 'The relationship'),
  ),
  ServiceRequest: clinical(
    'ServiceRequest',
    code('ServiceRequest.code'),
    token('category', 'ServiceRequest.category', 'The category'),
    token('intent', 'ServiceRequest.intent', 'The intent'),
    param('authored', 'date', 'ServiceRequest.authoredOn', 'When it was written'),
  ),
  Specimen: clinical('Specimen', token('type', 'Specimen.type', 'The kind of specimen')),
  Media: clinical(
    'Media',
    token('type', 'Media.type', 'The kind of media'),
    date('Media.created', 'When it was taken'),
  ),
  Task: clinical('Task', code('Task.code'), token('intent', 'Task.intent', 'The intent')),
  NutritionOrder: clinical(
    'NutritionOrder',
    param('datetime', 'date', 'NutritionOrder.dateTime', 'When ordered'),
  ),
  VisionPrescription: clinical(
    'VisionPrescription',
    param('datewritten', 'date', 'VisionPrescription.dateWritten', 'When written'),
  ),
  CommunicationRequest: clinical(
    'CommunicationRequest',
    token('category', 'CommunicationRequest.category', 'The category'),
  ),
  DeviceRequest: clinical(
    'DeviceRequest',
    code('DeviceRequest.code.ofType(CodeableConcept)'),
    token('intent', 'DeviceRequest.intent', 'The intent'),
  ),
  ImagingStudy: clinical('ImagingStudy', param('started', 'date', 'ImagingStudy.started', 'When it started')),
  Claim: clinical(
    'Claim',
    date('Claim.created', 'carechain: the creation date (R4 name: created)'),
    ...claimLike('Claim'),
    token('use', 'Claim.use', 'claim, preauthorization or predetermination'),
    token('priority', 'Claim.priority', 'The requested processing priority'),
  ),
  ClaimResponse: clinical(
    'ClaimResponse',
    date('ClaimResponse.created', 'carechain: the creation date (R4 name: created)'),
    param('created', 'date', 'ClaimResponse.created', 'The creation date'),
    reference('insurer', 'ClaimResponse.insurer', 'Organization', 'The insurer that answered'),
    reference('requestor', 'ClaimResponse.requestor', undefined, 'Who sent the claim'),
    reference('request', 'ClaimResponse.request', 'Claim', 'The claim answered'),
    token('outcome', 'ClaimResponse.outcome', 'queued, complete, error or partial'),
    token('use', 'ClaimResponse.use', 'claim, preauthorization or predetermination'),
    param('disposition', 'string', 'ClaimResponse.disposition', 'The disposition message'),
    param('payment-date', 'date', 'ClaimResponse.payment.date', 'When the payment is expected'),
  ),
  ExplanationOfBenefit: clinical(
    'ExplanationOfBenefit',
    date('ExplanationOfBenefit.created', 'carechain: the creation date (R4 name: created)'),
    ...claimLike('ExplanationOfBenefit'),
    reference('claim', 'ExplanationOfBenefit.claim', 'Claim', 'The claim adjudicated'),
    reference('coverage', 'ExplanationOfBenefit.insurance.coverage', 'Coverage', 'The coverage used'),
    param('disposition', 'string', 'ExplanationOfBenefit.disposition', 'The disposition message'),
  ),
  Consent: clinical('Consent', date('Consent.dateTime', 'When the consent was agreed to')),
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

/** The institution's own resources (no patient): served from the directory (records/writes.ts). */
const DIRECTORY_TYPES: readonly string[] = [
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'HealthcareService',
  'Endpoint',
  'Medication',
];

/**
 * Resource types served with read, vread, create, update, history and search: Patient, every other
 * type of the R4 Patient compartment (compartmentdefinition-patient.html) and the directory types.
 */
export const SERVED_RESOURCE_TYPES: readonly string[] = [
  'Patient',
  ...DIRECTORY_TYPES,
  ...PATIENT_LINKED_TYPES.filter((t) => t !== 'Person'),
];

/**
 * Resources about the institution rather than a patient, and a Device assigned to no patient. They carry
 * no patient link, so they cannot be consented per patient; they are served to any authenticated caller
 * whose scopes allow the type.
 */
export const DIRECTORY_RESOURCE_TYPES: ReadonlySet<string> = new Set([...DIRECTORY_TYPES, 'Device']);

const BY_TYPE: Readonly<Record<string, readonly SearchParamDef[]>> = Object.fromEntries(
  SERVED_RESOURCE_TYPES.map((type) => [type, Object.hasOwn(US_CORE, type) ? US_CORE[type]! : clinical(type)]),
);

/**
 * The search parameters of a resource type: the common ones plus the type's own. Types that are stored
 * but not served (the rest of what Synthea emits) get the common ones only.
 */
export function searchParamsFor(resourceType: string): readonly SearchParamDef[] {
  const own = Object.hasOwn(BY_TYPE, resourceType) ? (BY_TYPE[resourceType] ?? []) : [];
  return [...COMMON_SEARCH_PARAMS, ...own];
}
