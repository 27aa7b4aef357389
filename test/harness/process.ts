// Starts `carechain` commands as real child processes, as a user would, and waits for a line of their
// output that says they are ready (a node's "API listening on", `up`'s credentials).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const CARECHAIN_BIN = new URL('../../bin/carechain.mjs', import.meta.url).pathname;
/**
 * How long a process may take to say it is ready. Generous on purpose: the test machine is shared, and
 * under load tsx's start-up alone has taken over 30 s. It bounds a hung start; it measures nothing.
 */
const START_TIMEOUT_MS = 120_000;

export interface CarechainProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Everything written to stdout and stderr so far. */
  output(): string;
}

export interface SpawnOptions {
  /** Resolve once the output matches this; reject if the process exits first. */
  readonly ready: RegExp;
  readonly timeoutMs?: number;
  /** Flags for node itself, before the script. */
  readonly nodeFlags?: readonly string[];
  /** Extra environment variables (a test hook such as CARECHAIN_TEST_ERASURE_CRASH). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Spawns `bin/carechain.mjs args…` and resolves once its output matches `ready`. */
export function spawnCarechain(args: readonly string[], options: SpawnOptions): Promise<CarechainProcess> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), CARECHAIN_BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // leave no stray process behind a failed start
      reject(new Error(`carechain ${args[0]} did not start:\n${out}`));
    }, options.timeoutMs ?? START_TIMEOUT_MS);
    let settled = false;
    const onData = (chunk: string): void => {
      out += chunk;
      if (!settled && options.ready.test(out)) {
        settled = true;
        clearTimeout(timer);
        resolve({ child, exited, output: () => out });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`carechain ${args[0]} exited with ${code}:\n${out}`));
    });
  });
}

export type NodeProcess = CarechainProcess;

/** Signals every process still running (holes in the list are skipped) and waits until all have exited. */
export async function stopProcesses(
  procs: readonly (CarechainProcess | undefined)[],
  signal: 'SIGTERM' | 'SIGKILL' = 'SIGKILL',
): Promise<void> {
  const started = procs.filter((p) => p !== undefined);
  for (const p of started) if (p.child.exitCode === null) p.child.kill(signal);
  await Promise.all(started.map((p) => p.exited));
}

/** Starts `carechain node` for a folder and resolves once its API listens. */
export function startNodeProcess(
  dir: string,
  timeoutMs = START_TIMEOUT_MS,
  env?: Readonly<Record<string, string>>,
): Promise<NodeProcess> {
  // CARECHAIN_NODE_FLAGS passes node flags to the node processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
  const nodeFlags = process.env.CARECHAIN_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  return spawnCarechain(['node', '--config', join(dir, 'node.json')], {
    ready: /API listening on/,
    timeoutMs,
    nodeFlags,
    ...(env === undefined ? {} : { env }),
  });
}

/**
 * Starts a node process for every folder and adds each to `procs` as soon as it listens, so the test's
 * `after` stops every node that did start even when another failed; then throws the first failure.
 */
export async function startNodeProcesses(
  dirs: readonly string[],
  procs: NodeProcess[],
  timeoutMs = START_TIMEOUT_MS,
): Promise<void> {
  const started = await Promise.allSettled(dirs.map((dir) => startNodeProcess(dir, timeoutMs)));
  for (const s of started) if (s.status === 'fulfilled') procs.push(s.value);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
}

export interface RunningNode extends CarechainProcess {
  readonly baseUrl: string;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs any `carechain` command that serves an API, and finds the API address in its output. */
export async function startCli(args: readonly string[], timeoutMs = START_TIMEOUT_MS): Promise<RunningNode> {
  const ready = /API listening on (http:\/\/[\d.]+:\d+)/;
  const started = await spawnCarechain(args, { ready, timeoutMs });
  return {
    ...started,
    baseUrl: ready.exec(started.output())![1]!,
    stop: () => {
      started.child.kill('SIGINT');
      return started.exited;
    },
  };
}

/** What a `carechain` command that runs to its end left: its exit code and its two streams. */
export interface CarechainRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `bin/carechain.mjs args…` to its end without blocking this process (which may be serving the
 * node it talks to). `env` is set over this process's environment; a variable set to undefined is removed
 * (a token the command must not find).
 */
export function runCarechain(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<CarechainRun> {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [CARECHAIN_BIN, ...args], { env: merged }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}
