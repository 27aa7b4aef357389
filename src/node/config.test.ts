// Member files and genesis assembly: power 0 makes a non-voting member (an organisation whose node key
// is in membership but who is not a validator); a genesis still needs at least one validator.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseMembershipGenesis } from '../app/membership/genesis.ts';
import { parseGenesis } from '../core/genesis.ts';
import { tempDir } from '../../test/harness/chain.ts';
import {
  buildGenesis,
  CONFIG_FILE,
  initNodeDir,
  loadNodeConfig,
  MEMBER_FILE,
  parseMember,
  type LoadedConfig,
  type MemberFile,
} from './config.ts';
import { generateKeyPair, readKeyFile } from './keys.ts';
import { wrapNetworkKey } from './claims/network-key.ts';

function member(name: string, power: number, port: number): MemberFile {
  return parseMember(
    {
      name,
      type: 'hospital',
      adminKey: generateKeyPair().publicKey,
      publicKey: generateKeyPair().publicKey,
      power,
      p2p: { host: '127.0.0.1', port },
    },
    `${name}.json`,
  );
}

test('a member with power 0 is an organisation with its node key, but not a validator', () => {
  const members = [member('a', 10, 9001), member('b', 10, 9002), member('c', 0, 9003)];
  const { genesis, peers } = buildGenesis('carechain-test', 1_700_000_000_000, members);
  assert.deepEqual(
    genesis.validators.map((v) => v.name),
    ['a', 'b'],
  );
  const { validatorSet } = parseGenesis(genesis);
  assert.equal(validatorSet.totalPower, 20);
  const orgs = parseMembershipGenesis(genesis)!;
  assert.deepEqual(
    orgs.map((o) => [o.id, o.nodeKeys]),
    members.map((m) => [m.name, [m.publicKey]]),
  );
  // The member's node is a peer like the others: it must be reachable to follow the chain.
  assert.deepEqual(
    peers.map((p) => p.name),
    ['a', 'b', 'c'],
  );
});

test('a genesis needs at least one validator', () => {
  const members = [member('a', 0, 9001), member('b', 0, 9002)];
  assert.throws(
    () => buildGenesis('carechain-test', 1_700_000_000_000, members),
    (err: { code?: string }) => err.code === 'member.no_validator',
  );
});

test('power must be a non-negative safe integer', () => {
  for (const power of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, '10', undefined]) {
    assert.throws(
      () => member('a', power as number, 9001),
      (err: { code?: string }) => err.code === 'member.invalid',
      `power ${String(power)}`,
    );
  }
  assert.equal(member('a', 0, 9001).power, 0);
});

test('init writes a member file with power 0 that parses back', () => {
  const dir = tempDir('carechain-config-');
  try {
    const folder = join(dir.path, 'distributor');
    const api = { host: '127.0.0.1', port: 8081 };
    const p2p = { host: '127.0.0.1', port: 9081 };
    initNodeDir(folder, { name: 'distributor', type: 'distributor', power: 0, api, p2p });
    const parsed = parseMember(JSON.parse(readFileSync(join(folder, MEMBER_FILE), 'utf8')), 'member');
    assert.equal(parsed.power, 0);
    assert.equal(parsed.type, 'distributor');
    assert.throws(
      () => initNodeDir(join(dir.path, 'x'), { name: 'x', type: 'hospital', power: -1, api, p2p }),
      (err: { code?: string }) => err.code === 'config.invalid',
    );
  } finally {
    dir.remove();
  }
});

/** Each bad value, written into node.json by `load`, is refused as config.invalid. */
function assertEachRefused(bad: readonly unknown[], load: (value: unknown) => unknown): void {
  for (const value of bad) {
    assert.throws(
      () => load(value),
      (err: { code?: string }) => err.code === 'config.invalid',
      JSON.stringify(value),
    );
  }
}

