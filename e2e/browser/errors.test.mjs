// When the server cannot be reached or answers with an error, a page says so in words, keeps
// the rest of the screen usable, and loads again with "Try again".

import { after, before, test } from 'node:test';
import { launch, openPage, screenshots, visible, hidden } from './support/browser.mjs';
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

test('the dashboard explains a failed load and recovers with "Try again"', async () => {
  const page = await openPage(browser);
  const shot = screenshots('errors');
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(demo.owner);
  const dashboard = new DashboardPage(page);
  await dashboard.expectShown();
  await visible(dashboard.clientLink('Bright Smile Dental'));

  // The network drops for the client list.
  await page.route('**/rest/v1/client_summaries*', (route) => route.abort('internetdisconnected'));
  await page.reload();
  await dashboard.expectShown();
  const alert = page.getByRole('alert').filter({ hasText: "We couldn't load your clients." });
  await visible(alert);
  await visible(alert.getByText("We couldn't reach the server. Check your connection and try again."));
  await shot(page, 'network-down');

  // The server answers with an error PostgREST-style: still words, not codes.
  await page.unroute('**/rest/v1/client_summaries*');
  await page.route('**/rest/v1/client_summaries*', (route) =>
    route.fulfill({
      status: 503,
      contentType: 'application/json',
      body: JSON.stringify({ code: 'PGRST000', message: 'Could not connect with the database', details: null, hint: null }),
    }),
  );
  await alert.getByRole('button', { name: 'Try again' }).click();
  await visible(alert.getByText('Something went wrong on our side. Please try again in a moment.'));
  await shot(page, 'server-error');

  // Back to normal: "Try again" loads the list.
  await page.unroute('**/rest/v1/client_summaries*');
  await alert.getByRole('button', { name: 'Try again' }).click();
  await visible(dashboard.clientLink('Bright Smile Dental'));
  await hidden(alert);
  await page.assertClean();
});
