import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { base64url, SignJWT } from 'jose';
import { fromHex, utf8 } from '../../core/bytes.ts';
import { verifyRaw } from '../../core/crypto/index.ts';
import { chainId, hospitalNode, party } from '../../app/test-support.ts';
import { AuthError } from './errors.ts';
import { parseScopes } from '../../services/auth/scopes.ts';
import { signDelegation } from '../../contract/delegation.ts';
import { AUDIENCE, ISSUER, signJwt, T0_MS, TestClock, testIssuer, testVerifier } from './test-support.ts';
import {
  ACCESS_TOKEN_CHARS_MAX,
  CLOCK_SKEW_MS_DEFAULT,
  jwks,
  TokenIssuer,
  TokenVerifier,
  tokenResponse,
  type TokenRequest,
} from './tokens.ts';

const doctor = party('dr who');
const pseudonym = 'ab'.repeat(32);
const practitionerRequest: TokenRequest = {
  subject: doctor.key,
  kind: 'practitioner',
  orgId: 'st-mary',
  scopes: parseScopes('user/*.cruds openid'),
  ttlMs: 15 * 60 * 1000,
};

async function setup() {
  const clock = new TestClock();
  const issuer = await testIssuer(clock);
  const verifier = await testVerifier(clock);
  const issued = await issuer.issue(practitionerRequest);
  return { clock, issuer, verifier, issued, token: issued.accessToken };
}

function rejects(promise: Promise<unknown>, code: string, reason?: string) {
  return assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AuthError, String(err));
    assert.equal(err.code, code);
    if (reason !== undefined) assert.equal(err.details.reason, reason);
    return true;
  });
}

function segments(token: string): [string, string, string] {
  const parts = token.split('.');
  assert.equal(parts.length, 3);
  return parts as [string, string, string];
}
const json = (segment: string) => JSON.parse(new TextDecoder().decode(base64url.decode(segment)));
const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

test('a node issues an EdDSA at+jwt with every claim, and its verifier accepts it', async () => {
  const { verifier, issued, token, issuer } = await setup();
  const [header, payload] = segments(token);
  assert.deepEqual(json(header), { alg: 'EdDSA', typ: 'at+jwt', kid: hospitalNode.key });
  const nowS = T0_MS / 1000;
  assert.deepEqual(json(payload), {
    iss: ISSUER,
    sub: doctor.key,
    aud: AUDIENCE,
    iat: nowS,
    nbf: nowS,
    exp: nowS + 900,
    jti: issued.claims.jti,
    scope: 'user/*.cruds openid',
    cc_kind: 'practitioner',
    cc_org: 'st-mary',
    sid: issued.claims.sid,
  });
  assert.match(issued.claims.jti, /^[0-9a-f]{32}$/);
  assert.match(issued.claims.sid!, /^[0-9a-f]{32}$/);
  assert.equal(issuer.publicKey, hospitalNode.key);
  const verified = await verifier.verify(token);
  assert.equal(verified.subject, doctor.key);
  assert.equal(verified.kind, 'practitioner');
  assert.equal(verified.orgId, 'st-mary');
  assert.equal(verified.patient, undefined);
  assert.equal(verified.expiresAtMs, T0_MS + 900_000);
  assert.deepEqual(verified.scopes, parseScopes('user/*.cruds openid'));
});

test('patient and proxy tokens carry the pseudonym, and the token response names the patient', async () => {
  const clock = new TestClock();
  const issuer = await testIssuer(clock);
  const issued = await issuer.issue({
    subject: party('alice').key,
    kind: 'proxy',
    patient: pseudonym,
    scopes: parseScopes('patient/*.rs'),
  });
  const verified = await (await testVerifier(clock)).verify(issued.accessToken);
  assert.equal(verified.kind, 'proxy');
  assert.equal(verified.patient, pseudonym);
  assert.equal(verified.orgId, undefined);
  assert.deepEqual(tokenResponse(issued), {
    access_token: issued.accessToken,
    token_type: 'Bearer',
    expires_in: 3600,
    scope: 'patient/*.rs',
    patient: pseudonym,
  });
  assert.equal('patient' in tokenResponse(await issuer.issue(practitionerRequest)), false);
});

