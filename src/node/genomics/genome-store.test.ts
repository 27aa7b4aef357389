// The custodian's genome index: range queries answer per genome, from the genomes asked about only, and
// the query plan seeks the per-genome position index rather than scanning the range across all genomes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStorage } from '../storage/memory/memory-storage.ts';
import { GenomeStore } from './genome-store.ts';

const genome = (datasetId: string) => ({
  datasetId,
  patient: 'p'.repeat(64),
  container: new Uint8Array([1]),
  salt: new Uint8Array([2]),
  segmentsSha256: 's'.repeat(64),
  variantCount: 2,
  createdAtMs: 1,
});
const variant = (key: string, start: number, accession = 'SQ.a') => ({
  key,
  accession,
  start,
  end: start + 1,
});

test('carriers in a range are the asked-about genomes with a variant starting in it', () => {
  const store = new GenomeStore(new MemoryStorage().open('genomics'));
  store.put(genome('g1'), [variant('k1', 100), variant('k2', 500)]);
  store.put(genome('g2'), [variant('k1', 100, 'SQ.b'), variant('k3', 900)]);
  store.put(genome('g3'), [variant('k4', 499)]);
  const all = new Set(['g1', 'g2', 'g3']);
  assert.deepEqual(store.carriersInRange('SQ.a', 100, 101, all), ['g1']);
  assert.deepEqual(store.carriersInRange('SQ.a', 400, 600, all), ['g1', 'g3']);
  assert.deepEqual(store.carriersInRange('SQ.a', 400, 600, new Set(['g3', 'g9'])), ['g3']);
  assert.deepEqual(store.carriersInRange('SQ.a', 501, 900, all), []);
  assert.deepEqual(store.carriers('k1', all), ['g1', 'g2']);
  store.erase('g1');
  assert.deepEqual(store.carriersInRange('SQ.a', 0, 1000, all), ['g2', 'g3']);
});

test('a spend is claimed once, across a reopened store, and claims too old to matter are forgotten', () => {
  const storage = new MemoryStorage();
  const store = GenomeStore.open(storage);
  assert.equal(store.claimSpend('a'.repeat(64), 10, 0), true);
  assert.equal(store.claimSpend('a'.repeat(64), 10, 0), false);
  const reopened = GenomeStore.open(storage);
  assert.equal(reopened.claimSpend('a'.repeat(64), 10, 0), false);
  // Once height 10 is past the age limit the claim row goes (the look would be refused as too old).
  assert.equal(reopened.claimSpend('b'.repeat(64), 200, 10), true);
  assert.equal(reopened.claimSpend('a'.repeat(64), 10, 10), true);
});
