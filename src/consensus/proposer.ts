// Proposer rotation weighted by voting power: Tendermint's proposer-priority algorithm (Tendermint spec,
// "Proposer Selection Procedure"). Each step adds every validator's power to its priority, picks the
// highest (ties to the smaller key) and subtracts the total power from it, so over totalPower steps a
// validator proposes in proportion to its power. Deterministic: every node computes the same schedule.
import { CoreError } from '../core/errors.ts';
import type { ValidatorSet } from '../core/validators.ts';

/**
 * The priorities before round 0 of one height, aligned with `validators.validators` (sorted by key). The
 * driver keeps one per height: `genesisSchedule` for the first, `nextHeightSchedule` for each next.
 */
export interface ProposerSchedule {
  readonly validators: ValidatorSet;
  readonly priorities: readonly number[];
}

/** Tendermint's PriorityWindowSizeFactor: priorities are kept within 2 * totalPower of each other. */
const PRIORITY_WINDOW_FACTOR = 2;

export function genesisSchedule(validators: ValidatorSet): ProposerSchedule {
  return { validators, priorities: validators.validators.map(() => 0) };
}

/**
 * Tendermint's RescalePriorities then shiftByAvgProposerPriority: bounds the spread (so a validator that
 * just joined or was long absent cannot dominate) and centres the priorities on zero.
 */
function normalize(schedule: ProposerSchedule): number[] {
  const total = schedule.validators.totalPower;
  let priorities = [...schedule.priorities];
  const diffMax = PRIORITY_WINDOW_FACTOR * total;
  const diff = Math.max(...priorities) - Math.min(...priorities);
  if (diff > diffMax) {
    const ratio = Math.ceil(diff / diffMax);
    priorities = priorities.map((p) => Math.trunc(p / ratio));
  }
  // The average by floor division in BigInt: the sum of many large priorities may pass 2^53.
  const sum = priorities.reduce((s, p) => s + BigInt(p), 0n);
  const n = BigInt(priorities.length);
  const floorAvg = sum >= 0n ? sum / n : -((-sum + n - 1n) / n);
  const avg = Number(floorAvg);
  return priorities.map((p) => p - avg);
}

/** One selection step on `priorities` in place; returns the index selected. */
function incrementOnce(set: ValidatorSet, priorities: number[]): number {
  let best = 0;
  for (let i = 0; i < priorities.length; i++) {
    priorities[i] = priorities[i]! + set.validators[i]!.power;
    // Validators are sorted by key, so keeping the first maximum breaks ties to the smaller key.
    if (priorities[i]! > priorities[best]!) best = i;
  }
  priorities[best] = priorities[best]! - set.totalPower;
  return best;
}

function checkAligned(schedule: ProposerSchedule): void {
  if (schedule.priorities.length !== schedule.validators.validators.length) {
    throw new CoreError('consensus.schedule_invalid', 'one priority per validator', {
      expected: schedule.validators.validators.length,
      actual: schedule.priorities.length,
    });
  }
}

/** The proposers of rounds 0 .. rounds-1 of a height: proposer(h, r) of Algorithm 1. */
export function proposersForRounds(schedule: ProposerSchedule, rounds: number): string[] {
  checkAligned(schedule);
  const priorities = normalize(schedule);
  const out: string[] = [];
  for (let r = 0; r < rounds; r++) {
    out.push(schedule.validators.validators[incrementOnce(schedule.validators, priorities)]!.publicKey);
  }
  return out;
}

export function proposerOf(schedule: ProposerSchedule, round: number): string {
  return proposersForRounds(schedule, round + 1)[round]!;
}

/** The schedule of the next height: one step on from this one, whichever round decided (as Tendermint). */
export function nextHeightSchedule(schedule: ProposerSchedule): ProposerSchedule {
  checkAligned(schedule);
  const priorities = normalize(schedule);
  incrementOnce(schedule.validators, priorities);
  return { validators: schedule.validators, priorities };
}
