// Runs one seeded simulation: builds the network for a scenario, injects its faults for the fault phase,
// heals everything, runs until every honest node has moved on (or a deadline derived from the timeouts
// passes), then checks safety and liveness. Same seed, same run: all randomness comes from the seed.
import { toHex, utf8 } from '../../src/core/bytes.ts';
import { publicKeyFromSeed, sha256 } from '../../src/core/crypto/index.ts';
import { makeValidatorSet } from '../../src/core/validators.ts';
import {
  genesisSchedule,
  nextHeightSchedule,
  type ForkProof,
  type ProposerSchedule,
} from '../../src/consensus/index.ts';
import { isValidTx, txId } from './app.ts';
import { behaviour } from './byzantine.ts';
import { checkLiveness, checkSafety, findForks, type SafetyInput } from './checks.ts';
import { CALM_LINKS, EventQueue, Network } from './network.ts';
import { SimNode, type SimContext, type SimParams, type Wire } from './node.ts';
import { Rng } from './prng.ts';
import { Recorder } from './recorder.ts';
import { scenarioFor, type Scenario } from './scenarios.ts';
import { CachedVerifier } from './verifier.ts';
import { scheduleFaults } from './faults.ts';

export const CHAIN_ID = 'sim-chain';

export interface SimReport {
  readonly seed: number;
  readonly scenario: Scenario;
  readonly violations: string[];
  readonly forks: ForkProof[];
  readonly byzantineKeys: ReadonlySet<string>;
  readonly stats: { heights: number; virtualMs: number; messages: number; evidence: number; boundMs: number };
  /** The run's nodes and observations, for tests that corrupt them to prove the checks can fail. */
  readonly world: {
    readonly nodes: readonly SimNode[];
    readonly recorder: Recorder;
    readonly safety: SafetyInput;
  };
}

/** Validator i's private seed and key in every run (fixed, so the signature cache is shared across seeds). */
export const SEEDS = Array.from({ length: 10 }, (_, i) => sha256(utf8(`sim-validator-${i}`)));
export const KEYS = SEEDS.map((s) => toHex(publicKeyFromSeed(s)));
const verifier = new CachedVerifier();

