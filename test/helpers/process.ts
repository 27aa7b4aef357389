// Starts `carechain` commands as real child processes, as a user would, and finds the API address in
// their output.
import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningNode {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  output(): string;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startCli(args: readonly string[], timeoutMs = 30_000): Promise<RunningNode> {
  const child = spawn(process.execPath, ['bin/carechain.mjs', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start:\n${out}`)), timeoutMs);
    const check = (): void => {
      const match = /API listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout.off('data', check);
      resolve({
        baseUrl: match[1]!,
        child,
        output: () => out,
        stop: () => {
          child.kill('SIGINT');
          return exited;
        },
      });
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code}:\n${out}`));
    });
  });
}
