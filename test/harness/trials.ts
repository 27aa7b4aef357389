// The trials tests' shared set-up (issue 16): the PALLAS study NCT02513394 as ClinicalTrials.gov v2 JSON
// (read in place from the shared test data) and a listening node whose organisation sponsors the trial.
import { readFileSync } from 'node:fs';
import { startFhirTestNode, type FhirTestNode } from './fhir-node.ts';
import { sharedTestdata } from './files.ts';

export const PALLAS_STUDY_FILE = sharedTestdata('trials', 'NCT02513394.json');

/** A fresh parse each call, so a test may edit its copy; the tests walk the study JSON freely. */
export const pallasStudy = (): any => JSON.parse(readFileSync(PALLAS_STUDY_FILE, 'utf8'));

/** A listening FHIR test node whose hospital is a research sponsor: its staff may register trials. */
export function startSponsorNode(chainId: string): Promise<FhirTestNode> {
  return startFhirTestNode({ chainId, listen: true, hospitalType: 'research-sponsor' });
}
