// One headless Chromium per test file (Debian's, never a downloaded one), pages with guards
// that catch any script an XSS payload might run, and step screenshots.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { env } from './env.mjs';

export async function launch() {
  return chromium.launch({
    executablePath: env.chromium,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A page in a fresh context (its own localStorage, i.e. its own session) with guards:
 * `window.__xss` stays 0 unless an injected script runs; Content-Security-Policy violations,
 * dialogs (alert/confirm) and uncaught page errors are recorded. `assertClean()` fails the test
 * if any of them happened.
 */
export async function openPage(browser, { width = 1280, height = 860 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  context.setDefaultTimeout(15_000);
  await context.addInitScript(() => {
    window.__xss = 0;
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample || ''}`);
    });
  });
  const page = await context.newPage();
  const incidents = { dialogs: [], pageErrors: [], cspConsole: [] };
  page.on('dialog', (dialog) => {
    incidents.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => incidents.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      incidents.cspConsole.push(message.text());
    }
  });
  page.assertClean = async () => {
    const canary = await page.evaluate(() => window.__xss);
    const violations = await page.evaluate(() => window.__cspViolations);
    assert.equal(canary, 0, 'an injected script ran (window.__xss changed)');
    assert.deepEqual(violations, [], 'Content-Security-Policy violations (markup was injected)');
    assert.deepEqual(incidents.cspConsole, [], 'CSP errors on the console');
    assert.deepEqual(incidents.dialogs, [], 'a dialog opened (alert/confirm from injected code?)');
    assert.deepEqual(incidents.pageErrors, [], 'uncaught errors in the page');
  };
  return page;
}

/** Wait until `locator` is visible (Playwright's auto-waiting, without @playwright/test). */
export async function visible(locator, timeout) {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator;
}

/** Wait until `locator` is gone. */
export async function hidden(locator, timeout) {
  await locator.first().waitFor({ state: 'hidden', timeout });
}

/** Wait until the page's path is `path` (a string or a RegExp). */
export async function atPath(page, path, timeout = 15_000) {
  await page.waitForURL((url) => (path instanceof RegExp ? path.test(url.pathname + url.search) : url.pathname === path), {
    timeout,
  });
}

/** Screenshots of each step: e2e/screenshots/<group>/<NN>-<step>.png (git-ignored). */
export function screenshots(group) {
  const dir = join(env.screenshotsDir, group);
  mkdirSync(dir, { recursive: true });
  let step = 0;
  return async (page, name) => {
    step += 1;
    await page.screenshot({ path: join(dir, `${String(step).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
}
