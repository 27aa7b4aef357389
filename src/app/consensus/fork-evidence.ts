// Witness fork evidence (issue 15): a checkpoint a witness refused as inconsistent with what it had
// cosigned, committed so that everyone (and the explorer) sees it. Only a member organisation's node may
// report one, and every node re-checks that the refused checkpoint carries a log signature (type 0x01,
// key name = its origin) of some member node's key: a node key that signed a root other than the chain's
// is the offence. Whether the root differs from the chain's own log at that size is checked by the
// reporting node before it reports (services/witness/fork-report.ts): the app state has no past log
// roots to compare with. One record per refused checkpoint.
import { fromHex, toHex, utf8 } from '../../core/bytes.ts';
import {
  parseCheckpoint,
  parseNote,
  SIG_ED25519,
  verifier,
  verifyNote,
  type Verifier,
} from '../../core/c2sp/index.ts';
import { sha256 } from '../../core/crypto/index.ts';
import { CoreError } from '../../core/errors.ts';
import { TxError } from '../../core/tx.ts';
import { keyEntry, organisation, organisationIds } from '../membership/queries.ts';
import type { TxContext } from '../module.ts';
import { invalidPayload, type PayloadObject } from '../payload.ts';
import { encodeStateValue } from '../state.ts';

export const FORK_EVIDENCE_PREFIX = 'consensus/fork-evidence/';
export const FORK_EVIDENCE_NOTE_BYTES_MAX = 8192;
export const FORK_EVIDENCE_KINDS = ['same-size-other-root', 'inconsistent'] as const;
export type ForkEvidenceKind = (typeof FORK_EVIDENCE_KINDS)[number];

export interface ForkEvidenceRecord {
  readonly kind: ForkEvidenceKind;
  readonly origin: string;
  readonly size: number;
  /** Base64, as in the checkpoint. */
  readonly rootHash: string;
  /** The node keys whose log signature on the refused checkpoint verified. */
  readonly signedBy: readonly string[];
  readonly reportedBy: string;
  readonly committedAt: number;
  readonly txHash: string;
  /** The refused checkpoint's signed note, verbatim. */
  readonly checkpoint: string;
}

export function applyForkEvidence(ctx: TxContext, { kind, checkpoint }: PayloadObject): void {
  if (!FORK_EVIDENCE_KINDS.includes(kind as ForkEvidenceKind)) {
    throw invalidPayload(`kind must be one of ${FORK_EVIDENCE_KINDS.join(', ')}`);
  }
  if (typeof checkpoint !== 'string' || utf8(checkpoint).length > FORK_EVIDENCE_NOTE_BYTES_MAX) {
    throw invalidPayload(`checkpoint is a signed note of at most ${FORK_EVIDENCE_NOTE_BYTES_MAX} bytes`);
  }
  if (keyEntry(ctx.state, ctx.signer)?.kind !== 'node') {
    throw new TxError('tx.rejected', 'only a member organisation’s node reports fork evidence', {
      reason: 'consensus.not_member_node',
    });
  }
  let body: ReturnType<typeof parseCheckpoint>;
  let signedBy: string[];
  try {
    const note = parseNote(checkpoint);
    body = parseCheckpoint(note.text);
    const logs: Verifier[] = organisationIds(ctx.state).flatMap((id) =>
      (organisation(ctx.state, id)?.nodeKeys ?? []).map((k) =>
        verifier(body.origin, SIG_ED25519, fromHex(k)),
      ),
    );
    signedBy = verifyNote(note, logs).map((s) => toHex(s.verifier.publicKey));
  } catch (err) {
    if (err instanceof CoreError) throw invalidPayload(`fork evidence rejected: ${err.message}`);
    throw err;
  }
  const key = FORK_EVIDENCE_PREFIX + toHex(sha256(utf8(checkpoint)));
  if (ctx.state.get(key) !== undefined) {
    throw new TxError('tx.rejected', 'this checkpoint is already reported', {
      reason: 'consensus.duplicate_evidence',
    });
  }
  const record: ForkEvidenceRecord = {
    kind: kind as ForkEvidenceKind,
    origin: body.origin,
    size: body.size,
    rootHash: checkpoint.split('\n')[2] ?? '',
    signedBy,
    reportedBy: ctx.signer,
    committedAt: ctx.height,
    txHash: ctx.txHash,
    checkpoint,
  };
  ctx.state.set(key, encodeStateValue(record));
}
