// A fresh machine with only Node.js and npm has no /usr/bin/chromium: the browser tests then run the
// Chromium that the npm package @sparticuz/chromium ships. This test launches that one even where the system
// has its own, so the fallback is checked on every run, and the page runs the web app's crypto (WebCrypto
// and module scripts) as the browser tests need. `CARECHAIN_CHROMIUM=/nonexistent` runs every browser test
// on it.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../harness/browser.ts';

let browser: Browser | undefined;
// WebCrypto needs a secure context: a page served from loopback is one, about:blank is not.
const server = createServer((_, res) =>
  res.writeHead(200, { 'content-type': 'text/html' }).end('<main><h1>carechain</h1></main>'),
);
after(async () => {
  await browser?.close();
  server.close();
});

test("the npm package's Chromium launches headless and runs a page's scripts", async () => {
  browser = await launchChromium('npm');
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  const digest = await page.evaluate(async () => {
    const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode('carechain'));
    return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
  });
  assert.equal(await page.textContent('h1'), 'carechain');
  assert.equal(digest, createHash('sha256').update('carechain').digest('hex'));
  assert.match(browser.version(), /^\d+\./);
});
