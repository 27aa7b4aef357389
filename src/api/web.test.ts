import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Fastify from 'fastify';
import pino from 'pino';
import { installErrorTranslator } from './errors.ts';
import { registerWebApp } from './web.ts';

const dir = { path: mkdtempSync(join(tmpdir(), 'carechain-web-dist-')) };
after(() => rmSync(dir.path, { recursive: true, force: true }));

async function server(distDir: string) {
  const app = Fastify({ logger: false });
  installErrorTranslator(app, pino({ enabled: false }));
  app.get('/api/v1/status', () => ({ ok: true }));
  registerWebApp(app, { distDir });
  await app.ready();
  return app;
}

const html = { accept: 'text/html,application/xhtml+xml' };

test('without a build, / answers 503 with the one-line hint; the API is unaffected', async () => {
  const app = await server(join(dir.path, 'missing'));
  const home = await app.inject({ url: '/', headers: html });
  assert.equal(home.statusCode, 503);
  assert.match(home.body, /run npm run build:web/);
  assert.equal(home.body.trim().split('\n').length, 1);
  assert.equal((await app.inject({ url: '/api/v1/status' })).statusCode, 200);
  await app.close();
});

test('serves the app, its assets, and index.html for app paths, never shadowing the API', async () => {
  const dist = join(dir.path, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>carechain</title>');
  writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(dir.path, 'secret.txt'), 'outside the app');
  const app = await server(dist);

  const home = await app.inject({ url: '/', headers: html });
  assert.equal(home.statusCode, 200);
  assert.match(String(home.headers['content-type']), /text\/html/);
  assert.match(String(home.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.equal(home.headers['cache-control'], 'no-cache');

  const asset = await app.inject({ url: '/assets/index-abc.js' });
  assert.equal(asset.statusCode, 200);
  assert.match(String(asset.headers['content-type']), /javascript/);
  assert.match(String(asset.headers['cache-control']), /immutable/);

  // An app path reloaded in the browser gets the app; the same path asked for as data does not.
  const deep = await app.inject({ url: '/explorer/tx/ab12?x=1', headers: html });
  assert.equal(deep.statusCode, 200);
  assert.match(deep.body, /<title>carechain/);
  assert.equal(
    (await app.inject({ url: '/explorer/tx/ab12', headers: { accept: 'application/json' } })).statusCode,
    404,
  );

  // API prefixes keep the domain 404, even when a browser asks for HTML.
  for (const path of [
    '/api/v1/nope',
    '/fhir/R4/Nope/x/y/z',
    '/epcis/nope',
    '/auth/nope',
    '/.well-known/nope',
    '/metrics/x',
  ]) {
    const answer = await app.inject({ url: path, headers: html });
    assert.equal(answer.statusCode, 404, path);
    assert.equal(answer.json().error.code, 'route.not_found', path);
  }
  assert.deepEqual((await app.inject({ url: '/api/v1/status', headers: html })).json(), { ok: true });

  // Nothing outside web/dist is served, however the path is spelled.
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00']) {
    const answer = await app.inject({ url: path });
    assert.ok(!answer.body.includes('outside the app'), path);
  }
  await app.close();
});
