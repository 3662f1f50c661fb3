// Security case 55: hostile text in user names, agency names and client names (and client
// profile fields) is shown literally and never runs: the `window.__xss` canary, the CSP
// violation listener and the dialog listener stay clean on every page that shows it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshots, visible } from './support/browser.mjs';
import { goodPassword, uniqueEmail } from './support/env.mjs';
import { InvitePage, SignUpPage, WelcomePage } from './pages/auth.mjs';
import { ClientForm, ClientPage, DashboardPage, SettingsPage } from './pages/app.mjs';

const corpus = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=2;alert(2)">',
  'javascript:window.__xss=3',
  '</title><svg onload="window.__xss=4">',
  '[click me](javascript:window.__xss=5)',
];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('hostile names and profile text show literally and run nothing', async () => {
  const shot = screenshots('xss');
  const page = await openPage(browser);
  const userName = `Mallory ${corpus[1]}`;
  const agencyName = `Agency ${corpus[3]}`;

  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp({ name: userName, email: uniqueEmail('mallory'), password: goodPassword });
  const welcome = new WelcomePage(page);
  await welcome.expectShown();
  await visible(page.getByText(`Welcome, ${userName}.`, { exact: false }));
  await welcome.create(agencyName);
  const dashboard = new DashboardPage(page);
  await dashboard.expectShown();
  await visible(page.getByText(agencyName, { exact: true }));
  await visible(page.getByText(userName, { exact: true }));

  for (const [index, payload] of corpus.entries()) {
    await dashboard.goto();
    await dashboard.newClient();
    const form = new ClientForm(page);
    await form.fill({
      name: payload,
      industry: payload.slice(0, 100),
      offer: `${payload}\n${corpus[(index + 1) % corpus.length]}`,
      competitors: corpus.join('\n'),
      bannedWords: payload.slice(0, 100),
    });
    await form.submit('Add client');
    const client = new ClientPage(page);
    await client.expectShown(payload);
    assert.equal(await client.fact('Offer').textContent(), `${payload}\n${corpus[(index + 1) % corpus.length]}`);
    assert.equal(await page.locator('.tag').filter({ hasText: corpus[0] }).first().textContent(), corpus[0]);
    await page.assertClean();
  }
  await shot(page, 'client-page');

  await dashboard.goto();
  for (const payload of corpus) {
    await visible(dashboard.clientLink(payload));
  }
  await shot(page, 'dashboard');
  await page.assertClean();

  const settings = new SettingsPage(page);
  await settings.goto();
  await visible(settings.memberRow(userName));
  assert.equal(await page.getByLabel('Agency name').inputValue(), agencyName);
  const link = await settings.invite();
  await shot(page, 'settings');
  await page.assertClean();

  // The invitee sees the hostile agency name on the invitation, as text.
  const invitee = await openPage(browser);
  const inviteeSignUp = new SignUpPage(invitee);
  await inviteeSignUp.goto();
  await inviteeSignUp.signUp({ name: corpus[0], email: uniqueEmail('invitee'), password: goodPassword });
  await new WelcomePage(invitee).expectShown();
  const invite = new InvitePage(invitee);
  await invite.goto(link);
  await visible(invitee.getByText(agencyName, { exact: true }));
  await shot(invitee, 'invitation');
  await invitee.assertClean();
});
