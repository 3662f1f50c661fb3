// The seeded demo owner sees their dashboard with figures; the owner of another agency sees
// none of it (not in lists, not by address).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshots, visible, atPath } from './support/browser.mjs';
import { demo, env } from './support/env.mjs';
import { SignInPage } from './pages/auth.mjs';
import { DashboardPage, SettingsPage } from './pages/app.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const northwindClients = ['Bright Smile Dental', 'Elevate Leadership Coaching', 'Ironclad IT Services'];

test('the demo owner signs in and sees the dashboard', async () => {
  const page = await openPage(browser);
  const shot = screenshots('demo-owner');
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(demo.owner);
  const dashboard = new DashboardPage(page);
  await dashboard.expectShown();
  for (const name of northwindClients) {
    await visible(dashboard.clientLink(name));
  }
  // Figures from the seeded analysis, live content and tracked bookings.
  await visible(dashboard.metric('Show-rate improvement').getByText(/pts$/));
  await visible(dashboard.metric('Content performance').getByText(/show rate/));
  await visible(dashboard.metric('Active clients'));
  await shot(page, 'dashboard');

  const settings = new SettingsPage(page);
  await settings.goto();
  for (const name of ['Olivia Hart', 'Adam Brooks', 'Maya Patel']) {
    await visible(settings.memberRow(name));
  }
  await visible(settings.plan.getByText('Growth plan'));
  assert.match(await settings.meter('Seats').textContent(), /3 of 3/);
  assert.match(await settings.meter('Seats').textContent(), /Limit reached/);
  await shot(page, 'settings');
  await page.assertClean();
});

test('at phone width the dashboard and settings fit the screen, each value in one readable line', async () => {
  const page = await openPage(browser, { width: 390, height: 844 });
  const shot = screenshots('demo-owner-phone');
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(demo.owner);
  const dashboard = new DashboardPage(page);
  await dashboard.expectShown();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.equal(await overflow(), 0, 'no sideways scrolling on the dashboard');
  // The client table stacks into label/value rows; a value is never split into squeezed
  // columns: "12 bookings" stays on one line (at most as tall as two lines of text).
  const bookings = dashboard.clients.getByText(/^\d+ bookings?$/).first();
  await visible(bookings);
  const { height, lineHeight } = await bookings.evaluate((element) => ({
    height: element.getBoundingClientRect().height,
    lineHeight: parseFloat(getComputedStyle(element).lineHeight),
  }));
  assert.ok(height < lineHeight * 1.5, `"12 bookings" is one line (${height}px for a ${lineHeight}px line)`);
  await shot(page, 'dashboard');
  const settings = new SettingsPage(page);
  await settings.goto();
  await visible(settings.memberRow('Olivia Hart'));
  assert.equal(await overflow(), 0, 'no sideways scrolling in the agency settings');
  await shot(page, 'settings');
  await page.assertClean();
});

test('an owner of another agency sees none of the first agency', async () => {
  const page = await openPage(browser);
  const shot = screenshots('isolation');
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(demo.otherAgencyOwner);
  const dashboard = new DashboardPage(page);
  await dashboard.expectShown();
  await visible(dashboard.clientLink('Summit Roofing Co.'));
  const listed = await dashboard.clients.getByRole('link').allTextContents();
  for (const name of northwindClients) {
    assert.ok(!listed.includes(name), `${name} must not be listed`);
  }
  await shot(page, 'dashboard');

  await page.goto(`${env.webUrl}/clients/${demo.northwindClientId}`);
  await visible(page.getByRole('heading', { name: 'Client not found', level: 1 }));
  await shot(page, 'other-agencys-client');

  const settings = new SettingsPage(page);
  await settings.goto();
  await visible(settings.memberRow('Jordan Reyes'));
  const members = await settings.members.getByRole('row').allTextContents();
  assert.ok(!members.some((row) => /Olivia|Adam|Maya/.test(row)), 'no member of another agency is listed');
  await page.assertClean();
  await atPath(page, '/settings');
});
