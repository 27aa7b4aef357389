// Runs test/independent/rfc9162_verify.py (an RFC 9162 verifier sharing no code with carechain).
import { spawnSync } from 'node:child_process';

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

export function independentlyVerify(queries: readonly IndependentQuery[]): boolean[] {
  const result = spawnSync('python3', ['test/independent/rfc9162_verify.py'], {
    input: queries.map((q) => JSON.stringify(q)).join('\n') + '\n',
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`independent verifier failed: ${result.stderr}`);
  return result.stdout
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
export function independentlyCheckNote(note: string, policy: string): IndependentNoteVerdict {
  const result = spawnSync('python3', ['test/independent/signed_note_verify.py'], {
    input: JSON.stringify({ note, policy }),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`independent note checker failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as IndependentNoteVerdict;
}
