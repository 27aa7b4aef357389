// Non-voting members with bounded fan-out (issue 12), on the real node code: n validators dial each
// other, and each of M members dials k peers picked at random among the validators and the members
// before it (so every member has a path of dials to a validator, most of them through other members).
// No one dials a member back. With the relay (src/node/relay.ts) members poll the peers they dial for
// their tips and block-sync from them, and pass on the txs clients send them; without it (today's node
// with the same dials) a member hears nothing, which the test shows fails.
//
// During the load phase links lose and duplicate messages and members churn (crash, then restart from
// their disk after a while). Every 100 ms of virtual time, each member that has been up for GRACE_MS is
// compared with the validators' tip; the run fails if any lags by more than the bound, if a member does
// not reach the tip after healing, or if a client's tx sent to a member is never committed.
import { utf8 } from '../../src/core/bytes.ts';
import { sha256 } from '../../src/core/crypto/index.ts';
import { keyPairFromSeed, type KeyPair } from '../../src/node/keys.ts';
import { CHAIN_ID, CLIENTS, clientTx, VALIDATOR_KEYS } from './chain.ts';
import { checkSafety } from './checks.ts';
import { CALM_LINKS, type LinkFaults } from './network.ts';
import { SimNode } from './node.ts';
import { Rng } from './prng.ts';
import { SIM_TIMEOUTS } from './scenarios.ts';
import { CachedVerifier } from './verifier.ts';
import { runEvents, simWorld } from './world.ts';

export interface FanoutOptions {
  readonly validators: number;
  readonly members: number;
  /** Peers each member dials. */
  readonly k: number;
  /** Run the real relay; false is today's node with the same bounded dials. */
  readonly relay: boolean;
  readonly loadMs: number;
  /** A member up this long must be within lagBoundHeights of the validators' tip. */
  readonly lagBoundHeights: number;
}

export const FANOUT_DEFAULTS: FanoutOptions = {
  validators: 4,
  members: 100,
  k: 3,
  relay: true,
  loadMs: 4000,
  // A lost block-sync answer stalls a member for the request timeout (1 s, about six heights here)
  // before its next poll starts another sync; the bound allows three such losses in a row on top of
  // the hops' polls (250 ms each).
  lagBoundHeights: 24,
};

/** A member counts in the lag check once it has been up this long (a restarted one catches up first). */
const GRACE_MS = 1500;

export interface FanoutReport {
  readonly seed: number;
  readonly violations: string[];
  readonly heights: number;
  /** The largest lag, in heights, of a member past its grace period. */
  readonly maxLagHeights: number;
  /** Hops from each member to the nearest validator along its dials: the deepest. */
  readonly depthMax: number;
  readonly crashes: number;
  readonly messages: number;
  readonly virtualMs: number;
}

const memberKeys: KeyPair[] = [];
function memberKey(i: number): KeyPair {
  for (let j = memberKeys.length; j <= i; j++) {
    memberKeys.push(keyPairFromSeed(sha256(utf8(`sim-member-${j}`))));
  }
  return memberKeys[i]!;
}

const verifier = new CachedVerifier();

