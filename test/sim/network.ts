// Virtual time and the simulated network. Events run in (time, sequence) order, so a run is a pure
// function of its seed. Links add delay and jitter (which reorders), lose and duplicate messages, and
// can be cut one way or both (asymmetric and symmetric partitions). A cut link either drops what is
// sent over it or, like the real transport's per-peer queue, holds it (bounded) and delivers it all
// when the link heals: messages then arrive long after they were sent.
import type { Rng } from './prng.ts';

interface Event {
  readonly timeMs: number;
  readonly seq: number;
  readonly run: () => void;
}

/** A binary min-heap of events by (time, sequence). */
export class EventQueue {
  private heap: Event[] = [];
  private seq = 0;
  nowMs = 0;
  sizeMax = 0;

  get size(): number {
    return this.heap.length;
  }

  at(timeMs: number, run: () => void): void {
    const e = { timeMs: Math.max(timeMs, this.nowMs), seq: this.seq++, run };
    const h = this.heap;
    h.push(e);
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
    this.sizeMax = Math.max(this.sizeMax, h.length);
  }

  after(delayMs: number, run: () => void): void {
    this.at(this.nowMs + delayMs, run);
  }

  /** Runs the next event; false when none is left. */
  step(): boolean {
    const h = this.heap;
    const top = h[0];
    if (top === undefined) return false;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    this.nowMs = top.timeMs;
    top.run();
    return true;
  }

  peekTimeMs(): number | undefined {
    return this.heap[0]?.timeMs;
  }
}

function before(a: Event, b: Event): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.seq < b.seq);
}

export interface LinkFaults {
  delayMinMs: number;
  delayMaxMs: number;
  lossRate: number;
  duplicateRate: number;
}

export const CALM_LINKS: LinkFaults = { delayMinMs: 2, delayMaxMs: 20, lossRate: 0, duplicateRate: 0 };

export class Network<M> {
  faults: LinkFaults = CALM_LINKS;
  /** A targeted adversary's filter (lock-split.ts): what it returns true for is dropped when sent. */
  drop: ((from: number, to: number, message: M) => boolean) | undefined;
  /** Cut links as "from>to". */
  private readonly cut = new Set<string>();
  /** Messages held by cut links that deliver later, per link, in order. */
  private readonly held = new Map<string, M[]>();
  private readonly holding = new Set<string>();
  static readonly HELD_MAX = 2000;
  sent = 0;
  delivered = 0;
  /** Sees every message as it is sent, before faults (scale.ts counts messages and bytes by kind). */
  observe: ((from: number, to: number, message: M) => void) | undefined;

  constructor(
    private readonly queue: EventQueue,
    private readonly rng: Rng,
    private readonly receive: (from: number, to: number, message: M) => void,
  ) {}

  send(from: number, to: number, message: M): void {
    this.sent++;
    this.observe?.(from, to, message);
    if (this.drop?.(from, to, message) === true) return;
    const link = `${from}>${to}`;
    if (this.cut.has(link)) {
      const queue = this.holding.has(link) ? (this.held.get(link) ?? []) : undefined;
      if (queue !== undefined && queue.length < Network.HELD_MAX) {
        queue.push(message);
        this.held.set(link, queue);
      }
      return;
    }
    if (this.rng.chance(this.faults.lossRate)) return;
    this.transmit(from, to, message);
  }

  private transmit(from: number, to: number, message: M): void {
    const copies = this.rng.chance(this.faults.duplicateRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delayMs = this.rng.range(this.faults.delayMinMs, this.faults.delayMaxMs);
      this.queue.after(delayMs, () => {
        // A partition cut while the message was in flight drops it too.
        if (this.cut.has(`${from}>${to}`)) return;
        this.delivered++;
        this.receive(from, to, message);
      });
    }
  }

  /** Cuts a link; with `hold`, what is sent meanwhile is delivered when it heals. */
  cutLink(from: number, to: number, hold = false): void {
    this.cut.add(`${from}>${to}`);
    if (hold) this.holding.add(`${from}>${to}`);
  }

  /** Splits nodes into groups that cannot reach each other; `oneWay` cuts only group i -> group j, i < j. */
  partition(groups: readonly (readonly number[])[], oneWay = false, hold = false): void {
    for (let i = 0; i < groups.length; i++) {
      for (let j = 0; j < groups.length; j++) {
        if (i === j || (oneWay && i > j)) continue;
        for (const a of groups[i]!) for (const b of groups[j]!) this.cutLink(a, b, hold);
      }
    }
  }

  /** Reconnects every link; held messages go out in order, each with its own delay. */
  heal(): void {
    this.cut.clear();
    this.holding.clear();
    const held = [...this.held].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.held.clear();
    for (const [link, messages] of held) {
      const [from, to] = link.split('>').map(Number) as [number, number];
      for (const message of messages) this.transmit(from, to, message);
    }
  }

  isCut(from: number, to: number): boolean {
    return this.cut.has(`${from}>${to}`);
  }
}
