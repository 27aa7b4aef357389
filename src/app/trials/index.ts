// The clinical-trials module (issue 16), first slice: pure registration shapes, the ClinicalTrials.gov v2
// mapping, salted document commitments, the per-outcome Merkle tree and the COMPare outcome check. No tx
// types are registered yet (see docs/ARCHITECTURE.md for what is left).
export * from './types.ts';
export { COMMITMENT_SALT_BYTES, commitDocument, opensCommitment } from './commitment.ts';
export { ARMS_MAX, OUTCOMES_MAX, registrationFromCtGov, type DocumentCommitments } from './ctgov.ts';
export { outcomeLeaf, outcomeProof, outcomesRoot, verifyOutcomeProof } from './outcome-tree.ts';
export {
  compareOutcomes,
  normaliseOutcomeText,
  type OutcomeChange,
  type OutcomeComparison,
  type OutcomeVerdict,
  type OutcomeVerdictEntry,
} from './compare.ts';
