// Claims test helpers shared by the multi-process and browser tests (issue 17).
import { pasBundles, type Json } from '../../src/services/fhir/fhir-testdata.ts';

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