/** A node folder made by init, and a loader of its node.json with some fields replaced. */
function withNodeConfig(
  run: (folder: string, load: (fields: Record<string, unknown>) => LoadedConfig) => void,
): void {
  const dir = tempDir('carechain-config-');
  try {
    const folder = join(dir.path, 'hospital');
    const endpoint = { host: '127.0.0.1', port: 0 };
    initNodeDir(folder, { name: 'hospital', type: 'hospital', power: 1, api: endpoint, p2p: endpoint });
    writeFileSync(join(folder, 'genesis.json'), '{}');
    writeFileSync(join(folder, 'peers.json'), '[]');
    const configPath = join(folder, CONFIG_FILE);
    const written = JSON.parse(readFileSync(configPath, 'utf8'));
    run(folder, (fields) => {
      writeFileSync(configPath, JSON.stringify({ ...written, ...fields }));
      return loadNodeConfig(configPath);
    });
  } finally {
    dir.remove();
  }
}

test("node.json's optional mempool bounds load, and bad ones are refused", () => {
  withNodeConfig((_folder, load) => {
    const withMempool = (mempool: unknown) => load({ mempool }).mempool;
    assert.equal(load({}).mempool, undefined);
    const small = { txsMax: 60, bytesMax: 1_000_000, priorityReservedTxs: 20 };
    assert.deepEqual(withMempool(small), small);
    const refused = [
      null,
      { txsMax: 0, bytesMax: 1 },
      { txsMax: 10, bytesMax: 100, priorityReservedTxs: 10 },
      { txsMax: 10, bytesMax: 100, priorityReservedBytes: -1 },
      { txsMax: 10, bytesMax: 100, extra: 1 },
    ];
    assertEachRefused(refused, withMempool);
  });
});

test("node.json's optional consensus.commitPauseMs loads, and bad values are refused", () => {
  withNodeConfig((_folder, load) => {
    const withConsensus = (consensus: unknown) => load({ consensus }).commitPauseMs;
    assert.equal(load({}).commitPauseMs, undefined);
    assert.equal(withConsensus({}), undefined);
    assert.equal(withConsensus({ commitPauseMs: 0 }), 0);
    assert.equal(withConsensus({ commitPauseMs: 10 }), 10);
    const refused = [null, 10, [], { commitPauseMs: -1 }, { commitPauseMs: 2.5 }, { commitPauseMs: '10' }];
    assertEachRefused([...refused, { commitPauseMs: 10_001 }, { commitPauseMS: 10 }], withConsensus);
  });
});

test("node.json's optional supply.verifyLimits load, and bad ones are refused", () => {
  withNodeConfig((_folder, load) => {
    assert.equal(load({}).verifyLimits, undefined);
    assert.equal(load({ supply: {} }).verifyLimits, undefined);
    const desk = { perCaller: { perSecond: 500, burst: 1000 }, perNode: { perSecond: 2000, burst: 4000 } };
    assert.deepEqual(load({ supply: { verifyLimits: desk } }).verifyLimits, desk);
    const refused = [
      null,
      'fast',
      { verifyLimits: null },
      { verifyLimits: { perCaller: desk.perCaller } },
      { verifyLimits: { ...desk, perNode: { perSecond: 0, burst: 10 } } },
      { verifyLimits: { ...desk, perNode: { perSecond: 10, burst: 0.5 } } },
      { verifyLimits: { ...desk, perCaller: { perSecond: Infinity, burst: 10 } } },
    ];
    assertEachRefused(refused, (bad) => load({ supply: bad }));
  });
});

test("node.json's optional claims.defaultPayer loads, and a bad one is refused", () => {
  withNodeConfig((_folder, load) => {
    assert.equal(load({}).defaultPayerOrgId, undefined);
    assert.equal(load({ claims: {} }).defaultPayerOrgId, undefined);
    assert.equal(load({ claims: { defaultPayer: 'insurer' } }).defaultPayerOrgId, 'insurer');
    const refused = [null, 'insurer', [], { defaultPayer: 'Insurer!' }, { defaultPayer: 1 }, { other: 1 }];
    assertEachRefused(refused, (bad) => load({ claims: bad }));
  });
});

