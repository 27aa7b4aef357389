// One `carechain up` and one Chromium for a browser test file, the before/after every file in test/browser
// wrote out the same way.
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { ensureWebBuilt, launchChromium, startUp, type UpNetwork } from './browser.ts';

export interface WebApp {
  readonly net: UpNetwork;
  readonly browser: Browser;
}

/**
 * Builds the web app if stale, runs `carechain up` and launches Chromium before the file's tests (then
 * `setUp`), and closes both after them. The object returned is empty until the `before` hook fills it, so
 * read it in tests only. `setUp` is a parameter, not a second `before`, because node 20 runs a file's
 * top-level `before` hooks concurrently.
 */
export function webAppForTests(setUp?: (app: WebApp) => Promise<void>): WebApp {
  const app = {} as { net: UpNetwork; browser: Browser };
  before(async () => {
    await ensureWebBuilt();
    app.net = await startUp();
    app.browser = await launchChromium();
    await setUp?.(app);
  });
  after(async () => {
    await app.browser?.close();
    await app.net?.stop();
  });
  return app;
}
