import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoreError } from '../../core/errors.ts';
import { genesisHash } from '../../core/genesis.ts';
import { executeGenesis } from '../executor.ts';
import { StateOverlay } from '../state.ts';
import {
  clinicAdmin,
  defaultApp,
  hospitalAdmin,
  hospitalNode,
  party,
  testGenesis,
  TestChain,
} from '../test-support.ts';
import { actorOf, organisation, organisationIds } from './queries.ts';
import { MEMBERSHIP_PREFIX } from './keys.ts';

function orgs(): Record<string, unknown>[] {
  return JSON.parse(JSON.stringify(defaultApp())).membership.organisations;
}

function genesisWith(organisations: unknown): () => unknown {
  return () => {
    const genesis = testGenesis({ membership: { organisations } } as never);
    return executeGenesis(genesis, genesisHash(genesis));
  };
}

test('genesis writes the organisations and what their keys are', () => {
  const state = new TestChain().state;
  assert.deepEqual(organisationIds(state), ['riverside', 'st-mary']);
  assert.deepEqual(organisation(state, 'st-mary'), {
    id: 'st-mary',
    name: 'St Mary Hospital',
    type: 'hospital',
    adminKey: hospitalAdmin.key,
    nodeKeys: [hospitalNode.key],
  });
  assert.deepEqual(actorOf(state, hospitalAdmin.key), { kind: 'org-admin', orgId: 'st-mary' });
  assert.deepEqual(actorOf(state, clinicAdmin.key), { kind: 'org-admin', orgId: 'riverside' });
  assert.deepEqual(actorOf(state, hospitalNode.key), { kind: 'node', orgId: 'st-mary' });
  assert.deepEqual(actorOf(state, party('nobody').key), { kind: 'unknown' });
  assert.equal(organisation(state, 'nowhere'), undefined);
});

test('a genesis without a membership section writes nothing for membership', () => {
  for (const app of [{}, { notary: {} }, null]) {
    const genesis = testGenesis(app as never);
    const writes = executeGenesis(genesis, genesisHash(genesis)).writes;
    assert.deepEqual(
      writes.filter(([k]) => k.startsWith(MEMBERSHIP_PREFIX)),
      [],
    );
    const empty = new StateOverlay({ get: () => undefined });
    assert.deepEqual(organisationIds(empty), []);
  }
});

test('a bad membership genesis is refused', () => {
  const base = orgs();
  const cases: [string, unknown][] = [
    ['not a list', 'st-mary'],
    ['duplicate id', [base[0], { ...base[1], id: 'st-mary' }]],
    ['unknown type', [{ ...base[0], type: 'spa' }]],
    ['bad id', [{ ...base[0], id: 'St Mary' }]],
    ['bad admin key', [{ ...base[0], adminKey: 'zz' }]],
    ['small-order admin key', [{ ...base[0], adminKey: '01' + '00'.repeat(31) }]],
    ['shared key', [base[0], { ...base[1], adminKey: hospitalNode.key }]],
    ['admin key also a node key', [{ ...base[0], nodeKeys: [hospitalAdmin.key] }]],
    ['extra field', [{ ...base[0], address: '1 High Street' }]],
    ['missing field', [{ id: 'x', name: 'X', type: 'lab', adminKey: party('x').key }]],
    ['control character in name', [{ ...base[0], name: 'St Mary\u0000' }]],
    ['empty name', [{ ...base[0], name: '' }]],
    ['node keys not a list', [{ ...base[0], nodeKeys: hospitalNode.key }]],
  ];
  for (const [label, organisations] of cases) {
    assert.throws(
      genesisWith(organisations),
      (err) => err instanceof CoreError && err.code === 'genesis.invalid',
      label,
    );
  }
  const extraSection = testGenesis({ membership: { organisations: [], practitioners: [] } });
  assert.throws(() => executeGenesis(extraSection, genesisHash(extraSection)), CoreError);
  assert.doesNotThrow(genesisWith([]));
});
