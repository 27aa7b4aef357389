// The message log's rows for messages acknowledged AA, written in one database transaction per turn of
// the event loop. A group-committed batch (group-commit.ts) has its messages answered in the same turn,
// so their rows cost the disk one commit (one fsync) instead of one each: issue 21's bench profile had
// the per-message inserts at 7.6 % of the custodian's busy time. A message's ACK is sent only once its row
// is committed (`put` resolves after the commit), so a re-send after the ACK always finds it.
import type { Hl7LogUpdate } from '../../node/storage/hl7-log-entries.ts';
import type { AckRow, Hl7MessageLog, MessageKey } from '../../node/storage/hl7-message-log.ts';

interface Queued {
  readonly row: AckRow;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class BatchedAckLog {
  private queued: Queued[] = [];

  constructor(private readonly log: Hl7MessageLog) {}

  /** Logs an acknowledged message (and its message log page row); resolves once its row is committed. */
  put(key: MessageKey, ack: string, atMs: number, entry?: Hl7LogUpdate): Promise<void> {
    const row: AckRow = { key, ack, atMs, ...(entry === undefined ? {} : { entry }) };
    return new Promise((resolve, reject) => {
      this.queued.push({ row, resolve, reject });
      if (this.queued.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queued;
    this.queued = [];
    try {
      this.log.putAll(batch.map((q) => q.row));
    } catch (err) {
      for (const q of batch) q.reject(err);
      return;
    }
    for (const q of batch) q.resolve();
  }
}
