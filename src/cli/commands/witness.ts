// `carechain witness --log <url> --key <file>`: a standalone c2sp.org/tlog-witness, as a regulator or a
// patients' association runs it outside the consortium. It keeps its own SQLite state (witness.sqlite
// in --data-dir: the last cosigned size, root and cosignature per log, written atomically), answers
// POST /add-checkpoint, and polls the log's GET /checkpoint, fetching a consistency proof from the log
// for each growth and putting it through the same add-checkpoint rules. The log's keys are read from
// its GET /api/v1/witness/keys when the witness starts (or given with --log-key). A checkpoint signed
// by the log that contradicts what the witness cosigned is refused and reported to the log's
// POST /api/v1/witness/evidence, which commits it as fork evidence after checking it against its own log.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { fromHex } from '../../core/bytes.ts';
import {
  formatVkey,
  parseCheckpoint,
  parseNote,
  parseVkey,
  SIG_COSIGNATURE_V1,
  verifier,
  verifyNote,
  type Verifier,
} from '../../core/c2sp/index.ts';
import type { ConsistencyProofBody } from '../../contract/ledger.ts';
import type { WitnessKeysBody } from '../../contract/witness.ts';
import { loadOrCreateKeyFile } from '../../node/keys.ts';
import { SqliteStorage } from '../../node/storage/index.ts';
import { WitnessStateStore } from '../../node/storage/witness-state.ts';
import { Witness, type RefusedCheckpoint } from '../../services/witness/witness.ts';
import { untilSignal } from './shutdown.ts';

export interface WitnessCommandOptions {
  readonly log: string;
  readonly key: string;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  readonly name?: string;
  readonly pollMs: number;
  /** vkeys of the log (type 0x01, key name = origin); else fetched from the log. */
  readonly logKeys: readonly string[];
}

const BODY_BYTES_MAX = 64 * 1024;

/**
 * The log keys a checkpoint is checked with: a note is the log's when a trusted key signed it (unknown
 * keys ignored, a known key's bad signature refused). Also what checks Go checksum-database tree heads.
 */
export function logSigned(note: string, logKeys: readonly Verifier[]): boolean {
  try {
    verifyNote(parseNote(note), logKeys);
    return true;
  } catch {
    return false;
  }
}

async function fetchLogKeys(log: string): Promise<Verifier[]> {
  const response = await fetch(`${log}/api/v1/witness/keys`);
  if (!response.ok) throw new Error(`the log's keys: HTTP ${response.status}`);
  const body = (await response.json()) as Partial<WitnessKeysBody>;
  return (body.members ?? []).flatMap((m) => (typeof m.log === 'string' ? [parseVkey(m.log)] : []));
}

function readBody(request: IncomingMessage): Promise<string | null> {
  return new Promise((resolveBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_BYTES_MAX) {
        resolveBody(null);
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    request.on('error', () => resolveBody(null));
  });
}

export async function runWitness(options: WitnessCommandOptions): Promise<void> {
  const log = options.log.replace(/\/+$/, '');
  const key = loadOrCreateKeyFile(resolve(options.key));
  const name = options.name ?? `witness-${key.publicKey.slice(0, 16)}`;
  const cosigner = verifier(name, SIG_COSIGNATURE_V1, fromHex(key.publicKey));
  const logKeys = options.logKeys.length > 0 ? options.logKeys.map(parseVkey) : await fetchLogKeys(log);
  if (logKeys.length === 0) throw new Error('no log keys: give --log-key or a log that lists them');
  const storage = new SqliteStorage(resolve(options.dataDir));
  const store = WitnessStateStore.open(storage);
  const report = (refused: RefusedCheckpoint) => {
    console.log(
      `witness: REFUSED a ${refused.kind} checkpoint of ${refused.origin}; reporting it to the log`,
    );
    void fetch(`${log}/api/v1/witness/evidence`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: refused.kind, checkpoint: refused.note }),
    })
      .then(async (r) =>
        console.log(`witness: the log answered the report with ${r.status} ${await r.text()}`),
      )
      .catch((err: unknown) => console.error(`witness: could not report: ${String(err)}`));
  };
  const witness = new Witness(
    {
      seed: key.seed,
      cosigner,
      logs: (origin) => {
        const keys = logKeys.filter((k) => k.name === origin);
        return keys.length === 0 ? undefined : keys;
      },
    },
    { store, nowMs: () => Date.now(), onFork: report },
  );

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const answer = (status: number, type: string, body: string) =>
        response.writeHead(status, { 'content-type': type }).end(body);
      if (request.method === 'POST' && request.url === '/add-checkpoint') {
        const body = await readBody(request);
        if (body === null) return answer(413, 'text/plain', 'too large\n');
        const result = witness.addCheckpoint(body);
        return answer(result.status, result.contentType, result.body);
      }
      if (request.method === 'GET' && request.url === '/witness') {
        const heads = [...new Set(logKeys.map((k) => k.name))].map((origin) => {
          const head = store.last(origin);
          return { origin, size: head?.size ?? null, cosignature: head?.cosignature ?? null };
        });
        return answer(200, 'application/json', JSON.stringify({ vkey: formatVkey(cosigner), heads }));
      }
      return answer(404, 'text/plain', 'not found\n');
    })();
  });

  /** One poll: the log's checkpoint, with a consistency proof from our last size, through add-checkpoint. */
  const poll = async () => {
    try {
      const note = await (await fetch(`${log}/checkpoint`)).text();
      const checkpoint = parseCheckpoint(parseNote(note).text);
      const last = store.last(checkpoint.origin)?.size ?? 0;
      let proof: string[] = [];
      if (last > 0 && checkpoint.size > last) {
        const answer = (await (
          await fetch(`${log}/api/v1/proofs/consistency?from=${last}&to=${checkpoint.size}`)
        ).json()) as Partial<ConsistencyProofBody>;
        proof = (answer.proof ?? []).map((h) => Buffer.from(h, 'hex').toString('base64'));
      }
      const result = witness.addCheckpoint(`old ${last}\n${proof.map((p) => `${p}\n`).join('')}\n${note}`);
      if (result.status !== 200 && result.status !== 409) {
        console.log(
          `witness: the log's checkpoint at ${checkpoint.size}: ${result.status} ${result.body.trim()}`,
        );
      }
    } catch {
      // The log is down or has no cosigned checkpoint yet: the next poll tries again.
    }
  };
  const timer = setInterval(() => void poll(), options.pollMs);
  void poll();

  await new Promise<void>((listening) => server.listen(options.port, options.host, listening));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  console.log(`witness ${formatVkey(cosigner)}`);
  console.log(`witness of ${log} (${logKeys.length} log keys)`);
  console.log(`witness API listening on http://${options.host}:${port}`);
  await untilSignal(async () => {
    clearInterval(timer);
    await new Promise((closed) => server.close(closed));
    storage.close();
    console.log('witness: stopped');
  });
}
