// Durable storage of the consensus engine's restart record (see ConsensusRecord). The record is written
// before anything it covers is sent, with synchronous=FULL, so it must be cheap: the blocks it refers to
// (lock, valid value, last proposal) are stored once each by hash, in the same database transaction as
// the first record that refers to them, and the record itself carries only their hashes.
import type { ConsensusRecord } from '../../consensus/index.ts';
import type { Block } from '../../core/block.ts';
import { NodeError } from '../errors.ts';
import type { SqlPort } from '../storage/port.ts';
import type { BlockValue } from './wire.ts';

type ValueRef = { readonly hash: string; readonly timeMs: number };
type StoredRecord = Omit<ConsensusRecord<BlockValue>, 'lockedValue' | 'validValue' | 'lastProposal'> & {
  readonly lockedValue: ValueRef | null;
  readonly validValue: ValueRef | null;
  readonly lastProposal: { readonly proposal: unknown; readonly value: ValueRef } | null;
};

const ref = (value: BlockValue | null): ValueRef | null =>
  value && { hash: value.hash, timeMs: value.timeMs };

export class ConsensusRecordStore {
  private readonly port: SqlPort;
  private readonly saved = new Set<string>();
  private prunedBelow = 0;

  /** On the ledger's port: its schema holds the consensus_record and consensus_values tables. */
  constructor(port: SqlPort) {
    this.port = port;
  }

  save(record: ConsensusRecord<BlockValue>): void {
    const values = [record.lockedValue, record.validValue, record.lastProposal?.value ?? null];
    const stored: StoredRecord = {
      ...record,
      lockedValue: ref(record.lockedValue),
      validValue: ref(record.validValue),
      lastProposal: record.lastProposal && {
        proposal: record.lastProposal.proposal,
        value: ref(record.lastProposal.value)!,
      },
    };
    this.port.transaction(() => {
      for (const value of values) {
        if (value === null || this.saved.has(value.hash)) continue;
        this.port.run(
          'INSERT INTO consensus_values (hash, height, body) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
          [value.hash, value.block.header.height, JSON.stringify(value.block)],
        );
        this.saved.add(value.hash);
      }
      // The last proposal this validator signed may be from an earlier height (it is kept until the
      // next one), so pruning stops below the oldest block the record still refers to.
      const keepFrom = Math.min(record.height, ...values.flatMap((v) => (v ? [v.block.header.height] : [])));
      if (keepFrom > this.prunedBelow) {
        this.port.run('DELETE FROM consensus_values WHERE height < ?', [keepFrom]);
        this.prunedBelow = keepFrom;
        this.saved.clear();
        for (const value of values) if (value !== null) this.saved.add(value.hash);
      }
      this.port.run(
        'INSERT INTO consensus_record (id, body) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body',
        [JSON.stringify(stored)],
      );
    });
  }

  /**
   * For a recovery (node/recovery.ts): the record of `height`, the first height the recovered set
   * signs, loses its lock and moves to the next round. A lock or valid value there is a block of the
   * lost set, which the new signers refuse, so keeping it would stall them for ever; the rounds this
   * validator already signed in stay behind it (and its last signed messages stay in the record), so
   * it never signs twice in one round.
   */
  releaseForRecovery(height: number): void {
    const row = this.port.get<{ body: string }>('SELECT body FROM consensus_record WHERE id = 1');
    if (row === undefined) return;
    const stored = JSON.parse(row.body) as StoredRecord;
    if (stored.height !== height) return;
    const released: StoredRecord = {
      ...stored,
      round: stored.round + 1,
      step: 'propose',
      lockedRound: -1,
      lockedValue: null,
      validRound: -1,
      validValue: null,
      validPolka: [],
    };
    this.port.run('UPDATE consensus_record SET body = ? WHERE id = 1', [JSON.stringify(released)]);
  }

  load(): ConsensusRecord<BlockValue> | undefined {
    const row = this.port.get<{ body: string }>('SELECT body FROM consensus_record WHERE id = 1');
    if (row === undefined) return undefined;
    const stored = JSON.parse(row.body) as StoredRecord;
    const value = (r: ValueRef | null): BlockValue | null => {
      if (r === null) return null;
      const body = this.port.get<{ body: string }>('SELECT body FROM consensus_values WHERE hash = ?', [
        r.hash,
      ])?.body;
      // The record and its values are written in one transaction, so a missing value is corruption;
      // starting without it could make this validator sign a conflicting message.
      if (body === undefined)
        throw new NodeError('consensus.record_corrupt', 'the consensus record refers to a missing block');
      return { ...r, block: JSON.parse(body) as Block };
    };
    return {
      ...stored,
      lockedValue: value(stored.lockedValue),
      validValue: value(stored.validValue),
      lastProposal: stored.lastProposal && {
        proposal: stored.lastProposal.proposal as NonNullable<
          ConsensusRecord<BlockValue>['lastProposal']
        >['proposal'],
        value: value(stored.lastProposal.value)!,
      },
    };
  }
}
