// Products and parties: who may register them, and what a well-formed record is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orgGlns, party, product as readProduct } from './store.ts';
import { GLN, GTIN, ORGS, product, SupplyChain, withCheck } from './test-fixtures.ts';

test('a manufacturer registers and updates its own products only', () => {
  const chain = new SupplyChain();
  assert.equal(chain.as('dist', 'supply.registerProduct', product()), 'tx.rejected:supply.not_manufacturer');
  assert.equal(chain.as('maker', 'supply.registerProduct', product()), 'ok');
  assert.equal(readProduct(chain.state, GTIN)?.manufacturerOrgId, ORGS.maker.id);
  chain.commit();
  assert.equal(
    chain.as('maker', 'supply.registerProduct', { ...(product() as object), name: 'Renamed' }),
    'ok',
  );
  assert.equal(readProduct(chain.state, GTIN)?.name, 'Renamed');
  assert.equal(readProduct(chain.state, GTIN)?.registeredAtHeight, 1);
  assert.equal(readProduct(chain.state, GTIN)?.updatedAtHeight, 2);
});

test('product master data is checked field by field', () => {
  const chain = new SupplyChain();
  const base = product() as Record<string, unknown>;
  const bad = [
    { ...base, gtin: GTIN.slice(0, 13) + String((Number(GTIN.at(-1)) + 1) % 10) },
    { ...base, gtin: '1234' },
    { ...base, ndc: '1234567890' },
    { ...base, name: '' },
    { ...base, name: 'x'.repeat(201) },
    { ...base, strength: 'a\u0000b' },
    { ...base, colour: 'red' },
  ];
  for (const payload of bad)
    assert.equal(chain.as('maker', 'supply.registerProduct', payload), 'tx.invalid_payload');
  for (const ndc of ['1234-5678-90', '12345-678-90', '12345-6789-0', '12345-6789-01', null]) {
    assert.equal(chain.as('maker', 'supply.registerProduct', { ...base, ndc }), 'ok');
  }
  const { ndc: _ndc, ...withoutNdc } = base;
  assert.equal(chain.as('maker', 'supply.registerProduct', withoutNdc), 'ok');
  assert.equal(readProduct(chain.state, GTIN)?.ndc, null);
});

test('an organisation claims GLNs for itself; a GLN has one owner', () => {
  const chain = new SupplyChain();
  assert.equal(chain.as('dist', 'supply.registerParty', { gln: GLN.dist }), 'ok');
  assert.equal(chain.as('dist', 'supply.registerParty', { gln: GLN.dist }), 'ok');
  assert.deepEqual(orgGlns(chain.state, ORGS.dist.id), [GLN.dist]);
  assert.equal(chain.as('pharmA', 'supply.registerParty', { gln: GLN.dist }), 'tx.rejected:supply.gln_taken');
  assert.equal(party(chain.state, GLN.dist)?.orgId, ORGS.dist.id);
  const wrongCheck = GLN.pharmA.slice(0, 12) + String((Number(GLN.pharmA.at(-1)) + 1) % 10);
  assert.equal(chain.as('pharmA', 'supply.registerParty', { gln: wrongCheck }), 'tx.invalid_payload');
  for (let i = 0; i < 63; i++)
    chain.as('pharmB', 'supply.registerParty', { gln: withCheck(`0400${String(i).padStart(8, '0')}`) });
  assert.equal(chain.as('pharmB', 'supply.registerParty', { gln: GLN.pharmB }), 'ok');
  assert.equal(
    chain.as('pharmB', 'supply.registerParty', { gln: withCheck('050000000000') }),
    'tx.rejected:supply.too_many_glns',
  );
});
