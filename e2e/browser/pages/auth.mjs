// Page objects for the signed-out pages: sign-in, sign-up, creating the agency, invitations.

import { env } from '../support/env.mjs';
import { atPath, visible } from '../support/browser.mjs';

export class SignInPage {
  constructor(page) {
    this.page = page;
    this.email = page.getByLabel('E-mail address');
    this.password = page.getByLabel('Password', { exact: true });
    this.submitButton = page.getByRole('button', { name: 'Sign in' });
  }

  async goto(next) {
    await this.page.goto(`${env.webUrl}/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    await visible(this.page.getByRole('heading', { name: 'Sign in', level: 1 }));
  }

  async signIn({ email, password }) {
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submitButton.click();
  }

  alert() {
    return this.page.getByRole('alert');
  }
}

export class SignUpPage {
  constructor(page, webUrl = env.webUrl) {
    this.page = page;
    this.webUrl = webUrl;
    this.name = page.getByLabel('Your name');
    this.email = page.getByLabel('E-mail address');
    this.password = page.getByLabel('Password', { exact: true });
    this.submitButton = page.getByRole('button', { name: 'Create account' });
  }

  async goto() {
    await this.page.goto(`${this.webUrl}/sign-up`);
    await visible(this.page.getByRole('heading', { name: 'Create your account' }));
  }

  /** The password rule as announced: "… (met)" or "… (not met yet)". */
  rule(text) {
    return this.page.getByRole('list', { name: 'Password rules' }).getByRole('listitem').filter({ hasText: text });
  }

  async signUp({ name, email, password }) {
    await this.name.fill(name);
    await this.email.fill(email);
    await this.password.fill(password);
    await this.submitButton.click();
  }
}

export class WelcomePage {
  constructor(page) {
    this.page = page;
    this.name = page.getByLabel('Agency name');
    this.address = page.getByLabel('Agency address');
    this.submitButton = page.getByRole('button', { name: 'Create agency' });
  }

  async expectShown() {
    await atPath(this.page, '/welcome');
    await visible(this.page.getByRole('heading', { name: 'Set up your agency' }));
  }

  async create(name) {
    await this.name.fill(name);
    await this.submitButton.click();
  }
}

export class InvitePage {
  constructor(page) {
    this.page = page;
    this.accept = page.getByRole('button', { name: 'Accept invitation' });
  }

  async goto(link) {
    await this.page.goto(link);
    await visible(this.page.getByRole('heading', { name: "You're invited" }));
  }
}
