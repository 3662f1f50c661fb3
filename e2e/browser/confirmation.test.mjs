// When the project requires e-mail confirmation (the hosted default), sign-up says where the
// link went, and signing in before confirming explains what to do.

import { after, before, test } from 'node:test';
import { launch, openPage, screenshots, visible } from './support/browser.mjs';
import { env, goodPassword, uniqueEmail } from './support/env.mjs';
import { SignUpPage } from './pages/auth.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('sign-up with e-mail confirmation required', { skip: env.confirmWebUrl ? false : 'WEB_CONFIRM_URL is not set' }, async () => {
  const shot = screenshots('confirmation');
  const page = await openPage(browser);
  const email = uniqueEmail('confirm');
  const signUp = new SignUpPage(page, env.confirmWebUrl);
  await signUp.goto();
  await signUp.signUp({ name: 'Pat Confirm', email, password: goodPassword });
  await visible(page.getByText('Check your e-mail.'));
  await visible(page.getByText(email));
  await shot(page, 'check-your-email');

  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(goodPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByText('Please confirm your e-mail address first: we sent you a link.'));
  await shot(page, 'sign-in-before-confirming');
  await page.assertClean();
});
