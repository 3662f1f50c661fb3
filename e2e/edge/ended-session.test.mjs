// An ended session's access token (security-tests.md case 25), through the real stand-in and
// the app's schema with supabase-js: after the owner signs out everywhere, a copy of their
// still-unexpired access token (a stolen one, say) reads ordinary data, but is refused the
// sensitive actions (supabase/migrations/*_live_session_for_sensitive_actions.sql) with a
// 403 that says why, and nothing changes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@supabase/supabase-js';
import { env } from '../compat/helpers.mjs';
import { agencyWithClient, serviceClient, signedInClient } from './helpers.mjs';

/** A client that sends `accessToken` as is, as a thief holding a copy of it would. */
function clientWithToken(accessToken) {
  return createClient(env.url, env.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: { headers: { Authorization: `Bearer ${accessToken}` } },
  });
}

test('after a global sign-out the old access token reads, but cannot remove members, change roles or invite', async () => {
  const owner = await agencyWithClient('ended-session');
  const member = await signedInClient({ tag: 'ended-session-member' });
  // A second seat, as the billing webhook would grant on the Growth plan.
  const upgraded = await serviceClient().from('agencies').update({ plan_id: 'growth' }).eq('id', owner.agencyId);
  assert.equal(upgraded.error, null, upgraded.error?.message);
  const added = await serviceClient()
    .from('agency_members')
    .insert({ agency_id: owner.agencyId, user_id: member.user.id, role: 'member' });
  assert.equal(added.error, null, added.error?.message);

  const stolen = clientWithToken(owner.session.access_token);
  const before = await stolen.from('agency_members').select('user_id,role').eq('agency_id', owner.agencyId);
  assert.equal(before.error, null, before.error?.message);
  assert.equal(before.data.length, 2, 'while the session lives, the token sees both members');

  const signedOut = await owner.client.auth.signOut({ scope: 'global' });
  assert.equal(signedOut.error, null, signedOut.error?.message);

  const reads = await stolen.from('clients').select('id').eq('id', owner.clientId);
  assert.equal(reads.error, null, 'ordinary reads go on until the token expires');
  assert.equal(reads.data.length, 1);

  const ended = /your session has ended: sign in again/;
  const removal = await stolen
    .from('agency_members')
    .delete()
    .eq('agency_id', owner.agencyId)
    .eq('user_id', member.user.id);
  assert.equal(removal.status, 403, JSON.stringify(removal.error));
  assert.equal(removal.error?.code, '42501');
  assert.match(removal.error?.message ?? '', ended);

  const promotion = await stolen
    .from('agency_members')
    .update({ role: 'admin' })
    .eq('agency_id', owner.agencyId)
    .eq('user_id', member.user.id);
  assert.equal(promotion.status, 403, JSON.stringify(promotion.error));
  assert.match(promotion.error?.message ?? '', ended);

  const invitation = await stolen.rpc('create_invitation', { agency_id: owner.agencyId, role: 'admin' });
  assert.equal(invitation.status, 403, JSON.stringify(invitation.error));
  assert.match(invitation.error?.message ?? '', ended);

  const after = await serviceClient()
    .from('agency_members')
    .select('user_id,role')
    .eq('agency_id', owner.agencyId)
    .order('role');
  assert.equal(after.error, null, after.error?.message);
  assert.deepEqual(after.data.map((row) => row.role), ['member', 'owner'], 'nobody was removed or promoted');
  const invitations = await serviceClient().from('invitations').select('id').eq('agency_id', owner.agencyId);
  assert.deepEqual(invitations.data, [], 'no invitation was created');

  // Signing in again gives a live session, and the action goes through.
  const again = await signedInClient({ email: owner.email, password: owner.password });
  const removed = await again.client
    .from('agency_members')
    .delete()
    .eq('agency_id', owner.agencyId)
    .eq('user_id', member.user.id)
    .select('user_id');
  assert.equal(removed.error, null, removed.error?.message);
  assert.equal(removed.data.length, 1, 'a fresh sign-in removes the member');
});
