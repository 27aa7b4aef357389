// Scenarios: what a seed turns into. The seed picks a kind, the validator count (4 to 10) and powers
// (equal or not), clock skew, whether a non-voting member node follows along, and the faults of the
// fault phase. Byzantine power stays below 1/3 except in the
// deliberate fork attack, where the point is that the fork is detected.
import type { TimeoutOptions } from '../../src/consensus/index.ts';
import { BYZANTINE_KINDS, type ByzantineKind } from './byzantine.ts';
import { churnPlanFor, type ChurnPlan } from './churn-plan.ts';
import { CALM_LINKS, type LinkFaults } from './network.ts';
import { Rng } from './prng.ts';

export type ScenarioKind = 'calm' | 'lossy' | 'partition' | 'crash' | 'byzantine' | 'chaos';

export const SCENARIO_KINDS: readonly ScenarioKind[] = [
  'calm',
  'lossy',
  'partition',
  'crash',
  'byzantine',
  'chaos',
];

export interface Scenario {
  readonly kind: ScenarioKind | 'fork-attack' | 'churn';
  readonly powers: readonly number[];
  /** Validator index -> behaviour; 'twin' runs a second node with the same key. */
  readonly byzantine: ReadonlyMap<number, ByzantineKind | 'twin'>;
  readonly links: LinkFaults;
  readonly partitions: boolean;
  /** Each node's clock is off by up to this much, either way. */
  readonly clockSkewMsMax: number;
  /** Non-voting member nodes, which follow the chain by block sync and consensus messages. */
  readonly followers: number;
  readonly crashes: boolean;
  readonly faultPhaseMs: number;
  /** Heights every honest node must reach past the highest height at healing. */
  readonly extraHeights: number;
  readonly txIntervalMs: number;
  readonly timeouts: TimeoutOptions;
  readonly unsafe?: { ignoreLocks?: boolean; forgetSigned?: boolean };
  /** From this height on, the network splits one height's round 0 around the locking rule (lock-split.ts). */
  readonly lockSplitFrom?: number;
  /** Validator-set changes by vote during the run (churn.ts); genesis then has member organisations. */
  readonly churn?: ChurnPlan;
  /** What the churn seed's faults are drawn like. */
  readonly faults?: ChurnFaults;
}

/** The fault kinds churn runs under (byzantine validators there are the old set, churn.ts). */
export const CHURN_FAULTS = ['calm', 'lossy', 'partition', 'crash', 'chaos'] as const;
export type ChurnFaults = (typeof CHURN_FAULTS)[number];

export const SIM_TIMEOUTS: TimeoutOptions = {
  timeoutProposeMs: 300,
  timeoutProposeDeltaMs: 100,
  timeoutPrevoteMs: 150,
  timeoutPrevoteDeltaMs: 50,
  timeoutPrecommitMs: 150,
  timeoutPrecommitDeltaMs: 50,
};

function powersFor(rng: Rng, n: number): number[] {
  if (rng.chance(0.4)) return Array.from({ length: n }, () => 1);
  return Array.from({ length: n }, () => rng.range(1, 10));
}

/** Picks byzantine validators, in random order, while their power stays strictly below 1/3. */
function pickByzantine(
  rng: Rng,
  powers: readonly number[],
  kinds: readonly (ByzantineKind | 'twin')[],
): Map<number, ByzantineKind | 'twin'> {
  const total = powers.reduce((a, b) => a + b, 0);
  const out = new Map<number, ByzantineKind | 'twin'>();
  let power = 0;
  const want = rng.range(1, Math.max(1, Math.floor((powers.length - 1) / 3)));
  for (const i of rng.shuffle(powers.map((_, i) => i))) {
    if (out.size >= want) break;
    if ((power + powers[i]!) * 3 >= total) continue;
    power += powers[i]!;
    out.set(i, rng.pick(kinds));
  }
  return out;
}

