// The clinical-trials module (issue 16): registration before enrolment, amendments as committed
// versions, enrolment and consent per version, verifiable randomisation, lock before unblinding, SAE
// clocks, results and the COMPare outcome-switching verdict. Pure: the service layer parses
// ClinicalTrials.gov or FHIR input into these shapes; the state layout is ./store.ts.
import type { AppModule } from '../module.ts';
import { participantHandlers } from './participants.ts';
import { sponsorHandlers } from './sponsor.ts';

export * from './types.ts';
export {
  COMMITMENT_SALT_BYTES,
  commitDocument,
  opensCommitment,
  type DocumentSaltFile,
} from './commitment.ts';
export { ARMS_MAX, OUTCOMES_MAX, registrationFromCtGov, type DocumentCommitments } from './ctgov.ts';
export { outcomeLeaf, outcomeProof, outcomesRoot, verifyOutcomeProof } from './outcome-tree.ts';
export {
  compareOutcomes,
  measureSimilarity,
  normaliseOutcomeText,
  type MatchedBy,
  type OutcomeChange,
  type OutcomeComparison,
  type OutcomeVerdict,
  type OutcomeVerdictEntry,
} from './compare.ts';
export { outcomeDiff, type OutcomeDiff } from './amendment.ts';
export { registrationToCtGov, resultsFromCtGov } from './ctgov-results.ts';
export {
  registrationFromResearchStudy,
  registrationToResearchStudy,
  REGISTRY_SYSTEMS,
  TRIAL_EXTENSIONS,
} from './fhir.ts';
export { allocatedArm, seedCommitment } from './allocation.ts';
export { dataFlows } from './participants.ts';
export { SAE_DEADLINE_DAYS } from './sponsor.ts';
export * from './queries.ts';
export * from './store.ts';

export const trialsModule: AppModule = {
  name: 'trials',
  handlers: [...sponsorHandlers, ...participantHandlers],
};
