// The real API from the tests' side: `rest` with the service role, for set-up only billing or
// the platform admin does (and benchmark data), never to check behaviour; `readAsUser` to see
// what a signed-in user's session reads.

import { env } from './env.mjs';

/** A request with the service role (bypasses row level security). */
export async function rest(method, path, body) {
  const response = await fetch(`${env.supabaseUrl}/rest/v1/${path}`, {
    method,
    headers: {
      apikey: env.serviceRoleKey,
      Authorization: `Bearer ${env.serviceRoleKey}`,
      'Content-Type': 'application/json',
      Prefer: 'return=representation',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${text}`);
  }
  return text ? JSON.parse(text) : null;
}

/** Move an agency (found by its exact name) to another plan, as a billing webhook would. */
export async function setPlan(agencyName, planId) {
  const rows = await rest('PATCH', `agencies?name=eq.${encodeURIComponent(agencyName)}`, { plan_id: planId });
  if (rows.length !== 1) {
    throw new Error(`expected one agency named ${agencyName}, updated ${rows.length}`);
  }
  return rows[0];
}

/**
 * Read rows through the API as the user signed in on `page` (their session from localStorage,
 * the public key): what row level security lets that user see, exactly as the app reads it.
 */
export async function readAsUser(page, path) {
  if (!env.anonKey) {
    throw new Error('SUPABASE_ANON_KEY is not set: run the browser tests with `cargo xtask test --only e2e-browser`');
  }
  const session = await page.evaluate(() => {
    const key = Object.keys(localStorage).find((name) => /^sb-.+-auth-token$/.test(name));
    return key ? JSON.parse(localStorage.getItem(key)) : null;
  });
  if (!session?.access_token) {
    throw new Error('no session in the page: sign in first');
  }
  const response = await fetch(`${env.supabaseUrl}/rest/v1/${path}`, {
    headers: { apikey: env.anonKey, Authorization: `Bearer ${session.access_token}` },
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`GET ${path}: ${response.status} ${text}`);
  }
  return JSON.parse(text);
}
