// Per-caller live event streams and the fan-out of each block's events to them (consent events, issue 14;
// monitoring alerts, issue 18). Each event names who it is for; a stream receives the events whose
// audience covers its caller, and nothing else. Bounded per caller (STREAMS_PER_CALLER_MAX) and in all
// (`totalMax`): the next one is refused with 'events.too_many_streams'.
import type { Caller } from '../auth/caller.ts';
import { ServiceError } from '../errors.ts';

/** Most event streams one caller (one key) may hold open at once: a few tabs, not a flood. */
export const STREAMS_PER_CALLER_MAX = 4;

/** One event and who it is for. */
export interface Addressed<E, A> {
  readonly to: readonly A[];
  readonly event: E;
}

interface Subscriber<E> {
  readonly caller: Caller;
  readonly send: (event: E) => void;
}

export class CallerStreams<E, A> {
  private readonly subscribers = new Set<Subscriber<E>>();
  private readonly totalMax: number;
  private readonly concerns: (audience: A, caller: Caller) => boolean;

  constructor(totalMax: number, concerns: (audience: A, caller: Caller) => boolean) {
    this.totalMax = totalMax;
    this.concerns = concerns;
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Adds a stream for `caller`; returns the function that removes it. */
  open(caller: Caller, send: (event: E) => void): () => void {
    const mine = [...this.subscribers].filter((s) => s.caller.publicKey === caller.publicKey).length;
    if (mine >= STREAMS_PER_CALLER_MAX || this.subscribers.size >= this.totalMax) {
      throw new ServiceError('events.too_many_streams', 'too many event streams; retry later');
    }
    const subscriber: Subscriber<E> = { caller, send };
    this.subscribers.add(subscriber);
    return () => void this.subscribers.delete(subscriber);
  }

  /** Sends each event to every open stream it concerns; `read` is only called when a stream is open. */
  publish(read: () => readonly Addressed<E, A>[]): void {
    if (this.subscribers.size === 0) return;
    for (const { to, event } of read()) {
      for (const s of this.subscribers) if (to.some((a) => this.concerns(a, s.caller))) s.send(event);
    }
  }
}
