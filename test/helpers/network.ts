// Real multi-process networks for tests: node folders made with the same functions as `carechain init`
// and `carechain genesis`, each node a separate `carechain node` process on loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { buildGenesis, initNodeDir, type MemberFile } from '../../src/node/config.ts';

export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface TestNetwork {
  readonly names: readonly string[];
  readonly dirs: readonly string[];
  readonly apiUrls: readonly string[];
}

/** Makes node folders for `names`, with a shared genesis and peer list, on fresh loopback ports. */
export async function makeNetwork(
  root: string,
  names: readonly string[],
  powers?: readonly number[],
): Promise<TestNetwork> {
  const ports = await freePorts(names.length * 2);
  const members: MemberFile[] = [];
  const dirs = names.map((name, i) => {
    const dir = join(root, name);
    const { member } = initNodeDir(dir, {
      name,
      type: 'hospital',
      power: powers?.[i] ?? 10,
      api: { host: '127.0.0.1', port: ports[2 * i]! },
      p2p: { host: '127.0.0.1', port: ports[2 * i + 1]! },
    });
    members.push(member);
    return dir;
  });
  const { genesis, peers } = buildGenesis('carechain-test-net', Date.now(), members);
  for (const dir of dirs) {
    writeFileSync(join(dir, 'genesis.json'), JSON.stringify(genesis));
    writeFileSync(join(dir, 'peers.json'), JSON.stringify(peers));
  }
  return { names, dirs, apiUrls: names.map((_, i) => `http://127.0.0.1:${ports[2 * i]}`) };
}

export interface NodeProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
}

/** Starts `carechain node` for a folder and resolves once its API listens. */
export function startNodeProcess(dir: string, timeoutMs = 30_000): Promise<NodeProcess> {
  // CARECHAIN_NODE_FLAGS passes node flags to the node processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p".
  const flags = process.env.CARECHAIN_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [...flags, 'bin/carechain.mjs', 'node', '--config', join(dir, 'node.json')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start:\n${out}`)), timeoutMs);
    const onData = (chunk: string): void => {
      out += chunk;
      if (/API listening on/.test(out)) {
        clearTimeout(timer);
        resolve({ child, exited, output: () => out });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code}:\n${out}`));
    });
  });
}

export async function getJson(url: string): Promise<any> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return response.json();
}

/** Polls until `condition` is true or `timeoutMs` passes; returns whether it became true. */
export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  stepMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await condition()) return true;
    } catch {
      // a node that is down or restarting: keep polling
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return false;
}
