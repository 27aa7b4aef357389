// A throwaway PostgreSQL cluster for tests: initdb and pg_ctl (Debian's postgresql package, or PATH) in a
// temp directory, listening on a free loopback port and a socket inside that directory, stopped and
// removed after. No system service, nothing installed. initdb and postgres refuse to run as root, so
// under uid 0 (CI) they run as the unprivileged `postgres` user the Debian package creates.
// Missing binaries: the test fails under CI=true (the storage promise must be checked there) and skips
// with a clear message elsewhere.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePorts } from './ports.ts';

export interface ThrowawayPostgres {
  /** A URL of a fresh, empty database of this cluster. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

interface Binaries {
  readonly initdb: string;
  readonly pgCtl: string;
}

function findBinaries(): Binaries | undefined {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) {
    const bin = join(root, versions[0]!, 'bin');
    return { initdb: join(bin, 'initdb'), pgCtl: join(bin, 'pg_ctl') };
  }
  const which = (name: string) => {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    return found.status === 0 ? found.stdout.trim() : undefined;
  };
  const initdb = which('initdb');
  const pgCtl = which('pg_ctl');
  return initdb && pgCtl ? { initdb, pgCtl } : undefined;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. Throws under CI. */
export function postgresUnavailable(): string | undefined {
  if (findBinaries() !== undefined) return undefined;
  const reason = 'PostgreSQL binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or in PATH';
  if (process.env.CI === 'true') throw new Error(`${reason}; CI must run the PostgreSQL storage tests`);
  return `${reason}: skipping the PostgreSQL tests (apt-get install postgresql to run them)`;
}

/** uid/gid of the `postgres` user when running as root (initdb refuses root). */
function unprivileged(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (line === undefined)
    throw new Error('running as root, and there is no `postgres` user to run initdb as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function run(command: string, args: readonly string[], options: SpawnSyncOptions): void {
  const result = spawnSync(command, args, { ...options, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout}`,
    );
  }
}

/** Starts a cluster; call postgresUnavailable() first (this throws when the binaries are missing). */
export async function startPostgres(): Promise<ThrowawayPostgres> {
  const binaries = findBinaries();
  if (binaries === undefined) throw new Error('PostgreSQL binaries not found');
  const user = unprivileged();
  const dir = mkdtempSync(join(tmpdir(), 'carechain-pg-'));
  const data = join(dir, 'data');
  if (user !== undefined) chownSync(dir, user.uid, user.gid);
  const as: SpawnSyncOptions = { ...(user ?? {}), cwd: dir, env: { ...process.env, LC_ALL: 'C.UTF-8' } };
  const [port] = (await freePorts(1)) as [number];
  let running = false;
  const stop = () => {
    if (running) {
      running = false;
      spawnSync(binaries.pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...as, stdio: 'ignore' });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  try {
    run(binaries.initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], as);
    const options = `-h 127.0.0.1 -p ${port} -k ${dir} -c max_connections=200`;
    run(binaries.pgCtl, ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', options, 'start'], as);
    running = true;
  } catch (err) {
    stop();
    throw err;
  }
  const base = `postgres://postgres@127.0.0.1:${port}`;
  return {
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: `${base}/postgres` });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return `${base}/${name}`;
    },
    stop: () => {
      process.removeListener('exit', stop);
      stop();
    },
  };
}
