/**
 * Ports for tests that tell a process its port before it binds it: node folders written with their API
 * and P2P ports, `carechain up --base-port`, a PostgreSQL cluster, an MLLP receiver.
 *
 * Two things broke the old "listen on 0, close, hand the port on" way, and CI saw both as EADDRINUSE:
 * - The port came from Linux's ephemeral range (32768–60999 by default), where the kernel may hand it to
 *   another test's outgoing connection or `listen(0)` before our process binds it. Ports here are drawn
 *   below that range, where the kernel never picks on its own.
 * - Test files run in parallel processes, and two of them could pick the same free port. Each port is
 *   therefore reserved with a file created exclusively (O_EXCL) in a folder shared by the whole run,
 *   named after the test runner's pid; folders of runs that have ended are removed.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FOLDER_PREFIX = 'carechain-test-ports-';
/** One run of `node --test` (every test file is its child) shares one folder of reservations. */
const RUN_FOLDER = join(tmpdir(), `${FOLDER_PREFIX}${process.ppid}`);
/** The lowest port handed out: clear of the well-known and registered ports services commonly use. */
const LOWEST = 10_000;

/** The ports the kernel never hands out on its own: those below its ephemeral range. */
function highestPort(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const ephemeralLow = Number(low);
    // A range that starts too low to leave room below it: keep Linux's default bound and let the
    // reservation and bind check below do what they can.
    return Number.isInteger(ephemeralLow) && ephemeralLow > LOWEST + 5_000 ? ephemeralLow - 1 : 32_767;
  } catch {
    return 32_767; // not Linux: the IANA dynamic range starts at 49152, far above
  }
}
const HIGHEST = highestPort();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let folderReady = false;
function runFolder(): string {
  if (!folderReady) {
    // Reservations of runs whose runner has exited hold nothing any more.
    for (const name of readdirSync(tmpdir())) {
      if (!name.startsWith(FOLDER_PREFIX)) continue;
      const pid = Number(name.slice(FOLDER_PREFIX.length));
      if (Number.isInteger(pid) && !isAlive(pid))
        rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
    mkdirSync(RUN_FOLDER, { recursive: true });
    folderReady = true;
  }
  return RUN_FOLDER;
}

/** Claims `port` for this process, once per run: false if another test file (or this one) has it. */
function reserve(port: number): boolean {
  try {
    writeFileSync(join(runFolder(), String(port)), String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Whether nothing (of this run or outside it) listens on `port` on loopback right now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const randomPort = (span: number): number => LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST - span));

/**
 * True when every port of `ports` is now this process's and free to bind. Ports reserved on the way to a
 * false stay reserved, unused: one taken by something outside the run is then not tried again.
 */
async function claimAll(ports: readonly number[]): Promise<boolean> {
  const claimed: number[] = [];
  for (const port of ports) {
    if (!reserve(port)) break;
    claimed.push(port);
  }
  return claimed.length === ports.length && (await Promise.all(ports.map(bindable))).every(Boolean);
}

/** `count` loopback ports no other test of this run will be given, each free when handed out. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let attempt = 0; ports.length < count; attempt++) {
    if (attempt > 200 + count * 20) throw new Error('no free loopback port below the ephemeral range');
    const port = randomPort(0);
    if (await claimAll([port])) ports.push(port);
  }
  return ports;
}

/**
 * A base port for `carechain up`, which uses base+i for APIs and base+1000+i for P2P: `organisations`
 * of each, and the demo hospital's HL7 port (base+2000, `up --hl7-port`'s default for a base port other
 * than 8081), all reserved and free.
 */
export async function freeBasePort(organisations: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = randomPort(2_001);
    const ports = [
      ...Array.from({ length: organisations }, (_, i) => [base + i, base + 1000 + i]).flat(),
      base + 2000,
    ];
    if (await claimAll(ports)) return base;
  }
  throw new Error('no free port range below the ephemeral range');
}
