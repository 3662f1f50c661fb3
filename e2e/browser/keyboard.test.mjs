// Keyboard only: the sign-in form in a sensible focus order, submitted with Enter; then from
// the dashboard to a client's page with Tab and Enter, focus always visible on a named control.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, visible } from './support/browser.mjs';
import { demo } from './support/env.mjs';
import { SignInPage } from './pages/auth.mjs';
import { DashboardPage } from './pages/app.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** What has keyboard focus: its role-ish tag and its accessible text or label. */
async function focused(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) {
      return 'body';
    }
    const label = element.labels?.[0]?.textContent?.trim();
    return `${element.tagName.toLowerCase()}:${(label || element.textContent || '').trim()}`;
  });
}

test('sign in and open a client with the keyboard alone', async () => {
  const page = await openPage(browser);
  const signIn = new SignInPage(page);
  await signIn.goto();

  const order = [];
  for (let step = 0; step < 5; step += 1) {
    await page.keyboard.press('Tab');
    order.push(await focused(page));
  }
  assert.deepEqual(order, [
    'a:Skip to content',
    'input:E-mail address',
    'input:Password',
    'button:Sign in',
    'a:Create an account',
  ]);

  await signIn.email.focus();
  await page.keyboard.type(demo.owner.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(demo.owner.password);
  await page.keyboard.press('Enter');
  const dashboard = new DashboardPage(page);
  await dashboard.expectShown();
  await visible(dashboard.clientLink('Bright Smile Dental'));

  let reached = false;
  for (let step = 0; step < 40 && !reached; step += 1) {
    await page.keyboard.press('Tab');
    reached = (await focused(page)) === 'a:Bright Smile Dental';
  }
  assert.ok(reached, 'Tab reaches the client link');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).boxShadow);
  assert.notEqual(ring, 'none', 'the focused link shows a focus ring');
  await page.keyboard.press('Enter');
  await visible(page.getByRole('heading', { name: 'Bright Smile Dental', level: 1 }));
  await page.assertClean();
});
