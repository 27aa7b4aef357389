// The API's HTTPS pieces without a socket: which listen addresses may stay plain HTTP, node.json's
// api.tls, and the certificates `carechain init --api-tls-name` makes (a CA with path length 0 and a
// server certificate for exactly the names given). The served HTTPS is in
// test/adversarial/finding-11-https.int.test.ts.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/harness/chain.ts';
import {
  API_TLS_FILES,
  checkApiExposure,
  checkApiUrl,
  isLoopbackHost,
  makeApiCertificates,
  readApiTls,
  writeApiCertificates,
} from './api-tls.ts';
import { installApiCertificates } from './api-tls-setup.ts';
import { CONFIG_FILE, initNodeDir } from './config.ts';

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

test('the patient’s client takes plain HTTP for loopback only, unless told --insecure-http', () => {
  for (const url of [
    'https://hospital.example.org:8081',
    'http://127.0.0.1:8081',
    'http://localhost:8081',
    'http://[::1]:8081',
  ]) {
    checkApiUrl(url, { insecureHttp: false });
  }
  for (const url of [
    'http://hospital.example.org:8081',
    'http://10.0.0.5:8081',
    'http://[2001:db8::1]:8081',
  ]) {
    assert.throws(() => checkApiUrl(url, { insecureHttp: false }), { code: 'config.insecure_api' }, url);
    checkApiUrl(url, { insecureHttp: true });
  }
  assert.throws(() => checkApiUrl('ftp://hospital.example.org', { insecureHttp: true }), {
    code: 'config.invalid',
  });
  assert.throws(() => checkApiUrl('hospital.example.org', { insecureHttp: true }), {
    code: 'config.invalid',
  });
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

test('the files are 0600, a new certificate replaces the old, and a key others may read is refused', async () => {
  const dir = tempDir('carechain-api-tls-');
  try {
    const made = await makeApiCertificates('clinic', ['localhost'], Date.now());
    writeApiCertificates(dir.path, made);
    for (const file of Object.values(API_TLS_FILES)) {
      assert.equal(statSync(join(dir.path, file)).mode & 0o777, 0o600, file);
    }
    assert.equal(readFileSync(join(dir.path, API_TLS_FILES.caCert), 'utf8'), made.caCert);
    const renewed = await makeApiCertificates('clinic', ['localhost'], Date.now());
    writeApiCertificates(dir.path, renewed);
    assert.equal(readFileSync(join(dir.path, API_TLS_FILES.caCert), 'utf8'), renewed.caCert);
    assert.equal(statSync(join(dir.path, API_TLS_FILES.key)).mode & 0o777, 0o600);
    const files = { cert: join(dir.path, API_TLS_FILES.cert), key: join(dir.path, API_TLS_FILES.key) };
    assert.deepEqual(readApiTls(files), { cert: renewed.cert, key: renewed.key });
    chmodSync(files.key, 0o640);
    assert.throws(() => readApiTls(files), { code: 'config.invalid' });
    assert.throws(() => readApiTls({ ...files, cert: join(dir.path, 'missing.pem') }), {
      code: 'config.unreadable',
    });
  } finally {
    dir.remove();
  }
});

test('installing a certificate points node.json at it and keeps the rest of the file', async () => {
  const dir = tempDir('carechain-api-tls-');
  try {
    const folder = join(dir.path, 'hospital');
    const p2p = { host: '127.0.0.1', port: 9081 };
    initNodeDir(folder, {
      name: 'hospital',
      type: 'hospital',
      power: 1,
      api: { host: '0.0.0.0', port: 8443 },
      p2p,
    });
    const before = JSON.parse(readFileSync(join(folder, CONFIG_FILE), 'utf8'));
    const installed = await installApiCertificates(folder, ['hospital.example.org', '10.0.0.5'], Date.now());
    assert.equal(installed.publicUrl, 'https://hospital.example.org:8443');
    assert.equal(installed.caCertPath, join(folder, API_TLS_FILES.caCert));
    const after = JSON.parse(readFileSync(join(folder, CONFIG_FILE), 'utf8'));
    assert.deepEqual(after, {
      ...before,
      api: {
        host: '0.0.0.0',
        port: 8443,
        tls: { cert: API_TLS_FILES.cert, key: API_TLS_FILES.key },
        publicUrl: 'https://hospital.example.org:8443',
      },
    });
    // A renewal for an IPv6 name: the URL brackets it.
    assert.equal((await installApiCertificates(folder, ['::1'], Date.now())).publicUrl, 'https://[::1]:8443');
    writeFileSync(join(folder, CONFIG_FILE), JSON.stringify({ ...after, api: { host: '0.0.0.0', port: 0 } }));
    await assert.rejects(installApiCertificates(folder, ['localhost'], Date.now()), {
      code: 'config.invalid',
    });
  } finally {
    dir.remove();
  }
});
