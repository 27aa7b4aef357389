// A peer's outbound gossip: FIFO, bounded in messages and in bytes, cut into batches that fit the
// receiver's body limit. When full it drops the oldest message, since gossip is superseded by newer
// gossip (a later round's vote matters more than an earlier one's), and reports how many it dropped.

export interface QueuedMessage {
  readonly json: string;
  readonly bytes: number;
}

/** Bytes of a JSON array body of `count` messages totalling `bytes`: brackets and commas. */
function arrayBytes(count: number, bytes: number): number {
  return bytes + 2 + Math.max(0, count - 1);
}

/** Fills the slots of messages already taken or dropped, so their text can be collected at once. */
const FREED: QueuedMessage = { json: '', bytes: 0 };

export class OutboundQueue {
  private items: QueuedMessage[] = [];
  private head = 0;
  private bytes = 0;

  constructor(
    private readonly messagesMax: number,
    private readonly bytesMax: number,
    private readonly bodyBytesMax: number,
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds a message; returns how many were dropped (itself, if it can never fit a body; else the oldest). */
  push(json: string, bytes: number): number {
    if (arrayBytes(1, bytes) > this.bodyBytesMax) return 1;
    this.items.push({ json, bytes });
    this.bytes += bytes;
    return this.trim();
  }

  /** Puts back a batch that failed in transit, ahead of everything queued since; returns how many dropped. */
  unshift(batch: readonly QueuedMessage[]): number {
    this.items = [...batch, ...this.items.slice(this.head)];
    this.head = 0;
    for (const message of batch) this.bytes += message.bytes;
    return this.trim();
  }

  /** Removes and returns the oldest messages that together fit one body; at least one if any. */
  take(): QueuedMessage[] {
    let end = this.head;
    let bytes = 0;
    while (end < this.items.length) {
      const next = bytes + this.items[end]!.bytes;
      if (arrayBytes(end - this.head + 1, next) > this.bodyBytesMax) break;
      bytes = next;
      end++;
    }
    const batch = this.items.slice(this.head, end);
    this.advance(end - this.head);
    return batch;
  }

  private trim(): number {
    let dropped = 0;
    while (this.length > this.messagesMax || this.bytes > this.bytesMax) {
      this.advance(1);
      dropped++;
    }
    return dropped;
  }

  private advance(count: number): void {
    for (let i = 0; i < count; i++) {
      this.bytes -= this.items[this.head]!.bytes;
      this.items[this.head++] = FREED;
    }
    this.compact();
  }

  // Advancing a head index keeps dropping and taking O(1); the array is rebuilt once half of it is dead.
  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
