// Claims test helpers shared by the multi-process and browser tests (issue 17).
import assert from 'node:assert/strict';
import { DEMO_RULE_TABLE } from '../../src/app/claims/index.ts';
import { pasBundles, type Json } from '../../src/services/fhir/fhir-testdata.ts';
import { chalmersPatient, heartRateObservation } from './fhir-client.ts';
import { fhirKeys, injectJson, patientPseudonymOfTest, type FhirTestNode } from './fhir-node.ts';

/** The shared PAS request, its payer named as the member insurer, under a trace number of its own. */
export function pasRequestFor(payer: string, trace: string): Json {
  const bundle = structuredClone(
    pasBundles().find((b) => b.file === 'conformant_pas_bundle_v110.json')!.json,
  );
  bundle.entry[0].resource.identifier[0].value = trace;
  const insurer = bundle.entry.find((e: Json) => e.resource.id === 'InsurerExample').resource;
  insurer.identifier.push({ system: 'urn:carechain:organisation', value: payer });
  return bundle;
}

/**
 * On a FHIR test node with an insurer: the test patient's Patient and a heart-rate Observation written by
 * the hospital's doctor (the documentation a claim cites), and the insurer's demo rule table published.
 * Returns the Observation's id (its record id on chain).
 */
export async function documentedVisit(t: FhirTestNode): Promise<string> {
  const fhir = (type: string, body: unknown) =>
    injectJson(t.app, { method: 'POST', url: `/fhir/R4/${type}`, token: t.tokens.doctor, body });
  const patient = await fhir('Patient', chalmersPatient(patientPseudonymOfTest));
  assert.equal(patient.status, 201, JSON.stringify(patient.body));
  const observation = await fhir('Observation', heartRateObservation(patient.body.id));
  assert.equal(observation.status, 201, JSON.stringify(observation.body));
  await t.submit(fhirKeys.insurerNode, 'claims.publishRules', { table: DEMO_RULE_TABLE });
  return observation.body.id as string;
}
