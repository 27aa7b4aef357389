// The witness's decision on a c2sp.org/tlog-witness add-checkpoint request, as a pure function of the
// request body, the log keys it trusts and the last checkpoint it cosigned for that origin. The caller
// (a member node, or the standalone witness) reads its state, calls this, and on 'cosign' persists the
// new size and root atomically with the cosignature before answering (the spec's rollback race).
import { bytesEqual } from '../bytes.ts';
import { CoreError } from '../errors.ts';
import { verifyConsistency } from '../merkle/index.ts';
import { fromBase64 } from './base64.ts';
import { parseCheckpoint, type CheckpointBody } from './checkpoint.ts';
import { parseNote, verifyNote, type Verifier } from './note.ts';

/** The client may send at most 63 consistency proof lines (tlog-witness). */
export const CONSISTENCY_PROOF_LINES_MAX = 63;

export interface WitnessedHead {
  readonly size: number;
  readonly rootHash: Uint8Array;
}

export type AddCheckpointDecision =
  | { readonly kind: 'cosign'; readonly checkpoint: CheckpointBody; readonly text: string }
  /** 409: the old size is not the last cosigned size (answer it as text/x.tlog.size), or same size, other root. */
  | { readonly kind: 'conflict'; readonly status: 409; readonly lastSize: number }
  /**
   * 422: signed by the log but not consistent with what this witness cosigned: the evidence of a fork
   * or a rewrite, worth keeping (the spec allows logging it; carechain commits it as evidence).
   */
  | { readonly kind: 'inconsistent'; readonly status: 422; readonly checkpoint: CheckpointBody }
  | { readonly kind: 'refused'; readonly status: 400 | 403 | 404; readonly reason: string };

function parseRequest(body: string): { oldSize: number; proof: Uint8Array[]; note: string } {
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw new CoreError('c2sp.malformed', 'an old size line, proof lines, a blank line');
  const [oldLine, ...proofLines] = body.slice(0, blank).split('\n');
  const old = /^old (0|[1-9][0-9]{0,15})$/.exec(oldLine ?? '');
  if (old === null || !Number.isSafeInteger(Number(old[1]))) {
    throw new CoreError('c2sp.malformed', 'the first line is "old <size>"');
  }
  if (proofLines.length > CONSISTENCY_PROOF_LINES_MAX) {
    throw new CoreError('c2sp.malformed', 'at most 63 consistency proof lines');
  }
  const proof = proofLines.map((line) => fromBase64(line, 'proof hash'));
  return { oldSize: Number(old[1]), proof, note: body.slice(blank + 2) };
}

/**
 * Decides an add-checkpoint request. `logsByOrigin` gives the log keys trusted per origin; `last` is
 * the last head cosigned for the checkpoint's origin, or null before the first.
 */
export function decideAddCheckpoint(
  body: string,
  logsByOrigin: (origin: string) => readonly Verifier[] | undefined,
  last: (origin: string) => WitnessedHead | null,
): AddCheckpointDecision {
  let request: ReturnType<typeof parseRequest>;
  let checkpoint: CheckpointBody;
  let text: string;
  try {
    request = parseRequest(body);
    const note = parseNote(request.note);
    checkpoint = parseCheckpoint(note.text);
    text = note.text;
    const logs = logsByOrigin(checkpoint.origin);
    if (logs === undefined) return { kind: 'refused', status: 404, reason: 'unknown origin' };
    try {
      verifyNote(note, logs);
    } catch {
      return { kind: 'refused', status: 403, reason: 'no trusted log key signed the checkpoint' };
    }
  } catch (err) {
    if (err instanceof CoreError) return { kind: 'refused', status: 400, reason: err.message };
    throw err;
  }
  const { oldSize, proof } = request;
  if (oldSize > checkpoint.size)
    return { kind: 'refused', status: 400, reason: 'old size beyond the checkpoint' };
  const head = last(checkpoint.origin);
  const lastSize = head?.size ?? 0;
  if (oldSize !== lastSize) return { kind: 'conflict', status: 409, lastSize };
  if (head === null || head.size === 0) {
    if (proof.length !== 0) return { kind: 'inconsistent', status: 422, checkpoint };
    return { kind: 'cosign', checkpoint, text };
  }
  if (head.size === checkpoint.size) {
    return bytesEqual(head.rootHash, checkpoint.rootHash)
      ? { kind: 'cosign', checkpoint, text }
      : { kind: 'conflict', status: 409, lastSize };
  }
  if (!verifyConsistency(head.size, checkpoint.size, head.rootHash, checkpoint.rootHash, proof)) {
    return { kind: 'inconsistent', status: 422, checkpoint };
  }
  return { kind: 'cosign', checkpoint, text };
}
