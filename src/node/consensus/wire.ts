// What nodes say to each other, and how untrusted JSON from a peer becomes a typed message. Everything
// from the network is checked for shape here; signatures and block contents are checked by the engine
// and the ledger. A block's hash is always recomputed from its header, never taken from the wire.
import { isProposalShape, isVoteShape, type Proposal } from '../../consensus/index.ts';
import { blockHash, type Block } from '../../core/block.ts';
import type { Commit, Vote } from '../../core/vote.ts';

export interface BlockValue {
  readonly hash: string;
  readonly timeMs: number;
  readonly block: Block;
}

export type WireMessage =
  | { readonly t: 'proposal'; readonly proposal: Proposal; readonly block: Block }
  | { readonly t: 'vote'; readonly vote: Vote }
  | { readonly t: 'txs'; readonly txs: readonly unknown[] }
  /** height: the sender's last committed block; consensusHeight and round: where its engine is. */
  | {
      readonly t: 'status';
      readonly height: number;
      readonly consensusHeight: number;
      readonly round: number;
    };

export interface SyncedBlock {
  readonly block: Block;
  readonly commit: Commit;
}

/** Blocks served per block-sync request. */
export const SYNC_BLOCKS_PER_REQUEST_MAX = 20;

/**
 * Bytes of blocks (as JSON) one block-sync answer may carry beyond its first block. Twenty blocks near
 * BLOCK_BYTES_MAX would pass the P2P message limit (16 MiB), and an answer over it never arrives, so a
 * node behind a run of large blocks could never catch up. The first block always goes, alone if need be:
 * one block fits the message limit, since its txs are bounded by BLOCK_BYTES_MAX (8 MiB).
 */
export const SYNC_ANSWER_BYTES_MAX = 4 * 1024 * 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A block whose header has the fields hashing needs; deeper checks are the ledger's. */
export function isBlockShape(value: unknown): value is Block {
  if (!isObject(value) || !isObject(value.header) || !Array.isArray(value.txs)) return false;
  const h = value.header;
  return (
    typeof h.height === 'number' &&
    typeof h.timeMs === 'number' &&
    typeof h.chainId === 'string' &&
    (value.lastCommit === null || isObject(value.lastCommit))
  );
}

const COMMIT_FIELDS = ['blockHash', 'height', 'round', 'signatures'];
const COMMIT_SIGNATURE_FIELDS = ['signature', 'timeMs', 'validator'];

function hasExactly(value: Record<string, unknown>, fields: readonly string[]): boolean {
  const keys = Object.keys(value).sort();
  return keys.length === fields.length && keys.every((key, i) => key === fields[i]);
}

/**
 * A commit from a peer as an exact object: the fields of Commit and nothing else, copied, so whatever
 * else a peer attached is never stored with it. Field values are checked by verifyCommit.
 */
export function exactCommit(value: unknown): Commit | undefined {
  if (!isObject(value) || !hasExactly(value, COMMIT_FIELDS) || !Array.isArray(value.signatures)) {
    return undefined;
  }
  const signatures: Commit['signatures'][number][] = [];
  for (const s of value.signatures as unknown[]) {
    if (!isObject(s) || !hasExactly(s, COMMIT_SIGNATURE_FIELDS)) return undefined;
    signatures.push({
      validator: s.validator as string,
      timeMs: s.timeMs as number,
      signature: s.signature as string,
    });
  }
  return {
    height: value.height as number,
    round: value.round as number,
    blockHash: value.blockHash as string,
    signatures,
  };
}

export function blockValue(block: Block): BlockValue | undefined {
  try {
    return { hash: blockHash(block.header), timeMs: block.header.timeMs, block };
  } catch {
    return undefined; // a header outside the canonical domain cannot be any block's
  }
}

export function parseWireMessage(value: unknown): WireMessage | undefined {
  if (!isObject(value)) return undefined;
  switch (value.t) {
    case 'proposal':
      return isObject(value.proposal) &&
        isProposalShape(value.proposal as unknown as Proposal) &&
        isBlockShape(value.block)
        ? { t: 'proposal', proposal: value.proposal as unknown as Proposal, block: value.block }
        : undefined;
    case 'vote':
      return isObject(value.vote) && isVoteShape(value.vote as unknown as Vote)
        ? { t: 'vote', vote: value.vote as unknown as Vote }
        : undefined;
    case 'txs':
      return Array.isArray(value.txs) ? { t: 'txs', txs: value.txs } : undefined;
    case 'status':
      return [value.height, value.consensusHeight, value.round].every((n) => Number.isSafeInteger(n))
        ? {
            t: 'status',
            height: value.height as number,
            consensusHeight: value.consensusHeight as number,
            round: value.round as number,
          }
        : undefined;
    default:
      return undefined;
  }
}
