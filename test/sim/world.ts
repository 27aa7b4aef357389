// What every simulated run builds the same way (run.ts for the fault seeds, fanout.ts for bounded
// fan-out): virtual time, the recorder, the genesis of n validators, the network delivering to the
// run's nodes, and the context those nodes share. Random streams are forked in a fixed order (network,
// then context), so a seed's run does not change with who builds it.
import type { TimeoutOptions, Verifier } from '../../src/consensus/index.ts';
import type { Genesis } from '../../src/core/genesis.ts';
import { makeValidatorSet, type ValidatorSet } from '../../src/core/validators.ts';
import { simGenesis } from './chain.ts';
import { EventQueue, Network } from './network.ts';
import type { Packet, SimContext, SimNode } from './node.ts';
import type { Rng } from './prng.ts';
import { Recorder } from './recorder.ts';

export interface SimWorld {
  readonly queue: EventQueue;
  readonly recorder: Recorder;
  readonly genesis: Genesis;
  readonly set: ValidatorSet;
  readonly network: Network<Packet>;
  readonly nodes: SimNode[];
  readonly ctx: SimContext;
  /** Whether promise callbacks may be pending since the last call (the run then lets them settle). */
  takeAsyncWork(): boolean;
}

export function simWorld(
  rng: Rng,
  powers: readonly number[],
  timeouts: TimeoutOptions,
  verifier: Verifier,
  unsafe?: SimContext['unsafe'],
  members = false,
): SimWorld {
  const queue = new EventQueue();
  const recorder = new Recorder(() => queue.nowMs);
  const genesis = simGenesis(powers, members);
  const set = makeValidatorSet(genesis.validators);
  const nodes: SimNode[] = [];
  let asyncPending = false;
  const network = new Network<Packet>(queue, rng.fork(), (from, to, packet) =>
    nodes[to]!.deliver(from, packet),
  );
  const ctx: SimContext = {
    genesis,
    set,
    queue,
    network,
    rng: rng.fork(),
    verifier,
    params: {
      regossipIntervalMs: 250,
      commitPauseMs: 100,
      emptyBlockWaitMs: 200,
      requestTimeoutMs: 1000,
      mempoolTxsMax: 300,
      timeouts,
    },
    recorder,
    nodeIds: () => nodes.map((node) => node.id),
    ...(unsafe !== undefined ? { unsafe } : {}),
    asyncWork: () => {
      asyncPending = true;
    },
  };
  return {
    queue,
    recorder,
    genesis,
    set,
    network,
    nodes,
    ctx,
    takeAsyncWork: () => {
      const pending = asyncPending;
      asyncPending = false;
      return pending;
    },
  };
}

/**
 * Runs the world's events in time order, letting promise callbacks settle between them, until
 * `until.finished()` holds, virtual time passes `until.deadlineMs()`, no event is left, or more than
 * `until.maxEvents` have run; answers false only when the event budget ran out. `finished` and
 * `deadlineMs` are functions because the run's own events change what they read.
 */
export async function runEvents(
  world: SimWorld,
  until: { finished: () => boolean; deadlineMs: () => number; maxEvents: number },
): Promise<boolean> {
  const { finished, deadlineMs, maxEvents } = until;
  let events = 0;
  while (!finished() && world.queue.nowMs <= deadlineMs()) {
    if (!world.queue.step()) break;
    if (world.takeAsyncWork()) await settle();
    if (++events > maxEvents) return false;
  }
  return true;
}

/** Lets pending promise callbacks (and those they schedule) run before the next event. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
