// An in-memory node store for tests, simulations and the browser. Each level is one growable byte
// array of 32-byte hashes, so a million leaves cost about 64 MB in two million slots but no objects.
import { HASH_BYTES } from '../crypto/index.ts';
import { CoreError } from '../errors.ts';
import type { LogNodeReader, LogNodeWriter } from './store.ts';

interface Level {
  bytes: Uint8Array;
  count: number;
}

const INITIAL_NODES = 64;

export class MemoryLogNodeStore implements LogNodeReader, LogNodeWriter {
  readonly #levels: Level[] = [];

  /** The number of leaves stored (the level-0 node count). */
  get leafCount(): number {
    return this.#levels[0]?.count ?? 0;
  }

  getNode(level: number, index: number): Uint8Array | undefined {
    const nodes = this.#levels[level];
    if (nodes === undefined || !Number.isInteger(index) || index < 0 || index >= nodes.count)
      return undefined;
    // A copy, so no caller can change what the store holds.
    return nodes.bytes.slice(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }

  /** Nodes of each level must arrive in index order, as appendLeaves writes them; anything else throws. */
  putNode(level: number, index: number, hash: Uint8Array): void {
    if (hash.length !== HASH_BYTES) {
      throw new CoreError('merkle.invalid_hash', 'a node hash must be 32 bytes', { length: hash.length });
    }
    if (!Number.isInteger(level) || level < 0 || level > 63) {
      throw new CoreError('merkle.out_of_range', 'node level out of range', { level });
    }
    while (this.#levels.length <= level) {
      this.#levels.push({ bytes: new Uint8Array(INITIAL_NODES * HASH_BYTES), count: 0 });
    }
    const nodes = this.#levels[level]!;
    if (index !== nodes.count) {
      throw new CoreError('merkle.node_conflict', 'the memory store appends each level in order', {
        level,
        index,
        expected: nodes.count,
      });
    }
    if ((index + 1) * HASH_BYTES > nodes.bytes.length) {
      const grown = new Uint8Array(nodes.bytes.length * 2);
      grown.set(nodes.bytes);
      nodes.bytes = grown;
    }
    nodes.bytes.set(hash, index * HASH_BYTES);
    nodes.count++;
  }
}
