// Test set-up through the real API with the service role, for what only billing or the
// platform admin does (never used to check behaviour).

import { env } from './env.mjs';

async function rest(method, path, body) {
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
