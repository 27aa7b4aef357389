// Finding 11 (issue 10): the API was plain HTTP with no TLS option, yet the README bound it to every
// interface; `/metrics` and the peer addresses in `/api/v1/status` were public. Two real validator
// processes set up as the README's multi-institution section says: HTTPS with a certificate `carechain
// init --api-tls-name` would make (for 127.0.0.1 and the machine's LAN address), listening on every
// interface. A patient client that trusts the node's CA registers and logs in over HTTPS; plain HTTP to
// the same port, a client without the CA, one trusting another CA and one dialling a name the
// certificate does not carry all fail; a node told to listen beyond loopback over plain HTTP does not
// start. Over the LAN address (as anyone on the network would reach it), metrics answer 403 and the
// peers come without their host and port, while the operator on loopback sees both; that part is
// skipped where the machine has no non-loopback IPv4 address.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PatientClient } from '../../src/client/patient-client.ts';
import { fetchTrusting } from '../../src/cli/ca-fetch.ts';
import { API_TLS_FILES, makeApiCertificates } from '../../src/node/api-tls.ts';
import { generateKeyPair, writeKeyFile } from '../../src/node/keys.ts';
import { getJsonVia, useApiTls, type TlsApi } from '../harness/api-tls.ts';
import { tempDir } from '../harness/chain.ts';
import { waitFor } from '../harness/http.ts';
import { makeNetwork, type TestNetwork } from '../harness/network.ts';
import { spawnCarechain, startNodeProcess, type NodeProcess } from '../harness/process.ts';

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

const root = tempDir('carechain-finding11-');
const nodes: NodeProcess[] = [];
let net: TestNetwork;
let hospital: TlsApi;
let port = 0;

before(async () => {
  net = await makeNetwork(root.path, ['hospital', 'clinic']);
  const names = ['127.0.0.1', ...(lanAddress === undefined ? [] : [lanAddress])];
  const apis = [];
  for (const dir of net.dirs) apis.push(await useApiTls(dir, names, '0.0.0.0'));
  hospital = apis[0]!;
  for (const dir of net.dirs) nodes.push(await startNodeProcess(dir, 120_000));
  port = Number(new URL(hospital.url).port);
  assert.ok(
    await waitFor(async () => {
      const status = await getJsonVia(hospital.fetch, `${hospital.url}/api/v1/status`);
      return (status.body.peers as { connected: boolean }[]).some((p) => p.connected);
    }, 60_000),
    'the two nodes connect',
  );
});

after(async () => {
  for (const node of nodes) node.child.kill('SIGKILL');
  await Promise.all(nodes.map((n) => n.exited));
  root.remove();
});

/** The TLS or socket error under a failed fetch (undici wraps it in `cause`). */
async function failure(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code ?? (err as { code?: string }).code ?? String(err);
  }
  return 'answered';
}

test('a client that trusts the node’s CA registers and logs in over HTTPS, and is told an https audience', async () => {
  const key = generateKeyPair();
  const patient = new PatientClient(hospital.url, key.seed, undefined, undefined, hospital.fetch);
  await patient.register('hospital');
  const { accessToken } = await patient.login();
  assert.deepEqual(await patient.accessLog(accessToken), []);
  // The same through the command a patient runs, trusting the CA file the node's operator handed out.
  const keyFile = join(root.path, 'patient-key.json');
  writeKeyFile(keyFile, key);
  const caFile = join(net.dir('hospital'), API_TLS_FILES.caCert);
  const login = await spawnCarechain(
    ['patient', 'login', '--api', hospital.url, '--ca', caFile, '--key', keyFile],
    { ready: /^[\w-]+\.[\w-]+\.[\w-]+$/m },
  );
  assert.equal(await login.exited, 0, login.output());
  const challenge = await hospital.fetch(`${hospital.url}/auth/challenge`, { method: 'POST' });
  assert.equal(JSON.parse(await challenge.text()).audience, `https://127.0.0.1:${port}/fhir/R4`);
  const smart = await getJsonVia(hospital.fetch, `${hospital.url}/fhir/R4/.well-known/smart-configuration`);
  assert.equal(smart.body.token_endpoint, `https://127.0.0.1:${port}/auth/token`);
});

test('plain HTTP, an untrusted certificate and a name the certificate lacks are all refused', async () => {
  // Plain HTTP to the HTTPS port: the TLS server closes the connection without an answer.
  assert.notEqual(await failure(fetch(`http://127.0.0.1:${port}/api/v1/status`)), 'answered');
  // The platform's fetch trusts the system's CAs only, which never signed the node's certificate.
  assert.match(await failure(fetch(`${hospital.url}/api/v1/status`)), /SELF_SIGNED|UNABLE_TO_VERIFY/);
  const otherCa = (await makeApiCertificates('impostor', ['127.0.0.1'], Date.now())).caCert;
  assert.match(
    await failure(fetchTrusting(otherCa)(`${hospital.url}/api/v1/status`)),
    /SELF_SIGNED|UNABLE_TO_VERIFY/,
  );
  // The right CA, but a name the certificate was not made for (RFC 6125).
  assert.equal(
    await failure(hospital.fetch(`https://localhost:${port}/api/v1/status`)),
    'ERR_TLS_CERT_ALTNAME_INVALID',
  );
  // And the client refuses to take its token over http at all when told to trust a CA.
  assert.equal(
    await failure(hospital.fetch(`http://127.0.0.1:${port}/api/v1/status`)),
    'config.insecure_api',
  );
});

test('a node told to serve plain HTTP beyond loopback does not start', async () => {
  const dir = join(root.path, 'lab');
  const init = await spawnCarechain(
    ['init', '--dir', dir, '--name', 'lab', '--type', 'lab', '--api-host', '0.0.0.0', '--api-port', '0'],
    { ready: /warning: .* plain HTTP on 0\.0\.0\.0/ },
  );
  assert.equal(await init.exited, 0);
  writeFileSync(join(dir, 'genesis.json'), '{}');
  writeFileSync(join(dir, 'peers.json'), '[]');
  const node = await spawnCarechain(['node', '--config', join(dir, 'node.json')], {
    ready: /over plain HTTP.*\(config\.insecure_api\)/,
  });
  assert.equal(await node.exited, 1);
  assert.doesNotMatch(node.output(), /API listening on/);
});

test(
  'metrics and peer addresses are for the node’s own machine only',
  { skip: lanAddress === undefined },
  async () => {
    const local = `https://127.0.0.1:${port}`;
    const remote = `https://${lanAddress}:${port}`;
    assert.equal((await hospital.fetch(`${local}/metrics`)).status, 200);
    const metrics = await getJsonVia(hospital.fetch, `${remote}/metrics`);
    assert.equal(metrics.status, 403);
    assert.equal(metrics.body.error.code, 'metrics.operator_only');

    const mine = (await getJsonVia(hospital.fetch, `${local}/api/v1/status`)).body as {
      peers: Record<string, unknown>[];
    };
    assert.ok(
      mine.peers.length > 0 &&
        mine.peers.every((p) => typeof p.host === 'string' && typeof p.port === 'number'),
    );
    const theirs = (await getJsonVia(hospital.fetch, `${remote}/api/v1/status`)).body as {
      peers: Record<string, unknown>[];
    };
    assert.equal(theirs.peers.length, mine.peers.length);
    for (const peer of theirs.peers) {
      assert.equal(peer.host, undefined);
      assert.equal(peer.port, undefined);
      assert.equal(typeof peer.publicKey, 'string');
      assert.equal(typeof peer.connected, 'boolean');
    }
  },
);
