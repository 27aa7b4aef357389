// `carechain up` (what `npm start` runs): a local consortium of four validators — a hospital, a clinic,
// a pharmacy and an insurer — each a separate `carechain node` process with its own data directory,
// talking over mutual TLS on loopback. Created on first start, resumed on the next; Ctrl-C stops all.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildGenesis,
  CONFIG_FILE,
  initNodeDir,
  type NodeConfigFile,
  type PeerEntry,
} from '../../node/config.ts';
import { startDemoLoad } from '../demo-load.ts';
import { CONSORTIUM, CREDENTIALS_FILE, writeDemoCredentials } from '../demo-credentials.ts';
import { untilSignal } from './shutdown.ts';

const CARECHAIN_BIN = fileURLToPath(new URL('../../../bin/carechain.mjs', import.meta.url));
/** P2P ports sit this far above the API ports. */
const P2P_PORT_OFFSET = 1000;

export interface UpOptions {
  readonly dataDir: string;
  readonly basePort: number;
  readonly demoTxsPerSecond: number;
}

/** Creates the four node folders and a shared genesis on first start; (re)writes ports every start. */
function prepareConsortium(dataDir: string, basePort: number): { dirs: string[]; created: boolean } {
  const dirs = CONSORTIUM.map((name) => join(dataDir, name));
  const created = !existsSync(join(dirs[0]!, CONFIG_FILE));
  const ports = (i: number) => ({
    api: { host: '127.0.0.1', port: basePort + i },
    p2p: { host: '127.0.0.1', port: basePort + P2P_PORT_OFFSET + i },
  });
  if (created) {
    const members = CONSORTIUM.map(
      (name, i) => initNodeDir(dirs[i]!, { name, type: name, power: 10, ...ports(i) }).member,
    );
    const { genesis } = buildGenesis('carechain-local', Date.now(), members);
    for (const dir of dirs) writeFileSync(join(dir, 'genesis.json'), JSON.stringify(genesis, null, 2) + '\n');
  }
  // Ports are configuration, not consensus: rewrite them from --base-port on every start.
  const peers: PeerEntry[] = [];
  dirs.forEach((dir, i) => {
    const path = join(dir, CONFIG_FILE);
    const config = { ...(JSON.parse(readFileSync(path, 'utf8')) as NodeConfigFile), ...ports(i) };
    writeFileSync(path, JSON.stringify(config, null, 2) + '\n');
    const member = JSON.parse(readFileSync(join(dir, 'member.json'), 'utf8')) as { publicKey: string };
    peers.push({
      name: config.name,
      publicKey: member.publicKey,
      host: config.p2p.host,
      port: config.p2p.port,
    });
  });
  for (const dir of dirs) writeFileSync(join(dir, 'peers.json'), JSON.stringify(peers, null, 2) + '\n');
  return { dirs, created };
}

function startNodeProcess(dir: string, name: string): { child: ChildProcess; apiUrl: Promise<string> } {
  const child = spawn(process.execPath, [CARECHAIN_BIN, 'node', '--config', join(dir, CONFIG_FILE)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const apiUrl = new Promise<string>((resolveUrl, reject) => {
    let pending = '';
    const onLine = (line: string): void => {
      console.log(`[${name}] ${line}`);
      const match = /API listening on (\S+),/.exec(line);
      if (match) resolveUrl(match[1]!);
    };
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.on('exit', (code) => reject(new Error(`${name} exited with code ${code}`)));
  });
  return { child, apiUrl };
}

export async function runUp(options: UpOptions): Promise<void> {
  const dataDir = resolve(options.dataDir);
  const { dirs, created } = prepareConsortium(dataDir, options.basePort);
  console.log(
    created
      ? `Created a 4-validator consortium in ${dataDir}`
      : `Resuming the consortium stored in ${dataDir}`,
  );
  const nodes = dirs.map((dir, i) => ({ name: CONSORTIUM[i]!, ...startNodeProcess(dir, CONSORTIUM[i]!) }));
  const stopAll = async (): Promise<void> => {
    await Promise.all(
      nodes.map(
        ({ child }) =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      ),
    );
  };
  // Ctrl-C is honoured from the first moment: a signal during start-up must not orphan the nodes.
  let stopDemo = (): void => {};
  const signalled = untilSignal(async () => {
    stopDemo();
    console.log('\nStopping…');
    await stopAll();
  }).then(() => 'stopped' as const);
  const unlessStopped = async <T>(work: Promise<T>): Promise<T | 'stopped'> => {
    try {
      return await Promise.race([work, signalled]);
    } catch (err) {
      await stopAll();
      throw err;
    }
  };
  const urls = await unlessStopped(Promise.all(nodes.map((n) => n.apiUrl)));
  if (urls === 'stopped') return;
  console.log('\ncarechain consortium is up:');
  nodes.forEach((n, i) => console.log(`  ${n.name.padEnd(10)} ${urls[i]}/api/v1/status`));
  const credentialsPath = join(dataDir, CREDENTIALS_FILE);
  if (created || !existsSync(credentialsPath)) {
    if ((await unlessStopped(writeDemoCredentials(dirs, credentialsPath))) === 'stopped') return;
  }
  console.log(`Demo identities and bearer tokens: ${credentialsPath}`);
  if (options.demoTxsPerSecond > 0) stopDemo = startDemoLoad(urls, dataDir, options.demoTxsPerSecond);
  console.log('Press Ctrl-C to stop all four nodes.\n');
  await signalled;
}
