// Invitations: an owner invites, a second person opens the link, signs up, and joins. The
// starter plan's single seat is full first, and the database's refusal is shown in words;
// after an upgrade (as billing would do it) the same link works. Then the owner changes the
// new member's role and removes them.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, screenshots, visible, hidden } from './support/browser.mjs';
import { goodPassword, uniqueEmail } from './support/env.mjs';
import { setPlan } from './support/api.mjs';
import { InvitePage, SignUpPage, WelcomePage } from './pages/auth.mjs';
import { DashboardPage, SettingsPage, Shell } from './pages/app.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a second user accepts an invitation and joins the agency', async () => {
  const shot = screenshots('invitations');
  const agencyName = `Harbor Lane Agency ${Date.now().toString(36)}`;

  const owner = await openPage(browser);
  const ownerSignUp = new SignUpPage(owner);
  await ownerSignUp.goto();
  await ownerSignUp.signUp({ name: 'Casey Owner', email: uniqueEmail('casey'), password: goodPassword });
  const welcome = new WelcomePage(owner);
  await welcome.expectShown();
  await welcome.create(agencyName);
  await new DashboardPage(owner).expectShown();

  const settings = new SettingsPage(owner);
  await settings.goto();
  assert.match(await settings.meter('Seats').textContent(), /1 of 1/);
  const link = await settings.invite({ role: 'member' });
  assert.match(link, /\/invite\/[A-Za-z0-9_-]{40}$/);
  await visible(settings.invitations.getByRole('row').filter({ hasText: 'Pending' }));
  await shot(owner, 'owner-created-invitation');

  // The invitee opens the link signed out, creates an account, and comes back to it.
  const invitee = await openPage(browser, { width: 390, height: 844 });
  const invite = new InvitePage(invitee);
  await invite.goto(link);
  await shot(invitee, 'invitee-signed-out');
  await invitee.getByRole('link', { name: 'Create an account' }).click();
  const inviteeSignUp = new SignUpPage(invitee);
  await inviteeSignUp.signUp({ name: 'Jamie Member', email: uniqueEmail('jamie'), password: goodPassword });
  await visible(invitee.getByText(agencyName));
  await visible(invitee.getByText(/invited you to join as a member/));
  await invite.accept.click();
  await visible(invitee.getByText(/Seat limit reached: the Starter plan allows 1 seat\. Upgrade the plan or remove a member/));
  await shot(invitee, 'invitee-seat-limit');

  await setPlan(agencyName, 'growth');
  await invite.accept.click();
  const dashboard = new DashboardPage(invitee);
  await dashboard.expectShown();
  await visible(invitee.getByText(agencyName));
  await visible(new Shell(invitee).toast(`You joined ${agencyName}.`));
  // A member cannot add clients: the action is not offered.
  await hidden(invitee.getByRole('link', { name: 'New client' }));
  await shot(invitee, 'invitee-dashboard');

  // The owner sees the new member, makes them an admin, then removes them.
  await settings.goto();
  const row = settings.memberRow('Jamie Member');
  await visible(row);
  await row.getByLabel('Role of Jamie Member').selectOption('admin');
  await visible(new Shell(owner).toast('Role changed to admin.'));
  await visible(settings.invitations.getByRole('row').filter({ hasText: 'Accepted' }));
  await row.getByRole('button', { name: 'Remove Jamie Member' }).click();
  const dialog = owner.getByRole('dialog', { name: 'Remove Jamie Member?' });
  await visible(dialog);
  await shot(owner, 'owner-confirms-removal');
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await visible(new Shell(owner).toast('Member removed.'));
  await hidden(settings.memberRow('Jamie Member'));

  // Used invitation links say so.
  await invite.goto(link);
  await visible(invitee.getByText("This invitation can't be used."));
  await owner.assertClean();
  await invitee.assertClean();
});