test('the signature is plain RFC 8037 Ed25519: node:crypto and core/crypto both verify it from the JWKS', async () => {
  const { token } = await setup();
  const [header, payload, signature] = segments(token);
  const input = utf8(`${header}.${payload}`);
  const sig = base64url.decode(signature);
  assert.equal(verifyRaw(fromHex(hospitalNode.key), input, sig), true);
  const [jwk] = jwks(hospitalNode.key).keys;
  assert.ok(jwk);
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
  assert.equal(nodeVerify(null, input, key, sig), true);
});

test('a tampered payload or signature is invalid_token (signature)', async () => {
  const { verifier, token } = await setup();
  const [header, payload, signature] = segments(token);
  const widened = encode({ ...json(payload), scope: 'system/*.cruds' });
  await rejects(verifier.verify(`${header}.${widened}.${signature}`), 'auth.invalid_token', 'signature');
  const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
  await rejects(verifier.verify(`${header}.${payload}.${flipped}`), 'auth.invalid_token', 'signature');
});

test('a token signed by another key under the same issuer name is refused', async () => {
  const clock = new TestClock();
  const impostor = await testIssuer(clock, party('impostor node'));
  const forged = await impostor.issue(practitionerRequest);
  await rejects((await testVerifier(clock)).verify(forged.accessToken), 'auth.invalid_token', 'signature');
});

test('alg is pinned: "none" and HS256 keyed with the public key are refused', async () => {
  const { verifier, token } = await setup();
  const [header, payload] = segments(token);
  const none = `${encode({ ...json(header), alg: 'none' })}.${payload}.`;
  await rejects(verifier.verify(none), 'auth.invalid_token', 'algorithm');
  // The classic confusion: an HMAC whose secret is the verifier's public key.
  const hs = await new SignJWT(json(payload))
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .sign(fromHex(hospitalNode.key));
  await rejects(verifier.verify(hs), 'auth.invalid_token', 'algorithm');
  // Ed25519 under the newer fully-specified name is not our pinned alg either.
  const relabelled = `${encode({ ...json(header), alg: 'Ed25519' })}.${payload}.${segments(token)[2]}`;
  await rejects(verifier.verify(relabelled), 'auth.invalid_token', 'algorithm');
});

test('expiry is checked with a small clock skew, and nbf likewise', async () => {
  const { clock, verifier, token } = await setup();
  clock.advance(900_000 + CLOCK_SKEW_MS_DEFAULT - 1000);
  await verifier.verify(token);
  clock.advance(2000);
  await rejects(verifier.verify(token), 'auth.expired');
  clock.ms = T0_MS - CLOCK_SKEW_MS_DEFAULT + 1000;
  await verifier.verify(token);
  clock.ms = T0_MS - CLOCK_SKEW_MS_DEFAULT - 2000;
  await rejects(verifier.verify(token), 'auth.invalid_token', 'claim:nbf');
});

test('wrong audience, wrong issuer and wrong typ are refused', async () => {
  const { clock, token } = await setup();
  const otherNode = await TokenVerifier.create(
    { issuer: ISSUER, issuerPublicKey: hospitalNode.key, audience: 'https://riverside.example/fhir/R4' },
    { clock },
  );
  await rejects(otherNode.verify(token), 'auth.invalid_token', 'claim:aud');
  const otherIssuer = await TokenVerifier.create(
    { issuer: 'https://riverside.example', issuerPublicKey: hospitalNode.key, audience: AUDIENCE },
    { clock },
  );
  await rejects(otherIssuer.verify(token), 'auth.invalid_token', 'claim:iss');
  // An id_token or any other JWT from the same key is not an access token (RFC 9068 §4).
  const jwt = await signJwt(hospitalNode, { alg: 'EdDSA', typ: 'JWT' }, json(segments(token)[1]));
  await rejects((await testVerifier(clock)).verify(jwt), 'auth.invalid_token', 'claim:typ');
});

