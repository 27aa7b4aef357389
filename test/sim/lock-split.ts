// A targeted adversary for the locking rule (Tendermint paper, "locking"): the network, not a validator,
// arranges round 0 of one height so that some validators lock on a block A that only one validator, D,
// decides, and the next round's proposer P1 proposes another block B. Every validator stays honest:
//   - P1 never gets round 0's proposal, so it prevotes nil and cannot lock on A or take it as its valid
//     value; everyone else sees A's polka, locks on A and precommits it;
//   - D gets every round-0 precommit and decides A; every other node gets P1's nil precommit and just
//     too few of the others' to decide (its own included), so its precommit timeout takes it to round 1;
//   - once D has decided, nothing it sends gets through (no status, votes or block-sync answers).
// In round 1 P1 proposes B with no proof of lock. Locked validators must prevote nil (and later
// re-propose A with its proof, so all decide A); an engine that ignores its lock prevotes B, and B is
// committed beside D's A: a fork the safety checks report. The filter lifts when the faults heal.
import { proposerOf } from '../../src/consensus/index.ts';
import { findValidator, hasQuorum, type ValidatorSet } from '../../src/core/validators.ts';
import { scheduleAtHeight } from '../../src/node/consensus/driver.ts';
import type { WireMessage } from '../../src/node/consensus/wire.ts';
import type { Ledger } from '../../src/node/ledger.ts';
import type { Packet } from './node.ts';

export interface LockSplit {
  readonly height: number;
  /** Node ids (validator i is node i). */
  readonly p1: number;
  readonly d: number;
  /** For each node other than D: the validators whose round-0 precommits reach it. */
  readonly precommitsFrom: ReadonlyMap<number, ReadonlySet<number>>;
  readonly validatorKeys: readonly string[];
}

/**
 * Plans the split (validator i is node i, with key validatorKeys[i]) at the first height from
 * `fromHeight` (up to 4 more) where it can work: round 0's and round 1's proposers differ, P1 holds less
 * than 1/3 of the power (so the others' polka and D's decision are quorums), some D other than both
 * proposers does too (so all but D can commit B), and every other validator can be shown precommits
 * for A short of a quorum that, with P1's nil, make one (the precommit timeout's 2f+1 "any").
 */
export function planLockSplit(
  ledger: Ledger,
  set: ValidatorSet,
  validatorKeys: readonly string[],
  nodeCount: number,
  fromHeight: number,
): LockSplit | undefined {
  const ids = validatorKeys.map((_, i) => i);
  const power = (i: number) => findValidator(set, validatorKeys[i]!)?.power ?? 0;
  const underThird = (i: number) => 3 * power(i) < set.totalPower;
  for (let height = fromHeight; height < fromHeight + 5; height++) {
    const schedule = scheduleAtHeight(ledger, height);
    const p0 = validatorKeys.indexOf(proposerOf(schedule, 0));
    const p1 = validatorKeys.indexOf(proposerOf(schedule, 1));
    if (p0 === p1 || !underThird(p1)) continue;
    for (const d of ids.filter((i) => i !== p0 && i !== p1 && underThird(i))) {
      const precommitsFrom = new Map<number, Set<number>>();
      let feasible = true;
      for (let node = 0; node < nodeCount; node++) {
        if (node === d) continue;
        const own = node !== p1 ? power(node) : 0; // followers (ids past the validators) have none
        const others = ids.filter((i) => i !== p1 && i !== node);
        const senders = windowSubset(others, power, (forA) => {
          const total = own + forA;
          return !hasQuorum(set, total) && hasQuorum(set, total + power(p1));
        });
        // A validator that cannot be split this way would decide A or stay in round 0: try another D.
        if (senders === undefined && node < validatorKeys.length) feasible = false;
        precommitsFrom.set(node, new Set([p1, ...(senders ?? [])]));
      }
      if (feasible) return { height, p1, d, precommitsFrom, validatorKeys };
    }
  }
  return undefined;
}

/** The first subset of ids (in binary counting order) whose power passes `fits`, if any. */
function windowSubset(
  ids: readonly number[],
  power: (i: number) => number,
  fits: (sum: number) => boolean,
): number[] | undefined {
  for (let mask = 0; mask < 1 << ids.length; mask++) {
    const subset = ids.filter((_, bit) => (mask & (1 << bit)) !== 0);
    if (fits(subset.reduce((sum, i) => sum + power(i), 0))) return subset;
  }
  return undefined;
}

/** The network filter for a planned split: true drops the packet. `decided` says D has decided A. */
export function lockSplitFilter(
  split: LockSplit,
  decided: () => boolean,
): (from: number, to: number, packet: Packet) => boolean {
  return (from, to, packet) => {
    if (from === split.d && decided()) return true;
    if (packet.kind !== 'gossip') return false;
    const m = packet.message as WireMessage;
    if (m.t === 'proposal') {
      return to === split.p1 && m.proposal.height === split.height && m.proposal.round === 0;
    }
    if (m.t !== 'vote' || m.vote.height !== split.height || m.vote.round !== 0) return false;
    if (m.vote.type !== 'precommit' || to === split.d) return false;
    // Judged by the signer, not the link, so a vote relayed by another node is held back as well.
    const signer = split.validatorKeys.indexOf(m.vote.validator);
    return !(split.precommitsFrom.get(to)?.has(signer) ?? false);
  };
}
