// The README's multi-institution set-up, through the real `carechain` command: init per institution,
// genesis from their member files, and clear refusals for bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseGenesis } from '../../src/core/genesis.ts';
import { unwrapNetworkKey } from '../../src/node/claims/network-key.ts';
import { generateKeyPair, readKeyFile } from '../../src/node/keys.ts';
import { tempDir } from '../harness/chain.ts';

const root = tempDir('carechain-cli-');
after(() => root.remove());

function carechain(...args: string[]) {
  return spawnSync(process.execPath, ['bin/carechain.mjs', ...args], { encoding: 'utf8' });
}

test('init makes keys and a member file per institution; genesis combines them into validators and organisations', () => {
  const hospital = join(root.path, 'hospital');
  const pharmacy = join(root.path, 'pharmacy');
  const a = carechain(
    'init',
    '--dir',
    hospital,
    '--name',
    'st-marys',
    '--type',
    'hospital',
    '--p2p-port',
    '9101',
    '--api-host',
    '0.0.0.0',
    '--api-tls-name',
    'hospital.example.org',
    '--api-tls-name',
    '10.0.0.5',
  );
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /member file:/);
  // The API on every interface is HTTPS (finding 11): node.json names the certificate and the public URL.
  assert.match(a.stdout, /API CA: +\S+tls\/api-ca\.pem/);
  const api = JSON.parse(readFileSync(join(hospital, 'node.json'), 'utf8')).api;
  assert.deepEqual(api, {
    host: '0.0.0.0',
    port: 8081,
    tls: { cert: 'tls/api-cert.pem', key: 'tls/api-key.pem' },
    publicUrl: 'https://hospital.example.org:8081',
  });
  const cert = new X509Certificate(readFileSync(join(hospital, 'tls/api-cert.pem')));
  assert.equal(cert.subjectAltName, 'DNS:hospital.example.org, IP Address:10.0.0.5');
  assert.equal(statSync(join(hospital, 'tls/api-key.pem')).mode & 0o777, 0o600, 'the API key is private');
  // Renewal: a new CA and certificate for the same folder; node.json keeps pointing at them.
  const oldCa = readFileSync(join(hospital, 'tls/api-ca.pem'), 'utf8');
  const renewed = carechain('api-cert', '--dir', hospital, '--api-tls-name', 'hospital.example.org');
  assert.equal(renewed.status, 0, renewed.stderr);
  assert.notEqual(readFileSync(join(hospital, 'tls/api-ca.pem'), 'utf8'), oldCa);
  assert.deepEqual(JSON.parse(readFileSync(join(hospital, 'node.json'), 'utf8')).api, api);
  const b = carechain(
    'init',
    '--dir',
    pharmacy,
    '--name',
    'corner-pharmacy',
    '--type',
    'pharmacy',
    '--power',
    '5',
  );
  assert.equal(b.status, 0, b.stderr);
  assert.equal(statSync(join(hospital, 'node-key.json')).mode & 0o777, 0o600, 'the node key is private');
  assert.equal(statSync(join(hospital, 'admin-key.json')).mode & 0o777, 0o600, 'the admin key is private');

  const g = carechain(
    'genesis',
    '--chain-id',
    'carechain-north',
    '--out',
    root.path,
    join(hospital, 'member.json'),
    join(pharmacy, 'member.json'),
  );
  assert.equal(g.status, 0, g.stderr);
  assert.match(g.stdout, /2 validators, total power 15/);
  const genesisJson = JSON.parse(readFileSync(join(root.path, 'genesis.json'), 'utf8'));
  const { genesis, validatorSet } = parseGenesis(genesisJson);
  assert.equal(genesis.chainId, 'carechain-north');
  assert.equal(validatorSet.totalPower, 15);
  const orgs = genesisJson.app.membership.organisations;
  assert.deepEqual(
    orgs.map((o: { id: string; type: string }) => [o.id, o.type]),
    [
      ['st-marys', 'hospital'],
      ['corner-pharmacy', 'pharmacy'],
    ],
  );
  const peers = JSON.parse(readFileSync(join(root.path, 'peers.json'), 'utf8'));
  assert.equal(peers[0].port, 9101);
});