export async function runFanout(seed: number, options: Partial<FanoutOptions> = {}): Promise<FanoutReport> {
  const o = { ...FANOUT_DEFAULTS, ...options };
  const rng = new Rng(seed ^ 0xfa0a0);
  const n = o.validators;
  const world = simWorld(
    rng,
    Array.from({ length: n }, () => 1),
    SIM_TIMEOUTS,
    verifier,
  );
  const { queue, recorder, set, network, nodes, ctx } = world;
  const lossy: LinkFaults = {
    delayMinMs: 1,
    delayMaxMs: rng.range(20, 80),
    lossRate: rng.range(5, 15) / 100,
    duplicateRate: rng.range(0, 10) / 100,
  };
  // Validators dial every validator; member i dials k distinct peers among validators and members < i.
  const dialRng = rng.fork();
  const depth: number[] = [];
  for (let v = 0; v < n; v++) {
    const dials = Array.from({ length: n }, (_, j) => j).filter((j) => j !== v);
    nodes.push(new SimNode(ctx, v, VALIDATOR_KEYS[v]!, true, null, 0, { dials, relay: o.relay }));
    depth.push(0);
  }
  for (let m = 0; m < o.members; m++) {
    const id = n + m;
    const dials = dialRng.shuffle(Array.from({ length: id }, (_, j) => j)).slice(0, Math.min(o.k, id));
    nodes.push(new SimNode(ctx, id, memberKey(m), true, null, 0, { dials, relay: o.relay }));
    depth.push(1 + Math.min(...dials.map((d) => depth[d]!)));
  }
  const members = nodes.slice(n);
  const validators = nodes.slice(0, n);
  const bootedAt = new Map<number, number>();
  const boot = (node: SimNode) => {
    bootedAt.set(node.id, queue.nowMs);
    node.boot();
  };
  for (const node of nodes) queue.after(rng.int(30), () => boot(node));
  network.faults = lossy;

  // Clients send each tx to one member (relay carries it to a validator); pending ones are re-sent to
  // another member now and then, as a client whose member went down would.
  const clientRng = rng.fork();
  const nonces = Array.from({ length: CLIENTS }, () => 0);
  const submitted = new Map<string, { client: number; nonce: number }>();
  const upMember = () => {
    const up = members.filter((node) => node.up);
    return up.length > 0 ? clientRng.pick(up) : undefined;
  };
  const clientTick = () => {
    if (queue.nowMs >= o.loadMs) return;
    const client = clientRng.int(CLIENTS);
    const nonce = ++nonces[client]!;
    const tx = clientTx(client, nonce, true);
    submitted.set(tx.hash, { client, nonce });
    upMember()?.submitTx(tx.tx);
    queue.after(60, clientTick);
  };
  const resubmitTick = () => {
    const target = upMember();
    const probe = validators[0]!;
    if (target !== undefined) {
      for (const [hash, { client, nonce }] of submitted) {
        if (!probe.applied.has(hash)) target.submitTx(clientTx(client, nonce, true).tx);
      }
    }
    queue.after(1000, resubmitTick);
  };
  queue.after(10, clientTick);
  queue.after(1000, resubmitTick);

  // Churn: members crash and come back from their disk; at most a tenth are down at once.
  const churnRng = rng.fork();
  let crashes = 0;
  const churnTick = () => {
    if (queue.nowMs >= o.loadMs) return;
    const down = members.filter((node) => !node.up).length;
    if (down < Math.max(1, Math.floor(members.length / 10))) {
      const victim = churnRng.pick(members);
      if (victim.up) {
        victim.crash();
        crashes++;
        queue.after(churnRng.range(300, 1500), () => {
          if (!victim.up) boot(victim);
        });
      }
    }
    queue.after(churnRng.range(20, 120), churnTick);
  };
  queue.after(300, churnTick);

  const violations: string[] = [];
  let maxLag = 0;
  const tip = () => Math.max(...validators.map((node) => node.height));
  const sampleTick = () => {
    const t = tip();
    for (const node of members) {
      if (!node.up || queue.nowMs - (bootedAt.get(node.id) ?? Infinity) < GRACE_MS) continue;
      const lag = t - node.height;
      if (lag > maxLag) maxLag = lag;
      if (lag > o.lagBoundHeights && violations.length < 5) {
        violations.push(
          `member ${node.id} (depth ${depth[node.id]}) is ${lag} heights behind the tip ${t} at ${queue.nowMs} ms`,
        );
      }
    }
    queue.after(100, sampleTick);
  };
  queue.after(GRACE_MS, sampleTick);

  // Heal: no more loss, every member back up; then every member must reach the tip reached by then
  // plus two, and every tx must be committed.
  let target = Infinity;
  let finished = false;
  const deadlineMs = o.loadMs + 20_000;
  queue.at(o.loadMs, () => {
    network.faults = CALM_LINKS;
    for (const node of members) if (!node.up) boot(node);
    target = tip() + 2;
    const doneTick = () => {
      finished =
        nodes.every((node) => node.height >= target) &&
        [...submitted.keys()].every((hash) => validators[0]!.applied.has(hash));
      if (!finished) queue.after(50, doneTick);
    };
    queue.after(50, doneTick);
  });

  const until = { finished: () => finished, deadlineMs: () => deadlineMs, maxEvents: 5_000_000 };
  if (!(await runEvents(world, until))) violations.push('event budget exhausted');
  if (!finished) {
    const behind = nodes.filter((node) => node.height < target);
    if (behind.length > 0) {
      violations.push(
        `${behind.length} of ${nodes.length} nodes did not reach height ${target} by ${deadlineMs} ms (e.g. node ${behind[0]!.id} at ${behind[0]!.height})`,
      );
    }
    const lost = [...submitted.keys()].filter((hash) => !validators[0]!.applied.has(hash));
    if (lost.length > 0) violations.push(`${lost.length} of ${submitted.size} client txs never committed`);
  }
  violations.push(
    ...checkSafety({
      chainId: CHAIN_ID,
      set,
      setAt: () => set,
      nodes,
      recorder,
      byzantineKeys: new Set(),
      expectEvidenceAgainst: [],
      invalidTxs: new Set(),
      verifier,
    }),
  );
  const heights = tip();
  const endMs = queue.nowMs;
  for (const node of nodes) node.stop();
  return {
    seed,
    violations,
    heights,
    maxLagHeights: maxLag,
    depthMax: Math.max(...depth),
    crashes,
    messages: network.sent,
    virtualMs: endMs,
  };
}
