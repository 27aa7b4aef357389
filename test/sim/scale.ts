// The validator-count runs of issue 12: a calm network of n equal validators running the real node code
// (the same SimNode as the fault seeds) under a steady client load, with every packet counted by kind
// and sized as the JSON the P2P transport sends today. What it reports per committed height and node:
// messages and bytes sent, split into votes (prevotes and precommits, first sends and re-gossip),
// proposals (with their blocks), txs, status and block sync; and the virtual time per height.
import { CALM_LINKS } from './network.ts';
import type { Packet } from './node.ts';
import { runSim } from './run.ts';
import { SIM_TIMEOUTS, type Scenario } from './scenarios.ts';

export const SCALE_SIZES = [4, 16, 64, 100] as const;

export type TrafficKind = 'vote' | 'proposal' | 'txs' | 'status' | 'sync';
export const TRAFFIC_KINDS: readonly TrafficKind[] = ['vote', 'proposal', 'txs', 'status', 'sync'];

export interface ScaleRow {
  readonly validators: number;
  readonly heights: number;
  /** Mean virtual time from one committed height to the next, at the slowest honest node. */
  readonly msPerHeight: number;
  /** Per height and per node. */
  readonly messages: number;
  readonly bytes: number;
  readonly messagesByKind: Readonly<Record<TrafficKind, number>>;
  readonly bytesByKind: Readonly<Record<TrafficKind, number>>;
  /**
   * Proposal bytes sent per height by all nodes: nearly all of it is the proposer's upload of its block to
   * every peer (re-gossip adds some), the one node's load that grows with n and with the block.
   */
  readonly proposerUploadBytes: number;
  /** Vote bytes as a share of all bytes. */
  readonly voteShare: number;
  /** Txs committed per height (the load the blocks carried). */
  readonly txsPerHeight: number;
  readonly violations: readonly string[];
}

function zero(): Record<TrafficKind, number> {
  return { vote: 0, proposal: 0, txs: 0, status: 0, sync: 0 };
}

function kindOf(packet: Packet): TrafficKind {
  if (packet.kind !== 'gossip') return 'sync';
  const t = (packet.message as { t?: unknown }).t;
  return t === 'vote' || t === 'proposal' || t === 'txs' || t === 'status' ? t : 'sync';
}

/** A calm scenario with n equal validators: no faults, a tx every `txIntervalMs` for `loadMs`. */
export function scaleScenario(n: number, loadMs: number, extraHeights: number): Scenario {
  return {
    kind: 'calm',
    powers: Array.from({ length: n }, () => 1),
    byzantine: new Map(),
    links: CALM_LINKS,
    partitions: false,
    clockSkewMsMax: 0,
    followers: 0,
    crashes: false,
    faultPhaseMs: loadMs,
    extraHeights,
    txIntervalMs: 20,
    timeouts: SIM_TIMEOUTS,
  };
}

export async function scaleRun(
  n: number,
  options: { loadMs?: number; seed?: number } = {},
): Promise<ScaleRow> {
  const messages = zero();
  const bytes = zero();

  // broadcast sends one message object to every peer: size it once.
  const sizes = new WeakMap<object, number>();
  const sizeOf = (packet: Packet): number => {
    const body = packet.kind === 'gossip' ? (packet.message as object) : packet;
    let size = sizes.get(body);
    if (size === undefined) {
      size = Buffer.byteLength(JSON.stringify(body));
      sizes.set(body, size);
    }
    return size;
  };
  const report = await runSim(options.seed ?? 1, scaleScenario(n, options.loadMs ?? 1500, 3), {
    observe: (_from, _to, packet) => {
      const kind = kindOf(packet);
      messages[kind]++;
      bytes[kind] += sizeOf(packet);
    },
  });
  const { nodes, recorder } = report.world;
  // Heights every node committed, and the time the last of them did so.
  const heights = Math.min(...nodes.map((node) => node.height));
  const lastAt = (h: number) =>
    Math.max(...nodes.map((node) => recorder.committedBy(node.id).get(h)?.timeMs ?? 0));
  const msPerHeight = heights > 1 ? (lastAt(heights) - lastAt(1)) / (heights - 1) : NaN;
  let txs = 0;
  for (let h = 1; h <= heights; h++) txs += recorder.committedBy(nodes[0]!.id).get(h)?.txs.length ?? 0;
  const per = (x: number) => x / Math.max(1, heights) / n;
  const perKind = (r: Record<TrafficKind, number>) =>
    Object.fromEntries(TRAFFIC_KINDS.map((k) => [k, per(r[k])])) as Record<TrafficKind, number>;
  const totalBytes = TRAFFIC_KINDS.reduce((a, k) => a + bytes[k], 0);
  return {
    validators: n,
    heights,
    msPerHeight,
    messages: per(TRAFFIC_KINDS.reduce((a, k) => a + messages[k], 0)),
    bytes: per(totalBytes),
    messagesByKind: perKind(messages),
    bytesByKind: perKind(bytes),
    proposerUploadBytes: bytes.proposal / Math.max(1, heights),
    voteShare: totalBytes === 0 ? 0 : bytes.vote / totalBytes,
    txsPerHeight: txs / Math.max(1, heights),
    violations: report.violations,
  };
}
