// Where the browser tests point, read once from the environment. `cargo xtask test --only
// e2e-browser` starts a private stack and the built app and sets these.
//
//   WEB_URL                    the app (served with /config.json pointing at SUPABASE_URL)
//   SUPABASE_URL               the stand-in the app talks to
//   SUPABASE_SERVICE_ROLE_KEY  for test set-up only (e.g. upgrading a plan, as billing would)
//   SUPABASE_ANON_KEY          optional: the public key, to read rows as a signed-in user would
//   WEB_CONFIRM_URL            optional: the app against a stand-in that requires e-mail confirmation
//   SCREENSHOTS_DIR            where step screenshots go (default e2e/screenshots)
//   CHROMIUM                   the browser (default /usr/bin/chromium)

import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the browser tests with \`cargo xtask test --only e2e-browser\``);
  }
  return value.replace(/\/+$/, '');
}

const here = dirname(fileURLToPath(import.meta.url));

export const env = Object.freeze({
  webUrl: required('WEB_URL'),
  supabaseUrl: required('SUPABASE_URL'),
  serviceRoleKey: required('SUPABASE_SERVICE_ROLE_KEY'),
  anonKey: process.env.SUPABASE_ANON_KEY || null,
  confirmWebUrl: process.env.WEB_CONFIRM_URL ? process.env.WEB_CONFIRM_URL.replace(/\/+$/, '') : null,
  screenshotsDir: process.env.SCREENSHOTS_DIR || join(here, '..', '..', 'screenshots'),
  chromium: process.env.CHROMIUM || '/usr/bin/chromium',
});

/** The demo users of supabase/seed.sql. */
export const demo = Object.freeze({
  owner: { email: 'olivia@northwind-growth.example', password: 'northwind-owner-2025', name: 'Olivia Hart' },
  otherAgencyOwner: { email: 'jordan@brightpath-media.example', password: 'brightpath-owner-2025', name: 'Jordan Reyes' },
  northwindClientId: 'c11e0700-0000-4000-8000-000000000001',
});

let counter = 0;
/** A fresh, unique e-mail address. */
export function uniqueEmail(prefix) {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

/** A password that meets the rules (12+ characters). */
export const goodPassword = 'calm-harbor-lantern-42';
