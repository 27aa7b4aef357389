// node.json's genomics section: good settings load (issuer key sets as maps), bad ones are refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGenomicsConfig } from './config.ts';

const jwk = { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' };

test('the genomics section loads; absent is the defaults', () => {
  assert.equal(checkGenomicsConfig(undefined, 'node.json'), undefined);
  const loaded = checkGenomicsConfig(
    {
      pricingAlleleFrequency: 0.3,
      lowCountThreshold: 2,
      lowCountHideProbability: 0.5,
      passportTrust: {
        brokers: { 'https://broker.test': { keys: [jwk] } },
        visaIssuers: {},
        controlledAccessResource: 'https://carechain.test/datasets/genomes',
      },
    },
    'node.json',
  );
  assert.equal(loaded?.pricingAlleleFrequency, 0.3);
  assert.equal(loaded?.lowCountThreshold, 2);
  assert.equal(loaded?.lowCountHideProbability, 0.5);
  assert.deepEqual(loaded?.passportTrust?.brokers.get('https://broker.test'), { keys: [jwk] });
});

test('bad genomics settings are refused', () => {
  for (const bad of [
    'yes',
    { pricingAlleleFrequency: 0 },
    { pricingAlleleFrequency: 1 },
    { lowCountThreshold: 0 },
    { lowCountThreshold: 1.5 },
    { lowCountHideProbability: -0.1 },
    { lowCountHideProbability: 2 },
    { lowCountHideProbability: '1' },
    { passportTrust: { brokers: {}, visaIssuers: {} } },
    { passportTrust: { brokers: { x: { keys: 'k' } }, visaIssuers: {}, controlledAccessResource: 'r' } },
  ]) {
    assert.throws(
      () => checkGenomicsConfig(bad, 'node.json'),
      { code: 'config.invalid' },
      JSON.stringify(bad),
    );
  }
});
