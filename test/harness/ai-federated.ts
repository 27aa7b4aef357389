// Data for the federated-training test (issue 20): each custodian holds some Synthea patients from the
// shared test data (they have BMI, no glucose, no diabetes) and a seeded set of synthetic adults whose
// glucose and BMI run higher with type 2 diabetes, at a prevalence that differs by site (so one site
// alone sees a skewed sample). A held-back set from the same generator never reaches any node: the test
// scores the federated, central and single-site models on it.
import { seededUniform } from '../../src/app/ai/test-fixtures.ts';
import { syntheaBundles } from '../../src/services/fhir/fhir-testdata.ts';
import { PATIENT_PSEUDONYM_SYSTEM } from '../../src/services/records/gateway.ts';

type Json = Record<string, any>;

export interface SyntheticPatient {
  readonly glucose: number;
  readonly bmi: number;
  readonly diabetic: boolean;
}

/** `count` adults with diabetes at `prevalence`; Box–Muller normals, rounded as a lab reports them. */
export function syntheticPatients(seed: number, count: number, prevalence: number): SyntheticPatient[] {
  const random = seededUniform(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, () => {
    const diabetic = random() < prevalence;
    return {
      glucose: Math.round(diabetic ? 150 + 30 * normal() : 98 + 14 * normal()),
      bmi: Math.round((diabetic ? 32 + 4.5 * normal() : 26 + 4 * normal()) * 10) / 10,
      diabetic,
    };
  });
}

const observation = (patientRef: string, code: string, value: number, unit: string): Json => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
  subject: { reference: patientRef },
  effectiveDateTime: '2026-10-01T09:00:00Z',
  valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
});

/** A synthetic patient's resources: Patient, glucose, BMI and, if diabetic, the Condition. */
export function syntheticResources(p: SyntheticPatient, pseudonym: string, ref: string): Json[] {
  return [
    {
      resourceType: 'Patient',
      identifier: [{ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym }],
      gender: 'unknown',
    },
    observation(ref, '2339-0', p.glucose, 'mg/dL'),
    observation(ref, '39156-5', p.bmi, 'kg/m2'),
    ...(p.diabetic
      ? [
          {
            resourceType: 'Condition',
            subject: { reference: ref },
            code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
          },
        ]
      : []),
  ];
}

/** One transaction Bundle of a patient's resources, the Patient referred to by its fullUrl. */
export function syntheticBundle(p: SyntheticPatient, pseudonym: string, index: number): Json {
  const ref = `urn:uuid:00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
  const resources = syntheticResources(p, pseudonym, ref);
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: resources.map((resource, i) => ({
      ...(i === 0 ? { fullUrl: ref } : {}),
      resource,
      request: { method: 'POST', url: resource.resourceType },
    })),
  };
}

/** The Synthea patient files of the shared test data (not the hospital and practitioner files). */
export function syntheaPatientFiles(): string[] {
  return syntheaBundles()
    .map((b) => b.file)
    .filter((f) => !f.startsWith('hospital') && !f.startsWith('practitioner'))
    .sort();
}

/** A Synthea patient's bundle naming `pseudonym` as the chain's patient. */
export function syntheaBundle(file: string, pseudonym: string): Json {
  const bundle: Json = structuredClone(syntheaBundles().find((b) => b.file === file)!.json);
  const patient = bundle.entry.find((e: Json) => e.resource.resourceType === 'Patient');
  patient.resource.identifier.push({ system: PATIENT_PSEUDONYM_SYSTEM, value: pseudonym });
  return bundle;
}

/** The resources of a bundle by type, as a custodian holds them: what a training row is made of. */
export function heldResources(bundle: Json): { observations: Json[]; conditions: Json[] } {
  const of = (type: string) =>
    bundle.entry.map((e: Json) => e.resource).filter((r: Json) => r.resourceType === type);
  return { observations: of('Observation'), conditions: of('Condition') };
}
