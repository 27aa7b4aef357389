// Checkpoints (c2sp.org/tlog-checkpoint): the note text "<origin>\n<tree size>\n<base64 root hash>\n",
// optionally followed by extension lines, signed by the log and cosigned by witnesses.
import { CoreError } from '../errors.ts';
import { fromBase64, toBase64 } from './base64.ts';

export interface CheckpointBody {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions: readonly string[];
}

const invalid = (message: string) => new CoreError('c2sp.malformed_checkpoint', message);

/**
 * An origin names one log, as a schema-less URL (carechain: "carechain.local/<chainId>" unless genesis
 * names another). It may not begin "carechain/": the node signs checkpoints with the key that signs its
 * votes, and carechain's own signatures all begin "carechain/v1/<purpose>/" (core/crypto), so no
 * checkpoint text can ever be a carechain signing message.
 */
export function isOrigin(origin: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(origin) && !origin.startsWith('carechain/');
}

export function formatCheckpoint(body: Omit<CheckpointBody, 'extensions'>): string {
  if (!isOrigin(body.origin)) throw invalid('the origin is printable ASCII without spaces');
  if (!Number.isSafeInteger(body.size) || body.size < 0) throw invalid('the size is a non-negative integer');
  if (body.rootHash.length !== 32) throw invalid('the root hash is 32 bytes');
  return `${body.origin}\n${body.size}\n${toBase64(body.rootHash)}\n`;
}

/** Parses a checkpoint's note text (its signatures are the note's business, ./note.ts). */
export function parseCheckpoint(text: string): CheckpointBody {
  if (!text.endsWith('\n')) throw invalid('a checkpoint ends in a newline');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || !isOrigin(origin)) throw invalid('the first line is the log’s origin');
  if (size === undefined || !/^(?:0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size))) {
    throw invalid('the second line is the tree size in decimal, without leading zeroes');
  }
  const rootHash = fromBase64(root ?? '', 'root hash');
  if (rootHash.length !== 32) throw invalid('the third line is a 32-byte root hash in base64');
  if (extensions.some((line) => line.length === 0)) throw invalid('extension lines are not empty');
  return { origin, size: Number(size), rootHash, extensions };
}
