// `carechain proof verify --policy policy.txt file.tlog-proof`: checks a c2sp.org/tlog-proof@v1 file
// offline, with nothing but the file and a witness policy (as GET /api/v1/witness/policy serves it):
// the checkpoint's log signature, the policy's quorum of cosignatures, and the inclusion path from the
// entry to the checkpoint's root. carechain's proofs carry the entry (the signed tx, as committed) in
// their extra line; `--entry` gives it for a proof without one. Exit 0 when the proof holds.
import { readFileSync } from 'node:fs';
import { fromUtf8 } from '../../core/bytes.ts';
import { parsePolicy, parseProof, verifyProof } from '../../core/c2sp/index.ts';
import { leafHash } from '../../core/merkle/index.ts';
import { txHashOfBytes } from '../../core/tx.ts';

export function runProofVerify(file: string, options: { policy: string; entry?: string }): number {
  try {
    const policy = parsePolicy(readFileSync(options.policy, 'utf8'));
    const proof = parseProof(readFileSync(file, 'utf8'));
    const entry = options.entry === undefined ? proof.extra : new Uint8Array(readFileSync(options.entry));
    if (entry === null) {
      console.error('proof: the file carries no entry (extra line); give it with --entry <file>');
      return 1;
    }
    const verified = verifyProof(proof, leafHash(entry), policy);
    const { origin, size } = verified.checkpoint;
    let what = `entry ${proof.index}`;
    try {
      const tx = JSON.parse(fromUtf8(entry)) as { type?: unknown };
      if (typeof tx.type === 'string')
        what = `tx ${txHashOfBytes(entry)} (${tx.type}) at index ${proof.index}`;
    } catch {
      // Not a carechain tx: the entry is reported by its index only.
    }
    console.log(`ok: ${what} is in ${origin} at size ${size}`);
    console.log(`cosigned by ${verified.cosigners.join(', ')}`);
    return 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    console.error(
      `proof: NOT verified: ${err instanceof Error ? err.message : String(err)}${typeof code === 'string' ? ` (${code})` : ''}`,
    );
    return 1;
  }
}
