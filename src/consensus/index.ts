// The consensus engine's public surface for the node driver and the simulator.
export { ConsensusEngine } from './engine.ts';
export {
  checkConflictingCommit,
  duplicateProposalEvidence,
  duplicateVoteEvidence,
  evidenceHeight,
  evidenceOffender,
  verifyEvidence,
} from './evidence.ts';
export type { DuplicateProposalEvidence, DuplicateVoteEvidence, Evidence, ForkProof } from './evidence.ts';
export { isProposalShape, signProposal, verifyProposalSignature } from './proposal.ts';
export type { Proposal, ProposalBody } from './proposal.ts';
export { genesisSchedule, nextHeightSchedule, proposerOf, proposersForRounds } from './proposer.ts';
export type { ProposerSchedule } from './proposer.ts';
export { isVoteShape } from './intake.ts';
export { DEFAULT_TIMEOUTS, timeoutDurationMs } from './timeouts.ts';
export type { TimeoutOptions } from './timeouts.ts';
export type {
  ConsensusMessage,
  ConsensusRecord,
  ConsensusValue,
  EngineOptions,
  Input,
  Output,
  Step,
  Verifier,
} from './types.ts';
