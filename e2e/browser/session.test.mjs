// The session: kept in localStorage under Supabase's key, refreshed when it is about to expire,
// and refreshed once — not once per tab — when several tabs find it due at the same moment
// (a refresh token used twice outside GoTrue's reuse window revokes the whole session).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, visible } from './support/browser.mjs';
import { demo, env } from './support/env.mjs';
import { SignInPage } from './pages/auth.mjs';
import { DashboardPage } from './pages/app.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('two tabs finding the session due refresh it once and both stay signed in', async () => {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  const refreshes = [];
  context.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/auth/v1/token?grant_type=refresh_token')) {
      refreshes.push(request.url());
    }
  });
  const first = await context.newPage();
  const signIn = new SignInPage(first);
  await signIn.goto();
  await signIn.signIn(demo.owner);
  await new DashboardPage(first).expectShown();

  const key = await first.evaluate(() => Object.keys(localStorage).find((name) => /^sb-.+-auth-token$/.test(name)));
  assert.equal(key, 'sb-127-auth-token', "the session is stored under supabase-js's key");
  const before = await first.evaluate((name) => JSON.parse(localStorage.getItem(name)), key);
  assert.ok(before.access_token && before.refresh_token && before.user?.id);

  // Make the stored session due (expiring in 30 s, inside the 90 s margin), then load two tabs
  // at once: each needs a token for its first query. The refresh is held back 2 s on its way to
  // the server, so the second tab surely starts while the first tab's refresh is in flight.
  await context.route('**/auth/v1/token?grant_type=refresh_token', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await route.continue();
  });
  await first.evaluate((name) => {
    const session = JSON.parse(localStorage.getItem(name));
    session.expires_at = Math.floor(Date.now() / 1000) + 30;
    localStorage.setItem(name, JSON.stringify(session));
  }, key);
  const second = await context.newPage();
  await Promise.all([first.goto(`${env.webUrl}/`), second.goto(`${env.webUrl}/settings`)]);
  await visible(new DashboardPage(first).clientLink('Bright Smile Dental'));
  await visible(second.getByRole('heading', { name: 'Agency settings', level: 1 }));
  await visible(second.getByText('Growth plan'));

  assert.equal(refreshes.length, 1, `one refresh for both tabs, saw ${refreshes.length}`);
  const after = await second.evaluate((name) => JSON.parse(localStorage.getItem(name)), key);
  assert.notEqual(after.refresh_token, before.refresh_token, 'the refresh token was rotated');
  assert.ok(after.expires_at > Math.floor(Date.now() / 1000) + 600, 'the new session has its full lifetime');

  // Both tabs go on working with the rotated session.
  await first.reload();
  await visible(new DashboardPage(first).clientLink('Bright Smile Dental'));
  assert.equal(refreshes.length, 1);
  await context.close();
});
