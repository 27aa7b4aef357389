// Finding 10 (issue 10): login. On a real `carechain node` process over real HTTP:
// - an unauthenticated flood of /auth/challenge from one address does not evict another client's
//   pending challenge (before: 10,000 challenges evicted everyone's; this one runs in process);
// - the patient client refuses to sign a challenge whose audience is not the node it meant to reach, so
//   a malicious node cannot relay another node's challenge (before: it signed whatever it was handed);
// - access tokens last at most an hour, at issue and at verification (before: 30-day demo tokens);
// - logging out revokes the session's access and refresh tokens, across a restart; the demo's refresh
//   path gives fresh hour-long tokens; a rotated-out key's refresh token is refused.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ChallengeStore, signChallenge } from '../../src/api/auth/challenge.ts';
import { PATIENT_SCOPES_DEFAULT } from '../../src/api/auth/patient-login.ts';
import { scopesOf } from '../../src/services/auth/scopes.ts';
import { TokenIssuer } from '../../src/api/auth/tokens.ts';
import { PatientClient, PatientClientError } from '../../src/client/patient-client.ts';
import { readKeyFile } from '../../src/node/keys.ts';
import { SIGNED_CHALLENGE_GRANT_TYPE } from '../../src/api/auth/smart-configuration.ts';
import { tempDir } from '../harness/chain.ts';
import { fhirKeys, startFhirTestNode } from '../harness/fhir-node.ts';
import { makeNetwork, type TestNetwork } from '../harness/network.ts';
import { startNodeProcess, type NodeProcess } from '../harness/process.ts';

const root = tempDir('carechain-finding10-');
let net: TestNetwork;
let node: NodeProcess;
let api = '';
let patient: PatientClient;
const patientSeed = new Uint8Array(randomBytes(32));

before(async () => {
  net = await makeNetwork(root.path, ['hospital']);
  node = await startNodeProcess(net.dirs[0]!, 120_000);
  api = net.apiUrls[0]!;
  patient = new PatientClient(api, patientSeed);
  await patient.register('hospital');
});

after(async () => {
  node?.child.kill('SIGKILL');
  if (node !== undefined) await node.exited;
  root.remove();
});

async function post(path: string, body: unknown, token?: string) {
  const response = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

async function myConsents(token: string) {
  const response = await fetch(`${api}/api/v1/patients/me/consents`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as any };
}

test('a challenge flood from one address does not evict another client’s pending challenge', async () => {
  // The node's own routes and challenge store, in process (Fastify inject names the client address):
  // the flood is more than the node keeps in all (CHALLENGES_PENDING_MAX_DEFAULT), 10,050 requests,
  // too many to send over sockets on a shared CI machine.
  const custodian = await startFhirTestNode({ chainId: 'carechain-finding-10' });
  try {
    const ask = (remoteAddress: string) =>
      custodian.app.inject({ method: 'POST', url: '/auth/challenge', remoteAddress });
    const victim = await ask('192.0.2.7');
    assert.equal(victim.statusCode, 200);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 10_050; i++) {
      const { statusCode } = await ask('198.51.100.66');
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    }
    assert.ok(![...statuses.keys()].some((s) => s >= 500), `no 5xx: ${JSON.stringify([...statuses])}`);
    const signed = signChallenge(fhirKeys.patient.seed, custodian.chainId, victim.json());
    const token = await custodian.app.inject({
      method: 'POST',
      url: '/auth/token',
      remoteAddress: '192.0.2.7',
      payload: { grant_type: SIGNED_CHALLENGE_GRANT_TYPE, ...signed },
    });
    assert.equal(token.statusCode, 200, token.body);
  } finally {
    await custodian.close();
  }
});

test('a store full of other clients’ challenges refuses new ones (429) instead of evicting', () => {
  let now = 1_000;
  const store = new ChallengeStore(
    { audience: 'https://node.test/fhir/R4', chainId: 'c', pendingMax: 4, perClientMax: 2 },
    { clock: { nowMs: () => now }, randomBytes: (n) => new Uint8Array(randomBytes(n)) },
  );
  const mine = store.issue('victim');
  store.issue('a');
  store.issue('a');
  store.issue('a'); // over a's share: a's own oldest goes
  store.issue('b');
  assert.equal(store.pendingCount, 4);
  assert.throws(() => store.issue('c'), { code: 'auth.challenge_busy' });
  now += 1;
  // The victim's challenge is still pending: redeeming it fails on the signature, not as unknown.
  assert.throws(() => store.redeem({ ...mine, publicKey: '00'.repeat(32), signature: '00'.repeat(64) }), {
    code: 'auth.challenge_bad_signature',
  });
});