test('genesis wraps one claims fingerprint key for each founding node; share-key wraps it for a node that joins later', () => {
  // The folders and genesis of the test above.
  const hospital = join(root.path, 'hospital');
  const pharmacy = join(root.path, 'pharmacy');
  const wrapped = (name: string) => {
    const path = join(root.path, `claims-network-key.${name}.json`);
    assert.equal(statSync(path).mode & 0o777, 0o600, `${name}'s wrapped key is private`);
    return JSON.parse(readFileSync(path, 'utf8'));
  };
  const hospitalKey = readKeyFile(join(hospital, 'node-key.json'));
  const pharmacyKey = readKeyFile(join(pharmacy, 'node-key.json'));
  const key = unwrapNetworkKey(wrapped('st-marys'), 'carechain-north', hospitalKey);
  assert.deepEqual(unwrapNetworkKey(wrapped('corner-pharmacy'), 'carechain-north', pharmacyKey), key);
  // Each file opens with its own member's node key only.
  assert.throws(() => unwrapNetworkKey(wrapped('st-marys'), 'carechain-north', pharmacyKey), /another node/);
  const stolen = { ...wrapped('st-marys'), sealedFor: pharmacyKey.publicKey };
  assert.throws(() => unwrapNetworkKey(stolen, 'carechain-north', pharmacyKey), /does not open/);

  // The hospital's node folder as its operator completes it, then a key for a member joining later.
  for (const file of ['genesis.json', 'peers.json'])
    copyFileSync(join(root.path, file), join(hospital, file));
  copyFileSync(
    join(root.path, 'claims-network-key.st-marys.json'),
    join(hospital, 'claims-network-key.json'),
  );
  const configPath = join(hospital, 'node.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  writeFileSync(
    configPath,
    JSON.stringify({ ...config, claims: { networkKeyFile: 'claims-network-key.json' } }),
  );
  const joining = generateKeyPair();
  const out = join(root.path, 'for-joining.json');
  const shared = carechain(
    'claims',
    'share-key',
    '--config',
    configPath,
    '--to',
    joining.publicKey,
    '--out',
    out,
  );
  assert.equal(shared.status, 0, shared.stderr);
  const forJoining = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(unwrapNetworkKey(forJoining, 'carechain-north', joining), key);
  assert.ok(
    !readFileSync(out, 'utf8').includes(Buffer.from(key).toString('hex')),
    'the bare key is not in the file',
  );
  // A node.json without the key has nothing to share.
  const pharmacyConfig = join(pharmacy, 'node.json');
  for (const file of ['genesis.json', 'peers.json'])
    copyFileSync(join(root.path, file), join(pharmacy, file));
  const none = carechain(
    'claims',
    'share-key',
    '--config',
    pharmacyConfig,
    '--to',
    joining.publicKey,
    '--out',
    out,
  );
  assert.equal(none.status, 1);
  assert.match(none.stderr, /names no claims\.networkKeyFile/);
});

test('bad input gets one clear line and a non-zero exit, and nothing is overwritten', () => {
  const dir = join(root.path, 'clinic');
  assert.equal(carechain('init', '--dir', dir, '--name', 'clinic').status, 0);
  const before = readFileSync(join(dir, 'node-key.json'), 'utf8');
  const again = carechain('init', '--dir', dir, '--name', 'clinic');
  assert.equal(again.status, 1);
  assert.match(again.stderr, /exists already; not overwriting it/);
  assert.equal(readFileSync(join(dir, 'node-key.json'), 'utf8'), before);
  const badName = carechain('init', '--dir', join(root.path, 'x'), '--name', 'St Mary’s');
  assert.equal(badName.status, 1);
  assert.match(badName.stderr, /lowercase letters, digits and dashes/);
  const badType = carechain('init', '--dir', join(root.path, 'y'), '--name', 'y', '--type', 'spa');
  assert.match(badType.stderr, /type must be one of/);
  const badPort = carechain('init', '--dir', join(root.path, 'z'), '--name', 'z', '--p2p-port', '99999');
  assert.notEqual(badPort.status, 0);
  assert.match(badPort.stderr, /expected an integer from 1 to 65535/);
  const missing = carechain('genesis', '--chain-id', 'c', join(root.path, 'nope.json'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /carechain: /);
});

test('carechain --help lists every command', () => {
  const help = carechain('--help');
  assert.equal(help.status, 0);
  for (const command of ['up', 'node', 'init', 'genesis', 'dev', 'verify']) {
    assert.match(help.stdout, new RegExp(`^  ${command} `, 'm'));
  }
});