export function scenarioFor(seed: number, only?: ScenarioKind): Scenario {
  const rng = new Rng(seed ^ 0x5ce7a110);
  const kind = only ?? SCENARIO_KINDS[seed % SCENARIO_KINDS.length]!;
  const n = rng.range(4, kind === 'calm' || kind === 'lossy' ? 10 : 7);
  const powers = powersFor(rng, n);
  const lossy: LinkFaults = {
    delayMinMs: 1,
    delayMaxMs: rng.range(20, 120),
    lossRate: rng.range(0, 20) / 100,
    duplicateRate: rng.range(0, 15) / 100,
  };
  const byzKinds: (ByzantineKind | 'twin')[] = [...BYZANTINE_KINDS, 'twin'];
  const faulty = kind === 'byzantine' || kind === 'chaos';
  const scenario: Scenario = {
    kind,
    powers,
    byzantine: faulty ? pickByzantine(rng, powers, byzKinds) : new Map(),
    links: kind === 'calm' || kind === 'crash' ? CALM_LINKS : lossy,
    partitions: kind === 'partition' || kind === 'chaos',
    clockSkewMsMax: rng.chance(0.5) ? rng.range(0, 5000) : 0,
    followers: rng.chance(0.3) ? 1 : 0,
    crashes: kind === 'crash' || kind === 'chaos',
    // Without faults, heights come every few message delays; a shorter phase keeps those seeds cheap.
    faultPhaseMs: kind === 'calm' || kind === 'lossy' ? rng.range(800, 2000) : rng.range(1500, 4000),
    extraHeights: 2,
    txIntervalMs: rng.range(40, 150),
    timeouts: SIM_TIMEOUTS,
  };
  // Half the partition seeds replace random partitions by the lock-split adversary, which decides what
  // is delivered (links still delay and duplicate, but lose nothing). Drawn last, so every other choice
  // a seed makes is the one it made before the adversary existed.
  if (kind === 'partition' && rng.chance(0.5)) {
    const links = { ...scenario.links, lossRate: 0 };
    return { ...scenario, links, partitions: false, lockSplitFrom: rng.range(2, 3) };
  }
  return scenario;
}

/**
 * Past the fault bound: 2 of 4 equal validators are byzantine and each runs a twin, one on each side of
 * a partition between the two honest validators, so each side has 3/4 of the power and decides on its
 * own. The run must report the fork, with the validators that signed both commits.
 */
export function forkAttackScenario(): Scenario {
  return {
    kind: 'fork-attack',
    powers: [1, 1, 1, 1],
    byzantine: new Map<number, 'twin'>([
      [2, 'twin'],
      [3, 'twin'],
    ]),
    links: CALM_LINKS,
    partitions: false,
    clockSkewMsMax: 0,
    followers: 0,
    crashes: false,
    faultPhaseMs: 2000,
    extraHeights: 0,
    txIntervalMs: 50,
    timeouts: SIM_TIMEOUTS,
  };
}

/**
 * A churn seed (issue 15): 4 or 5 validators with equal or random powers, a plan of 2 or 3 changes by
 * vote (churn-plan.ts), and the faults of one kind in turn: none, lossy links, partitions, crashes, or
 * partitions and crashes together on lossy links. The fault phase overlaps the votes; the run goes on
 * after healing until every change is active everywhere.
 */
export function churnScenarioFor(seed: number): Scenario {
  const rng = new Rng(seed ^ 0xc4a1e5);
  const faults = CHURN_FAULTS[seed % CHURN_FAULTS.length]!;
  const powers = powersFor(rng, rng.range(4, 5));
  const lossy: LinkFaults = {
    delayMinMs: 1,
    delayMaxMs: rng.range(20, 80),
    lossRate: rng.range(0, 15) / 100,
    duplicateRate: rng.range(0, 10) / 100,
  };
  return {
    kind: 'churn',
    faults,
    powers,
    byzantine: new Map(),
    links: faults === 'lossy' || faults === 'chaos' ? lossy : CALM_LINKS,
    partitions: faults === 'partition' || faults === 'chaos',
    clockSkewMsMax: rng.chance(0.5) ? rng.range(0, 3000) : 0,
    followers: 0,
    crashes: faults === 'crash' || faults === 'chaos',
    faultPhaseMs: rng.range(1000, 2000),
    extraHeights: 2,
    // Client txs are not what these seeds test: fewer of them keep 200 seeds cheap.
    txIntervalMs: rng.range(150, 400),
    timeouts: SIM_TIMEOUTS,
    churn: churnPlanFor(rng.fork(), powers),
  };
}