export function runSim(seed: number, scenario: Scenario = scenarioFor(seed)): SimReport {
  const rng = new Rng(seed);
  const queue = new EventQueue();
  const recorder = new Recorder(() => queue.nowMs);
  const n = scenario.powers.length;
  const set = makeValidatorSet(
    scenario.powers.map((power, i) => ({ publicKey: KEYS[i]!, power, name: `v${i}` })),
  );
  const schedules: ProposerSchedule[] = [genesisSchedule(set)];
  const params: SimParams = {
    blockIntervalMs: 200,
    gossipIntervalMs: 250,
    syncIntervalMs: 500,
    syncBatchMax: 20,
    mempoolMax: 300,
    timeouts: scenario.timeouts,
  };
  const nodes: SimNode[] = [];
  const network = new Network<Wire>(queue, rng.fork(), (from, to, wire) => nodes[to]!.receive(from, wire));
  const ctx: SimContext = {
    chainId: CHAIN_ID,
    set,
    queue,
    network,
    rng: rng.fork(),
    verifier,
    params,
    recorder,
    nodeIds: () => nodes.map((node) => node.id),
    scheduleAt(height) {
      while (schedules.length < height) schedules.push(nextHeightSchedule(schedules[schedules.length - 1]!));
      return schedules[height - 1]!;
    },
    unsafe: scenario.unsafe,
  };

  const byzantineKeys = new Set<string>();
  const expectEvidenceAgainst: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = scenario.byzantine.get(i);
    if (kind !== undefined) byzantineKeys.add(KEYS[i]!);
    // A double-voter sends both votes to everyone half the time, and the network is calm after healing:
    // honest nodes must catch it (a twin may never vote differently, so it is not required).
    if (kind === 'double-vote') expectEvidenceAgainst.push(KEYS[i]!);
    const b = kind === undefined || kind === 'twin' ? null : behaviour(kind);
    nodes.push(new SimNode(ctx, i, SEEDS[i], KEYS[i]!, kind === undefined, b));
  }
  for (const [i, kind] of scenario.byzantine) {
    if (kind === 'twin') nodes.push(new SimNode(ctx, nodes.length, SEEDS[i], KEYS[i]!, false, null));
  }
  const healMs = scenario.faultPhaseMs;

  // Clients: submit txs (some invalid) until healing; keep re-submitting valid ones until included.
  const submittedValid = new Set<string>();
  const clientRng = rng.fork();
  let txCount = 0;
  const upNodes = () => nodes.filter((node) => node.up);
  const submit = (tx: string) => {
    const up = upNodes();
    if (up.length > 0) clientRng.pick(up).submitTx(tx, true);
  };
  const clientTick = () => {
    if (queue.nowMs >= healMs) return;
    const tx = txId(txCount % 3, txCount, clientRng.chance(0.9));
    txCount++;
    if (isValidTx(tx)) submittedValid.add(tx);
    submit(tx);
    queue.after(scenario.txIntervalMs, clientTick);
  };
  const resubmitTick = () => {
    const honestUp = upNodes().filter((node) => node.honest);
    const probe = honestUp.length > 0 ? clientRng.pick(honestUp) : undefined;
    for (const tx of submittedValid) if (probe !== undefined && !probe.app.applied.has(tx)) submit(tx);
    queue.after(700, resubmitTick);
  };
  queue.after(10, clientTick);
  queue.after(700, resubmitTick);

  for (const node of nodes) queue.after(rng.int(30), () => node.boot());
  network.faults = scenario.links;
  if (scenario.kind === 'fork-attack') {
    // Honest 0 with byzantine 2 and 3; honest 1 with their twins (4 and 5).
    network.partition([
      [0, 2, 3],
      [1, 4, 5],
    ]);
  }
  scheduleFaults(scenario, rng.fork(), queue, network, nodes, healMs);

  // Heal at the end of the fault phase, then measure liveness against a bound from the timeouts.
  let heightAtHeal = 0;
  let targetHeight = Infinity;
  let boundMs = 0;
  let deadlineMs = Infinity;
  let finished = false;
  const honest = nodes.filter((node) => node.honest);
  queue.at(healMs, () => {
    network.heal();
    network.faults = CALM_LINKS;
    for (const node of nodes) {
      node.crashAfterPersist = false;
      if (!node.up) node.boot();
    }
    heightAtHeal = Math.max(0, ...honest.map((node) => node.app.height));
    targetHeight = heightAtHeal + scenario.extraHeights;
    const round = Math.max(0, ...honest.map((node) => node.engine.round));
    boundMs = livenessBoundMs(scenario, params, round, n);
    deadlineMs = healMs + boundMs * (scenario.extraHeights + 2);
    const doneTick = () => {
      finished = honest.every(
        (node) =>
          node.app.height >= targetHeight && [...submittedValid].every((tx) => node.app.applied.has(tx)),
      );
      if (!finished) queue.after(50, doneTick);
    };
    queue.after(50, doneTick);
  });

  const violations: string[] = [];
  let events = 0;
  while (!finished && queue.nowMs <= deadlineMs) {
    if (!queue.step()) break;
    if (++events > 3_000_000) {
      violations.push('liveness: event budget exhausted');
      break;
    }
  }
  const endMs = queue.nowMs;
  const safetyInput: SafetyInput = {
    chainId: CHAIN_ID,
    set,
    nodes,
    recorder,
    byzantineKeys,
    expectEvidenceAgainst,
  };
  violations.push(...checkSafety(safetyInput));
  if (scenario.kind !== 'fork-attack') {
    violations.push(
      ...checkLiveness({
        nodes,
        recorder,
        healMs,
        heightAtHeal,
        boundMs,
        endMs,
        targetHeight,
        submittedValid,
        mempoolMax: params.mempoolMax,
        queueSizeMax: queue.sizeMax,
        queueSizeLimit: 100_000,
      }),
    );
  }
  const forks = [...findForks(safetyInput), ...recorder.forks.map((f) => f.proof)];
  const stats = {
    heights: Math.max(0, ...honest.map((node) => node.app.height)),
    virtualMs: endMs,
    messages: network.sent,
    evidence: recorder.evidenceLog.length,
    boundMs,
  };
  return {
    seed,
    scenario,
    violations,
    forks,
    byzantineKeys,
    stats,
    world: { nodes, recorder, safety: safetyInput },
  };
}

/**
 * How long an honest node may go without a commit once faults heal: a sync round trip and the block
 * interval, plus n + 2 full rounds starting from the highest round reached, each its three timeouts and
 * four message delays. Proposer rotation gives an honest proposer within n rounds, and timeouts
 * growing with the round outlast any message delay.
 */
export function livenessBoundMs(scenario: Scenario, params: SimParams, round: number, n: number): number {
  const t = scenario.timeouts;
  let ms = params.syncIntervalMs + params.blockIntervalMs + params.gossipIntervalMs;
  for (let r = round; r <= round + n + 1; r++) {
    ms += t.timeoutProposeMs + t.timeoutPrevoteMs + t.timeoutPrecommitMs;
    ms += r * (t.timeoutProposeDeltaMs + t.timeoutPrevoteDeltaMs + t.timeoutPrecommitDeltaMs);
    ms += 4 * CALM_LINKS.delayMaxMs;
  }
  return ms;
}
