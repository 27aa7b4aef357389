// Group commit for the HL7 writes (issue 21's bench: ≥ 500 ORU/s at one custodian). Each message's
// records are one transaction; a records tx costs a signature, a block slot and a commit wait whatever it
// holds. So while one write of a writer (the sender's practitioner) is being committed, the messages that
// arrive for that writer are gathered, and written together as ONE transaction Bundle when it is done:
// under load many messages share a tx, and a lone message is written at once, as before.
//
// Per-patient order is untouched: a patient's next message is not handed over until its last one is
// answered (the ingest's per-patient queue). A batch is all or nothing on chain, so when a batch is
// refused each of its messages is written again alone, and each gets its own answer: one bad message
// never costs the others theirs.

/** Messages and entries in one batch, at most (a Bundle takes 10,000 entries; this keeps a tx small). */
export const BATCH_MESSAGES_MAX = 64;
export const BATCH_ENTRIES_MAX = 1_000;

/** Writes one transaction of entries as `writer`; resolves once it is committed. */
export type WriteEntries<W> = (writer: W, entries: readonly unknown[]) => Promise<unknown>;

interface Pending<W> {
  readonly writer: W;
  readonly entries: readonly unknown[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class GroupCommit<W> {
  private readonly waiting = new Map<string, Pending<W>[]>();
  private readonly draining = new Set<string>();

  constructor(
    private readonly write: WriteEntries<W>,
    /** A refusal that says "later" (not final in time): the batch's answer for each, not retried alone. */
    private readonly isTransient: (err: unknown) => boolean = () => false,
  ) {}

  /** Writes `entries` as `writer` (named by `key`), alone or with others of the same writer. */
  submit(key: string, writer: W, entries: readonly unknown[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push({ writer, entries, resolve, reject });
      this.waiting.set(key, queue);
      if (!this.draining.has(key)) void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    this.draining.add(key);
    try {
      for (let queue = this.waiting.get(key); queue !== undefined && queue.length > 0;) {
        await this.flush(takeBatch(queue));
        queue = this.waiting.get(key);
      }
    } finally {
      this.waiting.delete(key);
      this.draining.delete(key);
    }
  }

  private async flush(batch: readonly Pending<W>[]): Promise<void> {
    if (batch.length > 1) {
      try {
        await this.write(
          batch[0]!.writer,
          batch.flatMap((p) => p.entries),
        );
        for (const p of batch) p.resolve();
        return;
      } catch (err) {
        if (this.isTransient(err)) {
          for (const p of batch) p.reject(err);
          return;
        }
        // Refused as a whole: each alone below, answered alone.
      }
    }
    await Promise.all(
      batch.map(async (p) => {
        try {
          await this.write(p.writer, p.entries);
          p.resolve();
        } catch (err) {
          p.reject(err);
        }
      }),
    );
  }
}

/** The first messages of the queue, within the bounds (always at least one). */
function takeBatch<W>(queue: Pending<W>[]): Pending<W>[] {
  let entries = 0;
  let n = 0;
  while (n < queue.length && n < BATCH_MESSAGES_MAX) {
    entries += queue[n]!.entries.length;
    if (n > 0 && entries > BATCH_ENTRIES_MAX) break;
    n += 1;
  }
  return queue.splice(0, n);
}
