// The consensus engine's public surface for the node driver and the simulator.
//
// Driver contract (test/sim/node.ts is a complete, small driver):
// - Create `new ConsensusEngine({ chainId, seed, timeouts, record })` with the last persisted record
//   (none on first start; no seed on a non-validator), then send `start` for (last committed height + 1)
//   with that height's ProposerSchedule (genesisSchedule, then nextHeightSchedule per height).
// - Feed every verified-shape proposal and vote from peers, every timeout it asked for, and the answers
//   to requestValue (valueReady) and validateValue (valueValidated). Hash blocks yourself: never trust a
//   hash from the wire. Every input carries the current time.
// - Execute outputs in order. `persist` must be durable before the next output runs. On `decide`, store
//   the block with its commit and apply it atomically, then send `start` for the next height.
// - Re-send gossipMessages() periodically, send messagesForRound(h, r) to a peer that reports being at
//   an earlier round of our height, and block-sync a peer that is at a later height.
export { ConsensusEngine } from './engine.ts';
export {
  checkConflictingCommit,
  duplicateProposalEvidence,
  duplicateVoteEvidence,
  evidenceHeight,
  evidenceOffender,
  verifyEvidence,
} from '../core/evidence.ts';
export type {
  DuplicateProposalEvidence,
  DuplicateVoteEvidence,
  Evidence,
  ForkProof,
} from '../core/evidence.ts';
export { isProposalShape, signProposal, verifyProposalSignature } from '../core/proposal.ts';
export type { Proposal, ProposalBody } from '../core/proposal.ts';
export { genesisSchedule, nextHeightSchedule, proposerOf, proposersForRounds } from './proposer.ts';
export type { ProposerSchedule } from './proposer.ts';
export { isVoteShape } from './intake.ts';
export { DEFAULT_TIMEOUTS, timeoutDurationMs } from './timeouts.ts';
export type {
  ConsensusMessage,
  ConsensusRecord,
  ConsensusValue,
  EngineOptions,
  Input,
  Output,
  Step,
  TimeoutOptions,
  Verifier,
} from './types.ts';
