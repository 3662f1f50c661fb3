// Page objects for the signed-in app: the shell, dashboard, client pages and settings.

import assert from 'node:assert/strict';
import { env } from '../support/env.mjs';
import { atPath, visible } from '../support/browser.mjs';

export class Shell {
  constructor(page) {
    this.page = page;
    this.nav = page.getByRole('navigation', { name: 'Main' });
    this.signOutButton = page.getByRole('button', { name: 'Sign out' });
  }

  async openDashboard() {
    await this.nav.getByRole('link', { name: 'Dashboard' }).click();
  }

  async openSettings() {
    await this.nav.getByRole('link', { name: 'Agency settings' }).click();
  }

  async signOut() {
    await this.signOutButton.click();
    await atPath(this.page, '/sign-in');
  }

  toast(text) {
    return this.page.getByRole('status').filter({ hasText: text });
  }
}

export class DashboardPage {
  constructor(page) {
    this.page = page;
    this.heading = page.getByRole('heading', { name: 'Dashboard', level: 1 });
    this.clients = page.getByRole('region', { name: 'Clients' });
  }

  async goto() {
    await this.page.goto(`${env.webUrl}/`);
    await this.expectShown();
  }

  async expectShown() {
    await visible(this.heading);
  }

  metric(label) {
    return this.page.getByRole('article').filter({ has: this.page.getByRole('heading', { name: label }) });
  }

  clientLink(name) {
    return this.clients.getByRole('link', { name, exact: true });
  }

  clientRow(name) {
    // `has` is matched inside each row, so it must be a locator relative to the page.
    return this.clients.getByRole('row').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  async newClient() {
    await this.page.getByRole('link', { name: /new client|add your first client/i }).first().click();
    await visible(this.page.getByRole('heading', { name: 'New client', level: 1 }));
  }
}

/** The client profile form (new client and the Profile tab). */
export class ClientForm {
  constructor(page) {
    this.page = page;
    this.name = page.getByLabel('Client name');
    this.industry = page.getByLabel('Industry');
    this.offer = page.getByLabel('Offer');
    this.priceMin = page.getByLabel('Lowest price');
    this.priceMax = page.getByLabel('Highest price');
    this.currentShowRate = page.getByLabel('Current show rate (%)');
    this.targetShowRate = page.getByLabel('Target show rate (%)');
    this.whoBooks = page.getByLabel('Who books the sales call?');
    this.leadTime = page.getByLabel('How far ahead are calls booked?');
    this.reminders = page.getByLabel('Current reminders');
    this.competitors = page.getByLabel('Competitors and alternatives');
    this.bannedWords = page.getByLabel('Words the client never wants used');
    this.notes = page.getByLabel('Notes');
  }

  async fill(values) {
    const fields = {
      name: this.name,
      industry: this.industry,
      offer: this.offer,
      priceMin: this.priceMin,
      priceMax: this.priceMax,
      currentShowRate: this.currentShowRate,
      targetShowRate: this.targetShowRate,
      leadTime: this.leadTime,
      reminders: this.reminders,
      competitors: this.competitors,
      bannedWords: this.bannedWords,
      notes: this.notes,
    };
    for (const [key, value] of Object.entries(values)) {
      if (key === 'whoBooks') {
        await this.whoBooks.selectOption(value);
      } else {
        await fields[key].fill(value);
      }
    }
  }

  async submit(label) {
    await this.page.getByRole('button', { name: label }).click();
  }

  /** The error shown under a field, read through its aria-describedby. */
  async errorOf(field) {
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    const ids = (await field.getAttribute('aria-describedby')).split(' ');
    return this.page.locator(`[id="${ids[ids.length - 1]}"]`).textContent();
  }
}

export class ClientPage {
  constructor(page) {
    this.page = page;
    this.tabs = page.getByRole('navigation', { name: 'Client sections' });
  }

  async expectShown(name) {
    await atPath(this.page, /^\/clients\/[0-9a-f-]{36}/);
    await visible(this.page.getByRole('heading', { name, level: 1, exact: true }));
  }

  async tab(label) {
    await this.tabs.getByRole('link', { name: label }).click();
    await visible(this.tabs.getByRole('link', { name: label }).and(this.page.locator('[aria-current="page"]')));
  }

  /** The value next to a label in a facts list ("Price range" → "$3,500 – $6,000"). */
  fact(label) {
    return this.page.locator('.facts__row').filter({ has: this.page.getByText(label, { exact: true }) }).locator('dd');
  }
}

export class SettingsPage {
  constructor(page) {
    this.page = page;
    this.members = page.getByRole('region', { name: 'Members' });
    this.invitations = page.getByRole('region', { name: 'Invitations' });
    this.plan = page.getByRole('region', { name: 'Plan and usage' });
  }

  async goto() {
    await this.page.goto(`${env.webUrl}/settings`);
    await visible(this.page.getByRole('heading', { name: 'Agency settings', level: 1 }));
  }

  memberRow(name) {
    return this.members.getByRole('row').filter({ hasText: name });
  }

  /** Create an invitation and return its link. */
  async invite({ role = 'member', email } = {}) {
    await this.invitations.getByLabel('Role').selectOption(role);
    if (email) {
      await this.invitations.getByLabel('Their e-mail address').fill(email);
    }
    await this.invitations.getByRole('button', { name: 'Create invitation link' }).click();
    const link = this.invitations.getByLabel('Invitation link');
    await visible(link);
    return link.inputValue();
  }

  meter(label) {
    return this.plan.locator('.meter').filter({ hasText: label });
  }
}
