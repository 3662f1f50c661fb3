// For the benchmarks: a browser context where the demo owner is signed in (the session stays
// in localStorage, as for a returning user), so each measured load starts signed in.

import { demo } from '../support/env.mjs';
import { SignInPage } from '../pages/auth.mjs';
import { DashboardPage } from '../pages/app.mjs';

export async function demoOwnerContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(30_000);
  const first = await context.newPage();
  const signIn = new SignInPage(first);
  await signIn.goto();
  await signIn.signIn(demo.owner);
  await new DashboardPage(first).expectShown();
  await first.close();
  return context;
}
