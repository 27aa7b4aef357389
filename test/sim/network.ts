// Virtual time and the simulated network. Events run in (time, sequence) order, so a run is a pure
// function of its seed. Links add delay and jitter (which reorders), lose and duplicate messages, and
// can be cut one way or both (asymmetric and symmetric partitions).
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
  /** Cut links as "from>to". */
  private readonly cut = new Set<string>();
  sent = 0;
  delivered = 0;

  constructor(
    private readonly queue: EventQueue,
    private readonly rng: Rng,
    private readonly receive: (from: number, to: number, message: M) => void,
  ) {}

  send(from: number, to: number, message: M): void {
    this.sent++;
    if (this.cut.has(`${from}>${to}`) || this.rng.chance(this.faults.lossRate)) return;
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

  cutLink(from: number, to: number): void {
    this.cut.add(`${from}>${to}`);
  }

  /** Splits nodes into groups that cannot reach each other; `oneWay` cuts only group i -> group j, i < j. */
  partition(groups: readonly (readonly number[])[], oneWay = false): void {
    for (let i = 0; i < groups.length; i++) {
      for (let j = 0; j < groups.length; j++) {
        if (i === j || (oneWay && i > j)) continue;
        for (const a of groups[i]!) for (const b of groups[j]!) this.cutLink(a, b);
      }
    }
  }

  heal(): void {
    this.cut.clear();
  }

  isCut(from: number, to: number): boolean {
    return this.cut.has(`${from}>${to}`);
  }
}
