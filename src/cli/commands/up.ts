// `carechain up` (what `npm start` runs): a local consortium of eight organisations, each a separate
// `carechain node` process with its own data directory, talking over mutual TLS on loopback. A hospital,
// a clinic, a pharmacy and an insurer are validators; a manufacturer, a distributor, a research sponsor
// and a regulator are non-voting members that follow the chain, serve their own API and submit txs. Created on first start, resumed on
// the next (a data directory made by the older four-validator demo resumes as it was); Ctrl-C stops all.
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
import { parseMembershipGenesis } from '../../app/membership/genesis.ts';
import type { Genesis } from '../../core/genesis.ts';
import {
  CONSORTIUM,
  CREDENTIALS_FILE,
  writeDemoCredentials,
  type DemoOrganisation,
} from '../demo-credentials.ts';
import { untilSignal } from './shutdown.ts';
import {
  NETWORK_KEY_FILE,
  newNetworkKey,
  wrapNetworkKey,
  writeNetworkKeyFile,
} from '../../node/claims/network-key.ts';
import { DEMO_HL7_ORG, demoHl7Config } from '../demo-hl7.ts';

const CARECHAIN_BIN = fileURLToPath(new URL('../../../bin/carechain.mjs', import.meta.url));
/** P2P ports sit this far above the API ports. */
const P2P_PORT_OFFSET = 1000;

export interface UpOptions {
  readonly dataDir: string;
  readonly basePort: number;
  /** The demo hospital's MLLP port (2575, the registered HL7 port, unless told otherwise). */
  readonly hl7Port: number;
  readonly demoTxsPerSecond: number;
}

interface Consortium {
  readonly orgs: readonly DemoOrganisation[];
  readonly dirs: readonly string[];
  readonly created: boolean;
}

/**
 * The organisations a stored consortium was created with, and their power, from its genesis: a data
 * directory made by the older four-validator demo keeps running with the nodes it has, since a
 * genesis cannot gain members afterwards.
 */
function storedOrganisations(dataDir: string): DemoOrganisation[] {
  const genesis = JSON.parse(
    readFileSync(join(dataDir, CONSORTIUM[0]!.name, 'genesis.json'), 'utf8'),
  ) as Genesis;
  const power = new Map(genesis.validators.map((v) => [v.name, v.power]));
  const ids = new Set([...power.keys(), ...(parseMembershipGenesis(genesis) ?? []).map((org) => org.id)]);
  return CONSORTIUM.filter((org) => ids.has(org.name)).map((org) => ({
    ...org,
    power: power.get(org.name) ?? 0,
  }));
}

/**
 * The demo's Beacon pricing: with a handful of genomes per custodian, a rare allele's honest price is more
 * than a researcher's whole budget (docs/GENOMICS.md), so the demo prices queries as for a common allele.
 */
const DEMO_GENOMICS = { pricingAlleleFrequency: 0.3 };

/** The demo's claims settings: the members' fingerprint key, wrapped for this node (network-key.ts). */
function demoClaims(dir: string): object {
  return existsSync(join(dir, NETWORK_KEY_FILE)) ? { networkKeyFile: NETWORK_KEY_FILE } : {};
}

