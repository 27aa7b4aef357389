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
