// A 3-member etcd cluster on loopback, for comparison with carechain in the same run, through its JSON
// gateway and through its native gRPC client (npm etcd3). Used only where the etcd binary is installed
// (Debian package etcd-server); otherwise the comparison is skipped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { freePorts, waitFor } from '../../test/harness/http.ts';

export interface EtcdCluster {
  readonly clientUrls: readonly string[];
  stop(): Promise<void>;
}

export function etcdInstalled(): boolean {
  return spawnSync('etcd', ['--version'], { encoding: 'utf8' }).status === 0;
}

export async function startEtcdCluster(root: string): Promise<EtcdCluster> {
  const ports = await freePorts(6);
  const names = ['e0', 'e1', 'e2'];
  const peerUrl = (i: number) => `http://127.0.0.1:${ports[2 * i + 1]}`;
  const clientUrls = names.map((_, i) => `http://127.0.0.1:${ports[2 * i]}`);
  const initialCluster = names.map((n, i) => `${n}=${peerUrl(i)}`).join(',');
  const children: ChildProcess[] = names.map((name, i) =>
    spawn(
      'etcd',
      [
        '--name',
        name,
        '--data-dir',
        join(root, name),
        '--listen-client-urls',
        clientUrls[i]!,
        '--advertise-client-urls',
        clientUrls[i]!,
        '--listen-peer-urls',
        peerUrl(i),
        '--initial-advertise-peer-urls',
        peerUrl(i),
        '--initial-cluster',
        initialCluster,
        '--initial-cluster-state',
        'new',
        '--initial-cluster-token',
        'carechain-bench',
        '--log-level',
        'error',
      ],
      { stdio: 'ignore' },
    ),
  );
  const healthy = await waitFor(async () => {
    const answers = await Promise.all(
      clientUrls.map(async (u) => (await fetch(`${u}/health`)).json() as Promise<{ health: string }>),
    );
    return answers.every((a) => a.health === 'true');
  }, 30_000);
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) =>
            c.exitCode !== null ? done() : (c.once('exit', () => done()), c.kill('SIGTERM')),
          ),
      ),
    );
  };
  if (!healthy) {
    await stop();
    throw new Error('etcd cluster did not become healthy');
  }
  return { clientUrls, stop };
}

/** One put through etcd's v3 JSON gateway (keys and values are base64). */
export async function etcdPut(url: string, key: string, value: string): Promise<boolean> {
  const response = await fetch(`${url}/v3/kv/put`, {
    method: 'POST',
    body: JSON.stringify({
      key: Buffer.from(key).toString('base64'),
      value: Buffer.from(value).toString('base64'),
    }),
  });
  await response.arrayBuffer();
  return response.ok;
}

/** etcd's native gRPC client (npm etcd3), one per member; `put` goes to member `client % members`. */
export function etcdGrpcClients(urls: readonly string[]): {
  put(client: number, key: string, value: string): Promise<boolean>;
  close(): void;
} {
  const clients = urls.map((url) => new Etcd3({ hosts: url }));
  return {
    async put(client, key, value) {
      await clients[client % clients.length]!.put(key).value(value).exec();
      return true;
    },
    close: () => clients.forEach((c) => c.close()),
  };
}