test('garbage, oversized and inconsistent tokens are invalid_token, never a crash', async () => {
  const { verifier, token } = await setup();
  for (const bad of ['', 'abc', 'a.b.c', `${token}.x`, '....', 'eyJ.eyJ.eyJ']) {
    await rejects(verifier.verify(bad), 'auth.invalid_token');
  }
  await rejects(verifier.verify('a'.repeat(ACCESS_TOKEN_CHARS_MAX + 1)), 'auth.invalid_token', 'malformed');
  // Signed by the right key, but a practitioner token naming a patient is not one we would issue.
  const payload = json(segments(token)[1]);
  const sign = (claims: object) => signJwt(hospitalNode, { alg: 'EdDSA', typ: 'at+jwt' }, claims);
  assert.equal((await verifier.verify(await sign(payload))).subject, doctor.key); // the control
  await rejects(
    verifier.verify(await sign({ ...payload, cc_patient: pseudonym })),
    'auth.invalid_token',
    'claim:cc_patient',
  );
  await rejects(
    verifier.verify(await sign({ ...payload, cc_kind: 'admin' })),
    'auth.invalid_token',
    'claim:cc_kind',
  );
  await rejects(
    verifier.verify(await sign({ ...payload, scope: 'everything' })),
    'auth.invalid_token',
    'claim:scope',
  );
  await rejects(verifier.verify(await sign({ ...payload, sub: 'me' })), 'auth.invalid_token', 'claim:sub');
  const { jti: _jti, ...noJti } = payload;
  await rejects(verifier.verify(await sign(noJti)), 'auth.invalid_token', 'claim:jti');
});

test('a delegation claim rides only on its signer’s own token (a practitioner’s or a patient’s)', async () => {
  const { issuer, verifier, token } = await setup();
  const payload = json(segments(token)[1]);
  const sign = (claims: object) => signJwt(hospitalNode, { alg: 'EdDSA', typ: 'at+jwt' }, claims);
  const target = { nodeKey: hospitalNode.key, orgId: 'st-mary' };
  const own = signDelegation(doctor.seed, chainId, target, { nowMs: T0_MS });
  assert.deepEqual((await verifier.verify(await sign({ ...payload, cc_dlg: own }))).delegation, own);
  const others = signDelegation(party('dr other').seed, chainId, target, { nowMs: T0_MS });
  for (const bad of [others, { ...own, extra: 1 }, 'yes']) {
    await rejects(
      verifier.verify(await sign({ ...payload, cc_dlg: bad })),
      'auth.invalid_token',
      'claim:cc_dlg',
    );
  }
  const { cc_org: _org, ...noOrg } = payload;
  // A patient's token carries the patient's own delegation (issue 13), never a practitioner's.
  const patient = party('a patient signing in');
  const patientPayload = { ...noOrg, sub: patient.key, cc_kind: 'patient', cc_patient: pseudonym };
  await rejects(
    verifier.verify(await sign({ ...patientPayload, cc_dlg: own })),
    'auth.invalid_token',
    'claim:cc_dlg',
  );
  const patients = signDelegation(patient.seed, chainId, target, { nowMs: T0_MS, scopes: 'patient/*.rs' });
  const verified = await verifier.verify(await sign({ ...patientPayload, cc_dlg: patients }));
  assert.deepEqual(verified.delegation, patients);
  await assert.rejects(issuer.issue({ ...practitionerRequest, delegation: others }), /invariant/);
});

test('errors never carry the token', async () => {
  const { clock, verifier, token } = await setup();
  clock.advance(24 * 60 * 60 * 1000);
  const err = await verifier.verify(token).catch((e: unknown) => e);
  assert.ok(err instanceof AuthError);
  const text = JSON.stringify({ message: err.message, details: err.details, stack: err.stack });
  for (const part of segments(token)) assert.equal(text.includes(part), false);
});

test('issuing refuses what the login helpers would never ask: bad lifetimes and mixed subjects', async () => {
  const issuer = await TokenIssuer.create(
    { issuer: ISSUER, audience: AUDIENCE, seed: hospitalNode.seed, ttlMsMax: 60_000 },
    { clock: new TestClock(), randomBytes: () => new Uint8Array(16) },
  );
  await assert.rejects(issuer.issue({ ...practitionerRequest, ttlMs: 120_000 }), /invariant/);
  await assert.rejects(issuer.issue({ ...practitionerRequest, ttlMs: 0 }), /invariant/);
  await assert.rejects(
    issuer.issue({ ...practitionerRequest, ttlMs: 60_000, patient: pseudonym }),
    /invariant/,
  );
  await assert.rejects(
    issuer.issue({ ...practitionerRequest, ttlMs: 60_000, subject: 'nobody' }),
    /invariant/,
  );
  await assert.rejects(
    TokenVerifier.create(
      { issuer: ISSUER, issuerPublicKey: '01' + '00'.repeat(31), audience: AUDIENCE },
      { clock: new TestClock() },
    ),
    /invariant/,
  );
});
