// A new agency owner: sign up (password rules shown live) → create the agency (address
// suggested from the name) → the honest empty dashboard → onboard a client (form rules, then
// the profile) → edit the profile → the session survives a reload → sign out.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshots, visible, atPath } from './support/browser.mjs';
import { env, goodPassword, uniqueEmail } from './support/env.mjs';
import { SignInPage, SignUpPage, WelcomePage } from './pages/auth.mjs';
import { ClientForm, ClientPage, DashboardPage, Shell } from './pages/app.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('sign up, create the agency, onboard a client and edit its profile', async () => {
  const page = await openPage(browser);
  const shot = screenshots('onboarding');

  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.password.fill('too short');
  assert.match(await signUp.rule('At least 12 characters').textContent(), /not met yet/);
  await signUp.password.fill(goodPassword);
  assert.match(await signUp.rule('At least 12 characters').textContent(), /\(met\)/);
  await shot(page, 'sign-up');
  await signUp.signUp({ name: 'Riley Owner', email: uniqueEmail('owner'), password: goodPassword });

  const welcome = new WelcomePage(page);
  await welcome.expectShown();
  await welcome.name.fill('Riverside Growth & Co.');
  assert.equal(await welcome.address.inputValue(), 'riverside-growth-and-co');
  await shot(page, 'create-agency');
  await welcome.submitButton.click();

  const dashboard = new DashboardPage(page);
  await dashboard.expectShown();
  await visible(page.getByText('No clients yet'));
  await visible(dashboard.metric('Show-rate improvement').getByText('No data yet'));
  await shot(page, 'empty-dashboard');

  await dashboard.newClient();
  const form = new ClientForm(page);
  await form.fill({ priceMin: '6000', priceMax: '3,500', currentShowRate: '140' });
  await form.submit('Add client');
  assert.equal(await form.errorOf(form.name), "Enter the client's name.");
  assert.equal(await form.errorOf(form.priceMax), 'The highest price is below the lowest.');
  assert.equal(await form.errorOf(form.currentShowRate), 'Enter a percentage between 0 and 100.');
  assert.ok(await form.name.evaluate((input) => input === document.activeElement), 'focus moves to the first field to fix');
  await shot(page, 'client-form-errors');

  await form.fill({
    name: 'Bright Dental Studio',
    industry: 'dental',
    offer: 'Invisalign consultations for adults.\nFree 3D scan.',
    priceMin: '3,500',
    priceMax: '6000',
    currentShowRate: '55',
    targetShowRate: '80',
    whoBooks: 'setter',
    leadTime: '3',
    reminders: 'One SMS the day before.',
    competitors: 'Aspen Dental\nLocal orthodontists',
    bannedWords: 'cheap\npainless',
  });
  await form.submit('Add client');

  const client = new ClientPage(page);
  await client.expectShown('Bright Dental Studio');
  assert.equal(await client.fact('Price range').textContent(), '$3,500 – $6,000');
  assert.equal(await client.fact('Booked ahead').textContent(), '3 days');
  assert.equal(await client.fact('Who books').textContent(), 'A setter');
  assert.match(await client.fact('Competitors').textContent(), /Aspen Dental.*Local orthodontists/);
  assert.equal(await client.fact('Before').textContent(), '55%');
  await visible(page.getByRole('link', { name: 'Go to transcripts' }));
  await shot(page, 'client-overview');

  await client.tab('Profile');
  const profile = new ClientForm(page);
  assert.equal(await profile.priceMin.inputValue(), '3500');
  await profile.fill({ targetShowRate: '85.5', notes: 'Consultations on Tuesdays.' });
  await profile.submit('Save profile');
  await visible(new Shell(page).toast('Profile saved.'));
  await shot(page, 'profile-saved');
  await client.tab('Overview');
  assert.equal(await client.fact('Target').textContent(), '85.5%');
  assert.equal(await client.fact('Notes').textContent(), 'Consultations on Tuesdays.');

  // The session survives a reload, and the dashboard lists the client.
  await page.reload();
  await client.expectShown('Bright Dental Studio');
  await new Shell(page).openDashboard();
  const row = dashboard.clientRow('Bright Dental Studio');
  await visible(row);
  assert.match(await row.textContent(), /Onboarding/);
  assert.match(await row.textContent(), /55% → not measured yet/);
  await shot(page, 'dashboard-with-client');

  // Signed out, the app sends visitors to sign-in and back where they were going.
  await new Shell(page).signOut();
  await page.goto(`${env.webUrl}/settings`);
  await atPath(page, /^\/sign-in\?next=%2Fsettings$/);
  await visible(new SignInPage(page).submitButton);
  await page.assertClean();
});

test('wrong passwords and unknown accounts get a message in words', async () => {
  const page = await openPage(browser);
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn({ email: 'nobody@example.com', password: 'not-the-password-1' });
  await visible(page.getByText("That e-mail and password don't match. Check both and try again."));
  await page.assertClean();
});