test('the patient client does not sign a challenge relayed from another node', async () => {
  // A malicious node: it relays the real node's challenge and token endpoints to get a token there.
  let tokenRequests = 0;
  const relay: Server = createServer((req, res) => {
    if (req.url === '/auth/token') tokenRequests++;
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      void fetch(`${api}${req.url}`, {
        method: req.method ?? 'GET',
        ...(body === '' ? {} : { headers: { 'content-type': 'application/json' }, body }),
      }).then(async (answer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(await answer.text());
      });
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  try {
    const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
    const fooled = PatientClient.fromSeedHex(relayUrl, Buffer.from(patientSeed).toString('hex'));
    await assert.rejects(fooled.login(), (err: unknown) => {
      assert.ok(err instanceof PatientClientError);
      assert.equal(err.code, 'auth.challenge_wrong_audience');
      return true;
    });
    assert.equal(tokenRequests, 0, 'nothing signed went to the relaying node');
    // Talking to the real node, the same client logs in.
    const direct = await new PatientClient(api, patientSeed).login();
    assert.ok(direct.accessToken.length > 0);
  } finally {
    await new Promise((resolve) => relay.close(resolve));
  }
});

/** A token signed with the node's own key, as an old demo did: a 30-day access token. */
async function longToken(): Promise<string> {
  const issuer = await TokenIssuer.create(
    {
      issuer: api,
      audience: `${api}/fhir/R4`,
      seed: readKeyFile(join(net.dirs[0]!, 'node-key.json')).seed,
    },
    { clock: { nowMs: () => Date.now() }, randomBytes: (n) => new Uint8Array(randomBytes(n)) },
  );
  // The issuer refuses a lifetime over the hour; sign one by hand with jose to stand for an old token.
  const { SignJWT, importJWK, base64url } = await import('jose');
  const seed = readKeyFile(join(net.dirs[0]!, 'node-key.json')).seed;
  const key = await importJWK(
    {
      kty: 'OKP',
      crv: 'Ed25519',
      d: base64url.encode(seed),
      x: base64url.encode(Buffer.from(issuer.publicKey, 'hex')),
    },
    'EdDSA',
  );
  const nowS = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: api,
    sub: patient.publicKey,
    aud: `${api}/fhir/R4`,
    iat: nowS,
    nbf: nowS,
    exp: nowS + 30 * 24 * 3600,
    jti: '00'.repeat(16),
    scope: PATIENT_SCOPES_DEFAULT,
    cc_kind: 'patient',
    cc_patient: patient.pseudonym,
  })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: issuer.publicKey })
    .sign(key);
}

test('access tokens last at most an hour, at issue and when verified', async () => {
  const login = await patient.login();
  assert.ok(login.expiresIn > 0 && login.expiresIn <= 3600, `expires_in ${login.expiresIn}`);
  assert.equal((await myConsents(login.accessToken)).status, 200);
  const old = await myConsents(await longToken());
  assert.equal(old.status, 401, JSON.stringify(old.body));
  assert.equal(old.body.error.code, 'auth.invalid_token');
});

test('logging out revokes the session’s tokens, also after a restart', async () => {
  const login = await patient.login();
  const other = await patient.login(); // another session of the same patient
  assert.equal((await myConsents(login.accessToken)).status, 200);
  const out = await post('/auth/logout', {}, login.accessToken);
  assert.equal(out.status, 204, JSON.stringify(out.body));
  const after = await myConsents(login.accessToken);
  assert.equal(after.status, 401);
  assert.equal(after.body.error.code, 'auth.revoked');
  assert.equal((await myConsents(other.accessToken)).status, 200, 'other sessions go on');
  // Restart the node: the revocation is kept in its data directory.
  node.child.kill('SIGTERM');
  await node.exited;
  node = await startNodeProcess(net.dirs[0]!, 120_000);
  assert.equal((await myConsents(login.accessToken)).status, 401);
  assert.equal((await myConsents(other.accessToken)).status, 200);
});

/** The demo's path (credentials.json): a refresh token signed by the node's key for one session. */
async function demoRefreshToken(subject: string, pseudonym: string): Promise<string> {
  const issuer = await TokenIssuer.create(
    { issuer: api, audience: `${api}/fhir/R4`, seed: readKeyFile(join(net.dirs[0]!, 'node-key.json')).seed },
    { clock: { nowMs: () => Date.now() }, randomBytes: (n) => new Uint8Array(randomBytes(n)) },
  );
  const refresh = await issuer.issueRefresh({
    subject,
    kind: 'patient',
    patient: pseudonym,
    scopes: scopesOf(PATIENT_SCOPES_DEFAULT),
    ttlMs: 30 * 24 * 3600 * 1000,
  });
  return refresh.accessToken;
}

test('a refresh token gives fresh hour-long tokens until its session logs out', async () => {
  const refreshToken = await demoRefreshToken(patient.publicKey, patient.pseudonym);
  // A refresh token is not an access token.
  assert.equal((await myConsents(refreshToken)).status, 401);
  const fresh = await post('/auth/token', { grant_type: 'refresh_token', refresh_token: refreshToken });
  assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
  assert.ok(fresh.body.expires_in <= 3600);
  assert.equal((await myConsents(fresh.body.access_token)).status, 200);
  assert.equal((await post('/auth/logout', {}, fresh.body.access_token)).status, 204);
  const again = await post('/auth/token', { grant_type: 'refresh_token', refresh_token: refreshToken });
  assert.equal(again.status, 401, JSON.stringify(again.body));
  assert.equal(again.body.error.code, 'auth.revoked');
  const junk = await post('/auth/token', { grant_type: 'refresh_token', refresh_token: 'x.y.z' });
  assert.equal(junk.status, 400);
});

test('a rotated-out key’s refresh token and access token are refused', async () => {
  const seed = new Uint8Array(randomBytes(32));
  const mover = new PatientClient(api, seed);
  await mover.register('hospital');
  const refreshToken = await demoRefreshToken(mover.publicKey, mover.pseudonym);
  const { accessToken } = await mover.login();
  await mover.rotateKey(new Uint8Array(randomBytes(32)));
  assert.equal((await myConsents(accessToken)).status, 401);
  const refreshed = await post('/auth/token', { grant_type: 'refresh_token', refresh_token: refreshToken });
  assert.equal(refreshed.status, 401, JSON.stringify(refreshed.body));
  assert.equal(refreshed.body.error.code, 'auth.revoked');
});
