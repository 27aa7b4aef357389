// Runs one seeded simulation: builds the network for a scenario, injects its faults for the fault phase,
// heals everything, runs until every honest node has moved on (or a deadline derived from the timeouts
// passes), then checks safety and liveness. Same seed, same run: all randomness comes from the seed,
// and promise callbacks (block sync is async) settle between events, in an order fixed by the events.
import type { ForkProof } from '../../src/consensus/index.ts';
import { behaviour } from './byzantine.ts';
import { CHAIN_ID, CLIENTS, clientTx, FOLLOWER_KEYS, SPARE_KEYS, VALIDATOR_KEYS } from './chain.ts';
import { ChurnAdmins, checkChurn, oldSetAttack, setSignature } from './churn.ts';
import { checkLiveness, checkSafety, findForks, type SafetyInput } from './checks.ts';
import { CALM_LINKS } from './network.ts';
import { SimNode, type Packet, type SimParams } from './node.ts';
import { Rng } from './prng.ts';
import type { Recorder } from './recorder.ts';
import { scenarioFor, type Scenario } from './scenarios.ts';
import { CachedVerifier } from './verifier.ts';
import { scheduleFaults } from './faults.ts';
import { lockSplitFilter, planLockSplit } from './lock-split.ts';
import { runEvents, simWorld } from './world.ts';

export { CHAIN_ID };

export interface SimReport {
  readonly seed: number;
  readonly scenario: Scenario;
  readonly violations: string[];
  readonly forks: ForkProof[];
  readonly byzantineKeys: ReadonlySet<string>;
  readonly stats: { heights: number; virtualMs: number; messages: number; evidence: number; boundMs: number };
  /** A digest of everything observed, for the replay test: same seed, same trace. */
  readonly trace: string[];
  /** The run's nodes and observations, for tests that corrupt them to prove the checks can fail. */
  readonly world: {
    readonly nodes: readonly SimNode[];
    readonly recorder: Recorder;
    readonly safety: SafetyInput;
  };
}

const verifier = new CachedVerifier();

export interface SimHooks {
  /** Sees every packet sent, before the network's faults. */
  readonly observe?: (from: number, to: number, packet: Packet) => void;
}

