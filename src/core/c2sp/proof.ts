// Portable proofs (c2sp.org/tlog-proof@v1): "c2sp.org/tlog-proof@v1", an optional "extra <base64>"
// line, "index <n>", the RFC 6962 inclusion path one base64 hash per line, a blank line, then the
// cosigned checkpoint verbatim. Verified offline against a witness policy: the checkpoint must carry a
// signature of one of the policy's logs (whose key name is the checkpoint's origin) and cosignatures
// meeting its quorum, and the path must lead from the entry's leaf hash to the checkpoint's root.
import { CoreError } from '../errors.ts';
import { verifyInclusion } from '../merkle/index.ts';
import { fromBase64, toBase64 } from './base64.ts';
import { parseCheckpoint, type CheckpointBody } from './checkpoint.ts';
import { parseNote, SIG_COSIGNATURE_V1, verifyNote } from './note.ts';
import { quorumMet, type WitnessPolicy } from './policy.ts';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
/** A path in a tree of at most 2^64 leaves has at most 64 hashes. */
const PATH_LENGTH_MAX = 64;

export interface TlogProof {
  readonly extra: Uint8Array | null;
  readonly index: number;
  readonly path: readonly Uint8Array[];
  /** The signed note of the checkpoint, verbatim. */
  readonly checkpoint: string;
}

const invalid = (message: string) => new CoreError('c2sp.proof_invalid', message);

export function formatProof(proof: TlogProof): string {
  const extra = proof.extra === null ? '' : `extra ${toBase64(proof.extra)}\n`;
  const path = proof.path.map((hash) => `${toBase64(hash)}\n`).join('');
  return `${TLOG_PROOF_HEADER}\n${extra}index ${proof.index}\n${path}\n${proof.checkpoint}`;
}

export function parseProof(text: string): TlogProof {
  const lines = text.split('\n');
  let at = 0;
  if (lines[at++] !== TLOG_PROOF_HEADER) throw invalid(`the first line is ${TLOG_PROOF_HEADER}`);
  let extra: Uint8Array | null = null;
  if (lines[at]?.startsWith('extra ')) extra = fromBase64(lines[at++]!.slice(6), 'extra');
  const index = /^index (0|[1-9][0-9]{0,15})$/.exec(lines[at++] ?? '');
  if (index === null || !Number.isSafeInteger(Number(index[1]))) throw invalid('then "index <n>" in decimal');
  const path: Uint8Array[] = [];
  while (at < lines.length && lines[at] !== '') {
    if (path.length >= PATH_LENGTH_MAX) throw invalid('the inclusion path is too long');
    const hash = fromBase64(lines[at++]!, 'path hash');
    if (hash.length !== 32) throw invalid('each path line is a 32-byte hash');
    path.push(hash);
  }
  if (at >= lines.length) throw invalid('a blank line comes before the checkpoint');
  return { extra, index: Number(index[1]), path, checkpoint: lines.slice(at + 1).join('\n') };
}

export interface VerifiedProof {
  readonly checkpoint: CheckpointBody;
  /** The policy's witness names whose cosignatures verified. */
  readonly cosigners: readonly string[];
}

/** Verifies a cosigned checkpoint against a policy: a log's signature and the quorum of cosignatures. */
export function verifyCheckpointNote(note: string, policy: WitnessPolicy): VerifiedProof {
  const parsed = parseNote(note);
  const checkpoint = parseCheckpoint(parsed.text);
  const logs = policy.logs.filter((log) => log.name === checkpoint.origin);
  const witnesses = [...policy.witnesses.entries()];
  const verified = verifyNote(parsed, [...logs, ...witnesses.map(([, v]) => v)]);
  if (!verified.some((s) => logs.includes(s.verifier))) {
    throw new CoreError('c2sp.unverified', 'no log of the policy signed this checkpoint');
  }
  const cosigners = witnesses
    .filter(([, v]) => v.type === SIG_COSIGNATURE_V1 && verified.some((s) => s.verifier === v))
    .map(([name]) => name);
  if (!quorumMet(policy, new Set(cosigners))) {
    throw new CoreError('c2sp.quorum_not_met', 'the cosignatures do not meet the policy’s quorum', {
      cosigners: cosigners.length,
    });
  }
  return { checkpoint, cosigners };
}

/** Verifies a proof of the entry whose RFC 6962 leaf hash is `leafHash`; throws unless it holds. */
export function verifyProof(proof: TlogProof, leafHash: Uint8Array, policy: WitnessPolicy): VerifiedProof {
  const verified = verifyCheckpointNote(proof.checkpoint, policy);
  const { size, rootHash } = verified.checkpoint;
  if (!verifyInclusion(leafHash, proof.index, size, proof.path, rootHash)) {
    throw invalid('the inclusion path does not lead to the checkpoint’s root');
  }
  return verified;
}
