// The API's HTTPS pieces without a socket: which listen addresses may stay plain HTTP, node.json's
// api.tls, and the certificates `carechain init --api-tls-name` makes (a CA with path length 0 and a
// server certificate for exactly the names given). The served HTTPS is in
// test/adversarial/finding-11-https.int.test.ts.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/harness/chain.ts';
import {
  API_TLS_FILES,
  checkApiExposure,
  isLoopbackHost,
  makeApiCertificates,
  readApiTls,
  writeApiCertificates,
} from './api-tls.ts';

test('plain HTTP only on loopback, unless the operator says --insecure-http', () => {
  for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '::ffff:127.0.0.1']) {
    assert.equal(isLoopbackHost(host), true, host);
    checkApiExposure({ host }, { insecureHttp: false });
  }
  for (const host of [
    '0.0.0.0',
    '::',
    '',
    '10.0.0.5',
    'hospital.example.org',
    '128.0.0.1',
    '127.0.0.1.nip.io',
  ]) {
    assert.equal(isLoopbackHost(host), false, host);
    assert.throws(
      () => checkApiExposure({ host }, { insecureHttp: false }),
      (err: { code?: string }) => err.code === 'config.insecure_api',
      host,
    );
    checkApiExposure({ host }, { insecureHttp: true });
    checkApiExposure({ host, tls: { cert: 'c.pem', key: 'k.pem' } }, { insecureHttp: false });
  }
});

test('init’s certificates: a CA that signs only leaves, and a server certificate for the names given', async () => {
  const nowMs = Date.parse('2026-12-06T12:00:00Z');
  const made = await makeApiCertificates('hospital', ['hospital.example.org', '10.0.0.5', '::1'], nowMs);
  const ca = new X509Certificate(made.caCert);
  const cert = new X509Certificate(made.cert);
  assert.equal(ca.ca, true);
  assert.equal(cert.ca, false);
  assert.equal(cert.verify(ca.publicKey), true, 'the CA signed the server certificate');
  assert.equal(cert.checkIssued(ca), true);
  assert.equal(cert.checkHost('hospital.example.org'), 'hospital.example.org');
  assert.equal(cert.checkHost('other.example.org'), undefined);
  assert.equal(cert.checkIP('10.0.0.5'), '10.0.0.5');
  assert.equal(cert.checkIP('::1'), '::1');
  assert.equal(cert.checkIP('10.0.0.6'), undefined);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'server authentication only');
  assert.ok(Date.parse(cert.validFrom) <= nowMs && Date.parse(cert.validTo) > nowMs);
  assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
  // The key in the PEM is the certificate's.
  assert.equal(
    createPublicKey(createPrivateKey(made.key)).export({ format: 'der', type: 'spki' }).toString('hex'),
    cert.publicKey.export({ format: 'der', type: 'spki' }).toString('hex'),
  );
  await assert.rejects(makeApiCertificates('hospital', [], nowMs), { code: 'config.invalid' });
  await assert.rejects(makeApiCertificates('hospital', ['bad name'], nowMs), { code: 'config.invalid' });
});

test('the files are 0600, never overwritten, and a key others may read is refused', async () => {
  const dir = tempDir('carechain-api-tls-');
  try {
    const made = await makeApiCertificates('clinic', ['localhost'], Date.now());
    writeApiCertificates(dir.path, made);
    for (const file of Object.values(API_TLS_FILES)) {
      assert.equal(statSync(join(dir.path, file)).mode & 0o777, 0o600, file);
    }
    assert.equal(readFileSync(join(dir.path, API_TLS_FILES.caCert), 'utf8'), made.caCert);
    assert.throws(() => writeApiCertificates(dir.path, made), { code: 'EEXIST' });
    const files = { cert: join(dir.path, API_TLS_FILES.cert), key: join(dir.path, API_TLS_FILES.key) };
    assert.deepEqual(readApiTls(files), { cert: made.cert, key: made.key });
    chmodSync(files.key, 0o640);
    assert.throws(() => readApiTls(files), { code: 'config.invalid' });
    assert.throws(() => readApiTls({ ...files, cert: join(dir.path, 'missing.pem') }), {
      code: 'config.unreadable',
    });
  } finally {
    dir.remove();
  }
});
