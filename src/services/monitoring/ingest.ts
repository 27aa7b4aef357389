// A gateway's compact signed batch at the custodian (issue 18 §2–3): one device's readings of one period
// and the device's (or gateway's) signature over the period's root. The node folds the readings into the
// root itself, submits monitoring.commitBatch signed with its own key (the organisation acts), waits for
// the commitment to be final, and only then stores the readings, sealed for its own key (reading-store.ts):
// a batch the chain refuses (unknown, unbound or revoked device, a bad signature, a replay) leaves nothing
// in the store.
import { batchSummary, readingProof, type Reading } from '../../app/monitoring/batch.ts';
import type { BatchSigner } from '../../app/monitoring/commitments.ts';
import { batchKey, type BatchRecord } from '../../app/monitoring/keys.ts';
import { readStateValue } from '../../app/state.ts';
import type { InclusionProofHex } from '../../core/merkle/index.ts';
import type { CarechainNode } from '../../node/node.ts';
import { ReadingStore, type StoredReading } from '../../node/monitoring/reading-store.ts';
import { ServiceError } from '../errors.ts';
import { SupplyService, supplyRefusal } from '../supply/service.ts';

export interface CompactBatch {
  readonly systemId: string;
  readonly periodStartMs: number;
  readonly periodMs: number;
  readonly signedBy: BatchSigner;
  readonly signature: string;
  readonly readings: readonly Reading[];
}

export interface BatchCommitted {
  readonly txHash: string;
  readonly height: number;
  readonly root: string;
  readonly count: number;
}

export interface ReadingProofAnswer {
  readonly reading: Reading;
  readonly batch: BatchRecord & { readonly periodStartMs: number };
  readonly proof: InclusionProofHex;
}

export class MonitoringIngest {
  private readonly node: CarechainNode;
  private readonly store: ReadingStore;
  /** The node-key signer and committer the supply service already is (sign, submit, wait). */
  private readonly committer: SupplyService;
  /**
   * Readings of batches between their duplicate check and their store, as `systemId tag`: two batches
   * sent at once with a reading in common would both pass the check against the store, both commit,
   * and the second's readings would then fail to store, leaving a committed batch nothing can prove.
   */
  private readonly inFlight = new Set<string>();

  constructor(node: CarechainNode, committer: SupplyService) {
    this.node = node;
    this.committer = committer;
    // An old data directory's plaintext readings are sealed on open, each with its batch's length on chain.
    const periodMsOf = (systemId: string, periodStartMs: number) =>
      readStateValue<BatchRecord>(node.ledger.state, batchKey(systemId, periodStartMs))?.periodMs;
    this.store = ReadingStore.open(node.storage, node.ledger.chainId, node.key, periodMsOf);
  }

  async ingest(batch: CompactBatch): Promise<BatchCommitted> {
    const { systemId, periodStartMs, periodMs } = batch;
    const summary = batchSummary(batch.readings, periodStartMs, periodMs);
    // Conditional create: a reading is stored once, so a batch that sends a stored one again is refused.
    const tags = this.store.tags(
      systemId,
      batch.readings.map((r) => r.id),
    );
    const claims = tags.map((tag) => `${systemId} ${tag}`);
    if (claims.some((claim) => this.inFlight.has(claim)) || this.store.storedTags(systemId, tags).size > 0) {
      throw new ServiceError('monitoring.duplicate_reading', 'a reading of this batch is stored already');
    }
    for (const claim of claims) this.inFlight.add(claim);
    try {
      return await this.commitAndStore(batch, summary, tags);
    } finally {
      for (const claim of claims) this.inFlight.delete(claim);
    }
  }

  private async commitAndStore(
    batch: CompactBatch,
    summary: { root: string; count: number },
    tags: readonly string[],
  ): Promise<BatchCommitted> {
    const { systemId, periodStartMs, periodMs, signedBy, signature } = batch;
    const payload = {
      systemId,
      periodStartMs,
      periodMs,
      root: summary.root,
      count: summary.count,
      signedBy,
      signature,
    };
    const tx = this.committer.sign('monitoring.commitBatch', payload);
    let txHash: string;
    try {
      txHash = this.node.submit(tx);
    } catch (err) {
      throw supplyRefusal(err, tx.type);
    }
    const height = await this.committer.waitCommitted(txHash, tx.type);
    await this.store.putBatchSoon({ systemId, periodStartMs, periodMs, readings: batch.readings, tags });
    return { txHash, height, root: summary.root, count: summary.count };
  }

  /** The inclusion proof of one stored reading in its committed batch, with the batch as the chain has it. */
  proof(systemId: string, readingId: string): ReadingProofAnswer {
    const found = this.store.reading(systemId, readingId);
    if (found === undefined)
      throw new ServiceError('monitoring.unknown_reading', 'no such reading is stored');
    const committed = readStateValue<BatchRecord>(
      this.node.ledger.state,
      batchKey(systemId, found.periodStartMs),
    );
    if (committed === undefined)
      throw new ServiceError('monitoring.unknown_reading', 'the batch is not committed');
    const readings = this.store.period(systemId, found.periodStartMs);
    const proof = readingProof(readings, found.reading, found.periodStartMs, committed.periodMs);
    return { reading: found.reading, batch: { ...committed, periodStartMs: found.periodStartMs }, proof };
  }

  /** The device's stored readings in [fromMs, toMs), oldest first. */
  readings(systemId: string, fromMs: number, toMs: number, limit: number): StoredReading[] {
    return this.store.between(systemId, fromMs, toMs, limit);
  }
}
