import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf8 } from '../bytes.ts';
import { publicKeyFromSeed, sha256 } from '../crypto/index.ts';
import { appendLeaves, consistencyProof, leafHash, MemoryLogNodeStore, rootAt } from '../merkle/index.ts';
import { toBase64 } from './base64.ts';
import { formatCheckpoint } from './checkpoint.ts';
import { formatNote, signNoteLine, SIG_ED25519, verifier } from './note.ts';
import { decideAddCheckpoint, type WitnessedHead } from './witness.ts';

const ORIGIN = 'carechain.local/demo';
const seed = sha256(utf8('log key'));
const log = verifier(ORIGIN, SIG_ED25519, publicKeyFromSeed(seed));
const forkSeed = sha256(utf8('second validator set'));
const forkLog = verifier(ORIGIN, SIG_ED25519, publicKeyFromSeed(forkSeed));

/** A log of `size` leaves (a fork's leaves differ from index `forkAt` on). */
function tree(size: number, forkAt = Infinity) {
  const store = new MemoryLogNodeStore();
  const leaves = Array.from({ length: size }, (_, i) =>
    leafHash(utf8(i < forkAt ? `tx ${i}` : `forged ${i}`)),
  );
  appendLeaves(store, 0, leaves);
  return store;
}

function request(oldSize: number, store: MemoryLogNodeStore, size: number, signer = seed, key = log): string {
  const text = formatCheckpoint({ origin: ORIGIN, size, rootHash: rootAt(store, size) });
  const proof = oldSize === 0 ? [] : consistencyProof(store, oldSize, size);
  const lines = [`old ${oldSize}`, ...proof.map(toBase64)].join('\n');
  return `${lines}\n\n${formatNote(text, [signNoteLine(signer, key, text)])}`;
}

const decide = (body: string, last: WitnessedHead | null, logs = [log]) =>
  decideAddCheckpoint(
    body,
    (origin) => (origin === ORIGIN ? logs : undefined),
    () => last,
  );

test('a witness cosigns only consistent growth, with the tlog-witness status for each refusal', () => {
  const honest = tree(20);
  const head8: WitnessedHead = { size: 8, rootHash: rootAt(honest, 8) };
  assert.equal(decide(request(0, honest, 8), null).kind, 'cosign');
  assert.equal(decide(request(8, honest, 20), head8).kind, 'cosign');
  assert.equal(decide(request(8, honest, 8), head8).kind, 'cosign');
  // 409 with the last size when the client's old size is stale.
  assert.deepEqual(decide(request(5, honest, 20), head8), { kind: 'conflict', status: 409, lastSize: 8 });
  assert.deepEqual(decide(request(0, honest, 20), head8), { kind: 'conflict', status: 409, lastSize: 8 });
  // Unknown origin 404, no trusted signature 403, malformed 400.
  assert.equal(decide(request(0, honest, 8).replace(ORIGIN, 'other.example/log'), null).kind, 'refused');
  const unknown = decideAddCheckpoint(
    request(0, honest, 8),
    () => undefined,
    () => null,
  );
  assert.equal(unknown.kind === 'refused' && unknown.status, 404);
  const untrusted = decide(request(0, honest, 8, forkSeed, forkLog), null);
  assert.equal(untrusted.kind === 'refused' && untrusted.status, 403);
  const garbled = decide('old 01\n\n' + request(0, honest, 8).split('\n\n').slice(1).join('\n\n'), null);
  assert.equal(garbled.kind === 'refused' && garbled.status, 400);
});

test('a fork signed by a second validator set is refused: other root at the same size, or an inconsistent proof', () => {
  const honest = tree(20);
  const forked = tree(20, 6);
  const head8: WitnessedHead = { size: 8, rootHash: rootAt(honest, 8) };
  const head20: WitnessedHead = { size: 20, rootHash: rootAt(honest, 20) };
  // The second set is trusted for the origin too (a log key the witness was given), and still refused.
  const logs = [log, forkLog];
  assert.deepEqual(decide(request(20, forked, 20, forkSeed, forkLog), head20, logs), {
    kind: 'conflict',
    status: 409,
    lastSize: 20,
  });
  const grown = decide(request(8, forked, 20, forkSeed, forkLog), head8, logs);
  assert.equal(grown.kind, 'inconsistent');
  assert.equal(grown.kind === 'inconsistent' && grown.status, 422);
});