/** Creates the node folders and a shared genesis on first start; (re)writes ports every start. */
function prepareConsortium(dataDir: string, basePort: number, hl7Port: number): Consortium {
  const created = !existsSync(join(dataDir, CONSORTIUM[0]!.name, CONFIG_FILE));
  const orgs = created ? CONSORTIUM : storedOrganisations(dataDir);
  const dirs = orgs.map((org) => join(dataDir, org.name));
  const ports = (i: number) => ({
    api: { host: '127.0.0.1', port: basePort + i },
    p2p: { host: '127.0.0.1', port: basePort + P2P_PORT_OFFSET + i },
  });
  if (created) {
    const members = orgs.map(
      (org, i) =>
        initNodeDir(dirs[i]!, { name: org.name, type: org.name, power: org.power, ...ports(i) }).member,
    );
    // The demo's base policy: each institution's clinicians read what it holds (docs/SECURITY.md).
    const { genesis } = buildGenesis('carechain-local', Date.now(), members, {
      basePolicy: 'treatment-relationship',
    });
    for (const dir of dirs) writeFileSync(join(dir, 'genesis.json'), JSON.stringify(genesis, null, 2) + '\n');
    // The members' claim-line fingerprint key, wrapped for each node's key (as `carechain genesis` does).
    const networkKey = newNetworkKey();
    members.forEach((m, i) =>
      writeNetworkKeyFile(
        join(dirs[i]!, NETWORK_KEY_FILE),
        wrapNetworkKey(networkKey, genesis.chainId, m.publicKey),
      ),
    );
    networkKey.fill(0);
  }
  // Ports are configuration, not consensus: rewrite them from --base-port on every start.
  const peers: PeerEntry[] = [];
  dirs.forEach((dir, i) => {
    const path = join(dir, CONFIG_FILE);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as NodeConfigFile;
    const hl7 = orgs[i]!.name === DEMO_HL7_ORG ? { hl7: demoHl7Config(dir, '127.0.0.1', hl7Port) } : {};
    const demo = created ? { genomics: DEMO_GENOMICS, claims: demoClaims(dir) } : {};
    const config = { ...stored, ...ports(i), ...demo, ...hl7 };
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
  return { orgs, dirs, created };
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
  const { orgs, dirs, created } = prepareConsortium(dataDir, options.basePort, options.hl7Port);
  const validators = orgs.filter((org) => org.power > 0).length;
  const members = orgs.length - validators;
  console.log(
    created
      ? `Created a consortium of ${validators} validators and ${members} non-voting members in ${dataDir}`
      : `Resuming the consortium stored in ${dataDir}`,
  );
  if (orgs.length < CONSORTIUM.length) {
    console.log(
      `This data directory holds an older ${orgs.length}-node demo; a fresh --data-dir gets the ${CONSORTIUM.length}-organisation demo with a manufacturer, a distributor, a research sponsor and a regulator.`,
    );
  }
  const nodes = dirs.map((dir, i) => ({ org: orgs[i]!, ...startNodeProcess(dir, orgs[i]!.name) }));
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
  let stopping = false;
  const signalled = untilSignal(async () => {
    stopping = true;
    stopDemo();
    console.log('\nStopping…');
    await stopAll();
  }).then(() => 'stopped' as const);
  const unlessStopped = async <T>(work: Promise<T>): Promise<T | 'stopped'> => {
    try {
      return await Promise.race([work, signalled]);
    } catch (err) {
      await stopAll();
      // Work cut short by Ctrl-C (a node it was talking to stopped) is not a failure.
      if (stopping) return 'stopped';
      throw err;
    }
  };
  const urls = await unlessStopped(Promise.all(nodes.map((n) => n.apiUrl)));
  if (urls === 'stopped') return;
  console.log('\ncarechain consortium is up:');
  nodes.forEach(({ org }, i) => {
    const role = org.power > 0 ? 'validator' : 'member';
    console.log(`  ${org.name.padEnd(12)} ${role.padEnd(9)} ${urls[i]}/api/v1/status`);
  });
  const credentialsPath = join(dataDir, CREDENTIALS_FILE);
  if (created || !existsSync(credentialsPath)) {
    if (
      (await unlessStopped(writeDemoCredentials(dirs, credentialsPath, (line) => console.log(line)))) ===
      'stopped'
    )
      return;
  }
  console.log(`Demo identities and bearer tokens: ${credentialsPath}`);
  console.log(`The web app: ${urls[0]}/ (every node serves it)`);
  console.log(`HL7 v2 over MLLP: 127.0.0.1:${options.hl7Port} at the ${DEMO_HL7_ORG} (docs/HL7V2.md)`);
  if (options.demoTxsPerSecond > 0) stopDemo = startDemoLoad(urls, dataDir, options.demoTxsPerSecond);
  console.log(`Press Ctrl-C to stop all ${nodes.length} nodes.\n`);
  await signalled;
}