export async function runSim(
  seed: number,
  scenario: Scenario = scenarioFor(seed),
  hooks: SimHooks = {},
): Promise<SimReport> {
  const rng = new Rng(seed);
  const n = scenario.powers.length;
  const churn = scenario.churn;
  const world = simWorld(
    rng,
    scenario.powers,
    scenario.timeouts,
    verifier,
    scenario.unsafe,
    churn !== undefined,
  );
  const { queue, recorder, set, network, nodes, ctx } = world;
  const params = ctx.params;
  network.observe = hooks.observe;

  const skewRng = rng.fork();
  const skew = () =>
    scenario.clockSkewMsMax === 0 ? 0 : skewRng.range(-scenario.clockSkewMsMax, scenario.clockSkewMsMax);
  const byzantineKeys = new Set<string>();
  const expectEvidenceAgainst: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = scenario.byzantine.get(i);
    const key = VALIDATOR_KEYS[i]!;
    if (kind !== undefined) byzantineKeys.add(key.publicKey);
    // A double-voter sends both votes to everyone half the time, and the network is calm after healing:
    // honest nodes must catch it (a twin may never vote differently, so it is not required).
    if (kind === 'double-vote') expectEvidenceAgainst.push(key.publicKey);
    if (churn?.oldSet.includes(i) === true) {
      // A genesis validator that churn votes out or rotates away: it attacks once its key is out.
      byzantineKeys.add(key.publicKey);
      nodes.push(new SimNode(ctx, i, key, false, oldSetAttack(), skew()));
      continue;
    }
    const b = kind === undefined || kind === 'twin' ? null : behaviour(kind);
    nodes.push(new SimNode(ctx, i, key, kind === undefined, b, skew()));
  }
  for (const [i, kind] of scenario.byzantine) {
    if (kind === 'twin') nodes.push(new SimNode(ctx, nodes.length, VALIDATOR_KEYS[i]!, false, null, skew()));
  }
  for (let f = 0; f < scenario.followers; f++) {
    nodes.push(new SimNode(ctx, nodes.length, FOLLOWER_KEYS[f]!, true, null, skew()));
  }
  // The node keys churn votes in or rotates to: each node follows from the start and signs once its
  // key is in the set (as a real member's node does, holding its key before the vote).
  for (let s = 0; s < (churn?.spares ?? 0); s++) {
    nodes.push(new SimNode(ctx, nodes.length, SPARE_KEYS[s]!, true, null, skew()));
  }
  const healMs = scenario.faultPhaseMs;

  // Clients: each signs a nonce chain of txs (some copies with a broken signature) and sends them to its
  // home node (another if that one is down) until healing; valid ones are re-sent in order until included.
  const submittedValid = new Map<string, { client: number; nonce: number }>();
  const invalid = new Set<string>();
  const clientRng = rng.fork();
  const nonces = Array.from({ length: CLIENTS }, () => 0);
  const homes = Array.from({ length: CLIENTS }, () => clientRng.int(nodes.length));
  const honest = nodes.filter((node) => node.honest);
  const submit = (client: number, tx: Parameters<SimNode['submitTx']>[0]) => {
    const home = nodes[homes[client]!]!;
    const up = nodes.filter((node) => node.up);
    const target = home.up ? home : up.length > 0 ? clientRng.pick(up) : undefined;
    target?.submitTx(tx);
  };
  // A node never re-gossips its pending txs, so a client whose tx sits at a node that lost its one
  // gossip (or never proposes: a member node, a faulty validator) must try another node: each retry
  // sends every pending tx, in nonce order, to one node picked at random.
  const retry = (txs: readonly { client: number; nonce: number }[]) => {
    const up = nodes.filter((node) => node.up);
    if (up.length === 0) return;
    const target = clientRng.pick(up);
    for (const { client, nonce } of txs) target.submitTx(clientTx(client, nonce, true).tx);
  };
  const clientTick = () => {
    if (queue.nowMs >= healMs) return;
    const client = clientRng.int(CLIENTS);
    if (clientRng.chance(0.1)) {
      const bad = clientTx(client, nonces[client]! + 1, false);
      invalid.add(bad.hash);
      submit(client, bad.tx);
    } else {
      const nonce = ++nonces[client]!;
      const good = clientTx(client, nonce, true);
      submittedValid.set(good.hash, { client, nonce });
      submit(client, good.tx);
    }
    queue.after(scenario.txIntervalMs, clientTick);
  };
  const resubmitTick = () => {
    const honestUp = honest.filter((node) => node.up);
    const probe = honestUp.length > 0 ? clientRng.pick(honestUp) : undefined;
    if (probe !== undefined)
      retry([...submittedValid].filter(([hash]) => !probe.applied.has(hash)).map(([, t]) => t));
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
  if (scenario.lockSplitFrom !== undefined) {
    const keys = VALIDATOR_KEYS.slice(0, n).map((k) => k.publicKey);
    const split = planLockSplit(nodes[0]!.ledger, set, keys, nodes.length, scenario.lockSplitFrom);
    if (split !== undefined) {
      const d = nodes[split.d]!;
      network.drop = lockSplitFilter(split, () => d.height >= split.height);
    }
  }
  // Forked last, so the streams of every seed without churn are the ones they always were.
  const admins = churn === undefined ? undefined : new ChurnAdmins(churn, rng.fork(), queue, nodes);
  admins?.start();
  const churnDone = (): boolean => {
    if (churn === undefined || admins === undefined) return true;
    const last = setSignature(churn.sets[churn.sets.length - 1]!);
    return (
      admins.passed === churn.steps.length &&
      honest.every((node) => setSignature(node.signingSet.validators) === last)
    );
  };

  // Heal at the end of the fault phase, then measure liveness against a bound from the timeouts.
  let heightAtHeal = 0;
  let targetHeight = Infinity;
  let boundMs = 0;
  let deadlineMs = Infinity;
  let finished = false;
  queue.at(healMs, () => {
    network.heal();
    network.drop = undefined;
    network.faults = CALM_LINKS;
    for (const node of nodes) {
      node.crashAfterPersist = false;
      if (!node.up) node.boot();
    }
    heightAtHeal = Math.max(0, ...honest.map((node) => node.height));
    targetHeight = heightAtHeal + scenario.extraHeights;
    const round = Math.max(0, ...honest.map((node) => node.runtime?.driver.round ?? 0));
    // Under churn the set may grow: a proposer rotation is as long as the largest set voted.
    const setSizeMax = Math.max(n, ...(churn?.sets.map((set) => set.length) ?? []));
    boundMs = livenessBoundMs(scenario, params, round, setSizeMax);
    // Each change still to vote takes a proposal, its votes and two heights to activate.
    const churnSteps = churn === undefined ? 0 : churn.steps.length - admins!.passed;
    deadlineMs = healMs + boundMs * (scenario.extraHeights + 2 + 4 * churnSteps);
    const doneTick = () => {
      finished =
        churnDone() &&
        honest.every(
          (node) =>
            node.height >= targetHeight && [...submittedValid.keys()].every((tx) => node.applied.has(tx)),
        );
      if (!finished) queue.after(50, doneTick);
    };
    queue.after(50, doneTick);
  });

  const violations: string[] = [];
  const until = { finished: () => finished, deadlineMs: () => deadlineMs, maxEvents: 3_000_000 };
  if (!(await runEvents(world, until))) violations.push('liveness: event budget exhausted');
  const endMs = queue.nowMs;
  const safetyInput: SafetyInput = {
    chainId: CHAIN_ID,
    set,
    setAt: (height) => recorder.setAt(height, set),
    nodes,
    recorder,
    byzantineKeys,
    expectEvidenceAgainst,
    invalidTxs: invalid,
    verifier,
  };
  violations.push(...checkSafety(safetyInput));
  if (churn !== undefined) violations.push(...checkChurn(churn, recorder.signingSets(), honest, true));
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
        submittedValid: new Set(submittedValid.keys()),
        mempoolMax: params.mempoolTxsMax,
        queueSizeMax: queue.sizeMax,
        queueSizeLimit: 100_000,
      }),
    );
  }
  const forks = findForks(safetyInput);
  for (const node of nodes) node.stop();
  const stats = {
    heights: Math.max(0, ...honest.map((node) => node.height)),
    virtualMs: endMs,
    messages: network.sent,
    evidence: recorder.evidenceLog.length,
    boundMs,
  };
  const trace = nodes.flatMap((node) =>
    [...recorder.committedBy(node.id)].map(
      ([h, e]) => `${node.id} h${h} ${e.blockHash.slice(0, 12)} t${e.timeMs} r${e.commit.round}`,
    ),
  );
  trace.push(`signed ${recorder.signedByHonest.size} votes-sent ${recorder.votesSent.size}`);
  return {
    seed,
    scenario,
    violations,
    forks,
    byzantineKeys,
    stats,
    trace,
    world: { nodes, recorder, safety: safetyInput },
  };
}

/**
 * How long an honest node may go without a commit once faults heal: a sync round trip, the commit
 * pause, the empty-block wait and a re-gossip interval, plus n + 2 full rounds starting from the highest
 * round reached, each its three timeouts and four message delays. Proposer rotation gives an honest
 * proposer within n rounds, and timeouts growing with the round outlast any message delay.
 */
export function livenessBoundMs(scenario: Scenario, params: SimParams, round: number, n: number): number {
  const t = scenario.timeouts;
  let ms =
    params.requestTimeoutMs + params.commitPauseMs + params.emptyBlockWaitMs + 2 * params.regossipIntervalMs;
  for (let r = round; r <= round + n + 1; r++) {
    ms += t.timeoutProposeMs + t.timeoutPrevoteMs + t.timeoutPrecommitMs;
    ms += r * (t.timeoutProposeDeltaMs + t.timeoutPrevoteDeltaMs + t.timeoutPrecommitDeltaMs);
    ms += 4 * CALM_LINKS.delayMaxMs;
  }
  return ms;
}
