// The session: kept in localStorage under Supabase's key, refreshed when it is about to expire,
// one refresh at a time across tabs (the Web Lock `lock:<key>`), and never signed out by the
// tabs racing each other.
//
// Why "one at a time" and not "exactly once": a tab that takes the lock right after another tab
// refreshed may still read the old session, because Chromium propagates localStorage between
// renderer processes asynchronously (seen here: the second tab sent the same refresh token 6 ms
// after the first answer). GoTrue answers a just-rotated parent token with the session that
// replaced it (contract §2.4), so both tabs end up on one session; what must never happen is
// two refreshes in flight at once, or a chain of rotations that revokes the session.

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

const isRefresh = (request) => request.method() === 'POST' && request.url().includes('/auth/v1/token?grant_type=refresh_token');

test('two tabs finding the session due refresh one at a time and both stay signed in', async () => {
  const context = await browser.newContext();
  context.setDefaultTimeout(15_000);
  // Every refresh request: which token it sent, and the events of its life in order.
  const refreshTokens = [];
  const timeline = [];
  let inFlight = 0;
  let mostInFlight = 0;
  context.on('request', (request) => {
    if (isRefresh(request)) {
      refreshTokens.push(request.postDataJSON()?.refresh_token);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      timeline.push(`start (${inFlight} in flight)`);
    }
  });
  const finished = (what) => (request) => {
    if (isRefresh(request)) {
      inFlight -= 1;
      timeline.push(what);
    }
  };
  context.on('requestfinished', finished('finished'));
  context.on('requestfailed', finished('failed'));

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

  assert.ok(refreshTokens.length >= 1 && refreshTokens.length <= 2, `one refresh, or one per tab: ${timeline.join(', ')}`);
  assert.equal(mostInFlight, 1, `refreshes never overlap: ${timeline.join(', ')}`);
  assert.ok(
    refreshTokens.every((token) => token === before.refresh_token),
    'every refresh used the token both tabs started with (no chain of rotations)',
  );
  assert.ok(timeline.every((event) => event !== 'failed'), `no refresh failed: ${timeline.join(', ')}`);

  // Both tabs hold the same, rotated session, and go on working with it.
  const [inFirst, inSecond] = await Promise.all(
    [first, second].map((page) => page.evaluate((name) => JSON.parse(localStorage.getItem(name)), key)),
  );
  assert.notEqual(inFirst.refresh_token, before.refresh_token, 'the refresh token was rotated');
  assert.equal(inSecond.refresh_token, inFirst.refresh_token, 'both tabs hold one session');
  assert.ok(inFirst.expires_at > Math.floor(Date.now() / 1000) + 600, 'the new session has its full lifetime');
  const refreshesSoFar = refreshTokens.length;
  await Promise.all([first.reload(), second.reload()]);
  await visible(new DashboardPage(first).clientLink('Bright Smile Dental'));
  await visible(second.getByText('Growth plan'));
  assert.equal(refreshTokens.length, refreshesSoFar, 'a fresh session needs no refresh on reload');
  await context.close();
});
