// Runs test/independent/rfc9162_verify.py (an RFC 9162 verifier sharing no code with carechain).
import { runPython } from './python.ts';

export type IndependentQuery =
  | { kind: 'inclusion'; leafHash: string; leafIndex: number; treeSize: number; path: string[]; root: string }
  | {
      kind: 'consistency';
      fromSize: number;
      toSize: number;
      fromRoot: string;
      toRoot: string;
      path: string[];
    };

export async function independentlyVerify(queries: readonly IndependentQuery[]): Promise<boolean[]> {
  const input = queries.map((q) => JSON.stringify(q)).join('\n') + '\n';
  const stdout = await runPython('test/independent/rfc9162_verify.py', input);
  return stdout
    .trim()
    .split('\n')
    .map((line) => line === 'ok');
}

export interface IndependentNoteVerdict {
  readonly origin: string;
  readonly size: number;
  readonly root: string;
  readonly logSigned: boolean;
  readonly cosigners: readonly string[];
  readonly quorum: boolean;
  readonly failed: readonly string[];
}

/**
 * Checks a signed-note checkpoint against a tlog-policy with test/independent/signed_note_verify.py
 * (signed-note, cosignature/v1 and the policy's quorum, Ed25519 from RFC 8032 in pure Python).
 */
export async function independentlyCheckNote(note: string, policy: string): Promise<IndependentNoteVerdict> {
  const stdout = await runPython('test/independent/signed_note_verify.py', JSON.stringify({ note, policy }));
  return JSON.parse(stdout) as IndependentNoteVerdict;
}
