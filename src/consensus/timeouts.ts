// Round timeouts (Algorithm 1 lines 20, 35, 48): each grows linearly with the round, so that after the
// network stabilises some round's timeouts outlast the message delay and an honest proposer's block is
// decided (the paper's liveness argument, section 4).
import type { Step, TimeoutOptions } from './types.ts';

export const DEFAULT_TIMEOUTS: TimeoutOptions = {
  timeoutProposeMs: 3000,
  timeoutProposeDeltaMs: 500,
  timeoutPrevoteMs: 1000,
  timeoutPrevoteDeltaMs: 500,
  timeoutPrecommitMs: 1000,
  timeoutPrecommitDeltaMs: 500,
};

/** timeout<Step>(round) = base + round * delta, in ms. */
export function timeoutDurationMs(t: TimeoutOptions, step: Step, round: number): number {
  if (step === 'propose') return t.timeoutProposeMs + round * t.timeoutProposeDeltaMs;
  if (step === 'prevote') return t.timeoutPrevoteMs + round * t.timeoutPrevoteDeltaMs;
  return t.timeoutPrecommitMs + round * t.timeoutPrecommitDeltaMs;
}
