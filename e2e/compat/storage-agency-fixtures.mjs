// Fixtures for the Realtime and Storage compatibility tests: signed-in users who each own an
// agency (public.create_agency) with a client, as the app's onboarding creates them. Needs
// the app's migrations (supabase/migrations) on the target.

import { randomBytes } from 'node:crypto';
import { signedInClient } from './helpers.mjs';

/** Throw with context when a supabase-js call failed. */
export function must({ data, error }, what) {
  if (error) throw new Error(`${what} failed: ${error.message} (${JSON.stringify(error)})`);
  return data;
}

/**
 * A new signed-in user who owns a new agency with one client.
 * Returns `{ client, session, user, agency, customer }` (`customer`: the agency's client row).
 */
export async function agencyOwner(tag) {
  const member = await signedInClient({ tag });
  const slug = `${tag}-${randomBytes(5).toString('hex')}`;
  const agency = must(
    await member.client.rpc('create_agency', { name: `Agency ${slug}`, slug }),
    `create_agency(${slug})`,
  );
  const customer = must(
    await member.client
      .from('clients')
      .insert({ agency_id: agency.id, name: `Client of ${slug}` })
      .select()
      .single(),
    'insert into clients',
  );
  return { ...member, agency, customer };
}

/** Resolve once `channel.subscribe` reports a final status (SUBSCRIBED, CHANNEL_ERROR, ...). */
export function subscribed(channel, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no subscribe status within ${timeoutMs} ms`)), timeoutMs);
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED' || status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
        clearTimeout(timer);
        resolve({ status, error });
      }
    });
  });
}