test("node.json's optional claims.networkKeyFile: a key wrapped for this node opens; one for another node, another chain or a malformed file is refused", () => {
  withNodeConfig((folder, load) => {
    assert.equal(load({}).claimsNetworkKey, undefined);
    writeFileSync(join(folder, 'genesis.json'), JSON.stringify({ chainId: 'carechain-config' }));
    const nodeKey = readKeyFile(join(folder, 'node-key.json'));
    const key = new Uint8Array(32).fill(0xab);
    const write = (name: string, file: unknown) => writeFileSync(join(folder, name), JSON.stringify(file));
    write('mine.json', wrapNetworkKey(key, 'carechain-config', nodeKey.publicKey));
    const loaded = load({ claims: { networkKeyFile: 'mine.json', defaultPayer: 'insurer' } });
    assert.deepEqual(loaded.claimsNetworkKey, key);
    assert.equal(loaded.defaultPayerOrgId, 'insurer');
    // A test network's nodes may share the bare key.
    writeFileSync(join(folder, 'bare'), `${'ab'.repeat(32)}\n`);
    assert.deepEqual(load({ claims: { networkKeyFile: 'bare' } }).claimsNetworkKey, key);
    const other = generateKeyPair();
    write('theirs.json', wrapNetworkKey(key, 'carechain-config', other.publicKey));
    // Named as this node's, but wrapped for the other key: it does not open.
    write('relabelled.json', {
      ...wrapNetworkKey(key, 'carechain-config', other.publicKey),
      sealedFor: nodeKey.publicKey,
    });
    write('other-chain.json', wrapNetworkKey(key, 'carechain-other', nodeKey.publicKey));
    writeFileSync(join(folder, 'short'), 'ab'.repeat(31));
    const refused = ['theirs.json', 'relabelled.json', 'other-chain.json', 'short', 'absent'];
    for (const bad of [...refused.map((networkKeyFile) => ({ networkKeyFile })), { networkKeyFile: 7 }]) {
      assert.throws(
        () => load({ claims: bad }),
        (err: { code?: string; message?: string }) =>
          err.code === 'config.invalid' && !String(err.message).includes('abab'),
        JSON.stringify(bad),
      );
    }
  });
});

test("node.json's optional p2p.dialPeersMax loads, and a bad one is refused", () => {
  withNodeConfig((_folder, load) => {
    const p2p = { host: '127.0.0.1', port: 0 };
    assert.equal(load({}).dialPeersMax, undefined);
    assert.equal(load({ p2p: { ...p2p, dialPeersMax: 3 } }).dialPeersMax, 3);
    assertEachRefused([0, -1, 2.5, '3', null], (bad) => load({ p2p: { ...p2p, dialPeersMax: bad } }));
  });
});

test("node.json's optional api.tls resolves against the config's folder, and api.publicUrl is an origin", () => {
  withNodeConfig((folder, load) => {
    const withApi = (api: unknown) => load({ api: { host: '0.0.0.0', port: 8081, ...(api as object) } }).api;
    assert.deepEqual(withApi({}), { host: '0.0.0.0', port: 8081 });
    const tls = { cert: 'tls/api-cert.pem', key: 'tls/api-key.pem' };
    assert.deepEqual(withApi({ tls, publicUrl: 'https://hospital.example.org:8081' }), {
      host: '0.0.0.0',
      port: 8081,
      tls: { cert: join(folder, 'tls/api-cert.pem'), key: join(folder, 'tls/api-key.pem') },
      publicUrl: 'https://hospital.example.org:8081',
    });
    assert.equal(withApi({ publicUrl: 'http://10.0.0.5:8081/' }).publicUrl, 'http://10.0.0.5:8081');
    const refused = [
      { tls: 'tls/api-cert.pem' },
      { tls: { cert: 'a.pem' } },
      { tls: { ...tls, ca: 'x.pem' } },
      { tls: null },
      // With TLS on, the URL clients are told (the tokens' issuer, the challenges' audience) is https.
      { tls, publicUrl: 'http://hospital.example.org:8081' },
      { publicUrl: 'https://hospital.example.org:8081/fhir/R4' },
      { publicUrl: 'hospital.example.org' },
      { publicUrl: 8081 },
    ];
    assertEachRefused(refused, withApi);
  });
});
