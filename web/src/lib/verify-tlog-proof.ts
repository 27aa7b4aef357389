// The verifier page's check of a downloaded proof file (c2sp.org/tlog-proof@v1, issue 15), in the
// browser with nothing but the file and a witness policy: the same core code as `carechain proof verify`
// (core/c2sp verifyProof). Each step is reported, passed or failed:
//   1. the file is a tlog-proof and carries its entry (carechain's proofs carry the signed tx);
//   2. the entry is a carechain tx whose signature verifies (core checkTxStateless), named by its hash;
//   3. the checkpoint is signed by a log of the policy, cosigned by its quorum of witnesses, and the
//      inclusion path leads from the entry's leaf hash to the checkpoint's root.
// Pure: no DOM, no fetch.
import { fromUtf8 } from '../../../src/core/bytes.ts';
import { parsePolicy, parseProof, verifyProof, type TlogProof } from '../../../src/core/c2sp/index.ts';
import { leafHash } from '../../../src/core/merkle/index.ts';
import { checkTxStateless, txHashOfBytes } from '../../../src/core/tx.ts';

export interface ProofStep {
  readonly id: 'file' | 'entry' | 'proof';
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : 'failed');

export function verifyProofFile(fileText: string, policyText: string): ProofStep[] {
  const steps: ProofStep[] = [];
  let proof: TlogProof | undefined;
  try {
    proof = parseProof(fileText);
    if (proof.extra === null) throw new Error('the file carries no entry (extra line)');
    steps.push({ id: 'file', label: 'A proof file', ok: true, detail: `entry ${proof.index} of the log` });
  } catch (err) {
    steps.push({ id: 'file', label: 'A proof file', ok: false, detail: messageOf(err) });
    return steps;
  }
  const entry = proof.extra;
  try {
    const raw: unknown = JSON.parse(fromUtf8(entry));
    const chainId = typeof raw === 'object' && raw !== null && 'chainId' in raw ? String(raw.chainId) : '';
    const { tx } = checkTxStateless(raw, chainId);
    const detail = `${tx.type}, tx ${txHashOfBytes(entry)}, signed by ${tx.signer.slice(0, 12)}…`;
    steps.push({ id: 'entry', label: 'A signed transaction', ok: true, detail });
  } catch (err) {
    steps.push({ id: 'entry', label: 'A signed transaction', ok: false, detail: messageOf(err) });
  }
  try {
    const verified = verifyProof(proof, leafHash(entry), parsePolicy(policyText));
    const { origin, size } = verified.checkpoint;
    const cosigners = verified.cosigners.length === 0 ? 'no witness' : verified.cosigners.join(', ');
    const detail = `in ${origin} at size ${size}, cosigned by ${cosigners}`;
    steps.push({ id: 'proof', label: 'In the cosigned ledger', ok: true, detail });
  } catch (err) {
    steps.push({ id: 'proof', label: 'In the cosigned ledger', ok: false, detail: messageOf(err) });
  }
  return steps;
}
