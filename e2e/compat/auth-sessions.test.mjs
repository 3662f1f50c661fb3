// Sessions through the official client (contract §2.1, §2.4): refresh-token rotation, reuse
// inside and outside the 10 s interval, logout scopes, getUser/updateUser, and a password
// change ending the user's other sessions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  anonClient,
  api,
  createConfirmedUser,
  env,
  jwtClaims,
  signedInClient,
  sleep,
  strongPassword,
  uniqueEmail,
} from './helpers.mjs';

const VERSION = { 'x-supabase-api-version': '2024-01-01' };

/** Refresh with a raw refresh token (the wire call auth-js makes), returning status and body. */
function refresh(refreshToken) {
  return api('/auth/v1/token?grant_type=refresh_token', {
    method: 'POST',
    json: { refresh_token: refreshToken },
    headers: VERSION,
  });
}

/** GET /auth/v1/user with an access token. */
function getUserRaw(accessToken) {
  return api('/auth/v1/user', { headers: { ...VERSION, authorization: `Bearer ${accessToken}` } });
}

test('refresh rotates the refresh token and keeps the session', async () => {
  const { client, session, user } = await signedInClient({ tag: 'refresh' });
  const { data, error } = await client.auth.refreshSession();
  assert.equal(error, null);
  assert.notEqual(data.session.refresh_token, session.refresh_token);
  // (Within the same second the access token may be byte-identical: same claims, no jti.)
  assert.equal(data.user.id, user.id);
  const before = jwtClaims(session.access_token);
  const after = jwtClaims(data.session.access_token);
  assert.equal(after.session_id, before.session_id);
  assert.deepEqual(after.amr, before.amr, 'amr records the sign-in, not the refresh');
  const me = await client.auth.getUser();
  assert.equal(me.error, null);
  assert.equal(me.data.user.id, user.id);
});

test('the parent of the active token gets the active token back, with no new session', async () => {
  const { session } = await signedInClient({ tag: 'lost-response' });
  const first = await refresh(session.refresh_token);
  assert.equal(first.status, 200);
  // The client lost that response and retries with the old token: same new token again.
  const again = await refresh(session.refresh_token);
  assert.equal(again.status, 200);
  assert.equal(again.body.refresh_token, first.body.refresh_token);
  assert.equal(jwtClaims(again.body.access_token).session_id, jwtClaims(first.body.access_token).session_id);
  // And the active token still works afterwards.
  const next = await refresh(first.body.refresh_token);
  assert.equal(next.status, 200);
});

test('an older token reused within 10 s gets a fresh token in the same session', async () => {
  const { session } = await signedInClient({ tag: 'reuse-window' });
  const r2 = await refresh(session.refresh_token);
  const r3 = await refresh(r2.body.refresh_token);
  assert.equal(r3.status, 200);
  // R1 is no longer the parent of the active token (R3's parent is R2), but was revoked
  // moments ago: still accepted, and in the same session.
  const reused = await refresh(session.refresh_token);
  assert.equal(reused.status, 200);
  assert.notEqual(reused.body.refresh_token, r3.body.refresh_token);
  assert.equal(jwtClaims(reused.body.access_token).session_id, jwtClaims(session.access_token).session_id);
});

test('reuse outside the 10 s interval revokes the whole token family', async () => {
  const { session } = await signedInClient({ tag: 'reuse-late' });
  const r2 = await refresh(session.refresh_token);
  const r3 = await refresh(r2.body.refresh_token);
  assert.equal(r3.status, 200);
  await sleep(11_000);
  const stolen = await refresh(session.refresh_token);
  assert.equal(stolen.status, 400);
  assert.deepEqual(stolen.body, { code: 'refresh_token_already_used', message: 'Invalid Refresh Token: Already Used' });
  // The family is revoked: the token the legitimate client holds is refused too. Hosted
  // GoTrue still lets it through for the 10 s after the revocation (its reuse interval); the
  // stand-in closes the family at once (see auth/tokens.rs).
  if (!env.isStandIn) await sleep(10_500);
  const legitimate = await refresh(r3.body.refresh_token);
  assert.equal(legitimate.status, 400);
  assert.equal(legitimate.body.code, 'refresh_token_already_used');
  // The session's access token keeps working until it expires, as on hosted.
  const me = await getUserRaw(r3.body.access_token);
  assert.equal(me.status, 200);
});

test('unknown refresh tokens and empty requests', async () => {
  const unknown = await refresh('AAAAAAAAAAAA');
  assert.equal(unknown.status, 400);
  assert.deepEqual(unknown.body, { code: 'refresh_token_not_found', message: 'Invalid Refresh Token: Refresh Token Not Found' });
  const empty = await refresh('');
  assert.equal(empty.status, 400);
  assert.deepEqual(empty.body, { error: 'invalid_request', error_description: 'refresh_token required' });
  const client = anonClient();
  const { error } = await client.auth.refreshSession({ refresh_token: 'AAAAAAAAAAAA' });
  assert.equal(error?.code, 'refresh_token_not_found');
});

test('logout scopes: local ends this session, others the rest, global all', async () => {
  const user = await createConfirmedUser({ tag: 'logout' });
  const signIn = async () => signedInClient({ email: user.email, password: user.password });
  const [a, b, c] = [await signIn(), await signIn(), await signIn()];

  // others: a stays, b and c end.
  assert.equal((await a.client.auth.signOut({ scope: 'others' })).error, null);
  assert.equal((await refresh(b.session.refresh_token)).body.code, 'refresh_token_not_found');
  assert.equal((await refresh(c.session.refresh_token)).body.code, 'refresh_token_not_found');
  const stillA = await refresh(a.session.refresh_token);
  assert.equal(stillA.status, 200);

  // local: only d's session ends.
  const d = await signIn();
  const e = await signIn();
  assert.equal((await d.client.auth.signOut({ scope: 'local' })).error, null);
  assert.equal((await refresh(d.session.refresh_token)).body.code, 'refresh_token_not_found');
  assert.equal((await refresh(e.session.refresh_token)).status, 200);
  // The access token of an ended session no longer reads the user.
  const gone = await getUserRaw(d.session.access_token);
  assert.equal(gone.status, 403);
  assert.equal(gone.body.code, 'session_not_found');

  // global (the default): everything ends.
  const f = await signIn();
  assert.equal((await f.client.auth.signOut()).error, null);
  assert.equal((await refresh(stillA.body.refresh_token)).body.code, 'refresh_token_not_found');
  const afterGlobal = await api('/auth/v1/logout', {
    method: 'POST',
    headers: { ...VERSION, authorization: `Bearer ${f.session.access_token}` },
  });
  assert.equal(afterGlobal.status, 403);

  const g = await signIn();
  const badScope = await api('/auth/v1/logout?scope=everyone', {
    method: 'POST',
    headers: { ...VERSION, authorization: `Bearer ${g.session.access_token}` },
  });
  assert.equal(badScope.status, 400);
  assert.equal(badScope.body.code, 'validation_failed');
  const ok = await api('/auth/v1/logout?scope=local', {
    method: 'POST',
    headers: { ...VERSION, authorization: `Bearer ${g.session.access_token}` },
  });
  assert.equal(ok.status, 204);
  assert.equal(ok.text, '');
});

test('getUser and updateUser: metadata, e-mail change waits for confirmation', async () => {
  const { client, user } = await signedInClient({ tag: 'update', userMetadata: { theme: 'dark', locale: 'en' } });
  const updated = await client.auth.updateUser({ data: { theme: 'light', locale: null, seats: 3 } });
  assert.equal(updated.error, null);
  assert.equal(updated.data.user.user_metadata.theme, 'light');
  assert.equal(updated.data.user.user_metadata.seats, 3);
  assert.equal('locale' in updated.data.user.user_metadata, false);
  const fetched = await client.auth.getUser();
  assert.equal(fetched.data.user.user_metadata.theme, 'light');

  const newEmail = uniqueEmail('moved');
  const change = await client.auth.updateUser({ email: newEmail });
  assert.equal(change.error, null);
  assert.equal(change.data.user.email, user.email, 'the address only changes once confirmed');
  assert.equal(change.data.user.new_email, newEmail);
  assert.ok(change.data.user.email_change_sent_at);

  const taken = await createConfirmedUser({ tag: 'taken' });
  const clash = await client.auth.updateUser({ email: taken.email });
  assert.equal(clash.error?.status, 422);
  assert.equal(clash.error?.code, 'email_exists');

  const appMetadata = await api('/auth/v1/user', {
    method: 'PUT',
    json: { app_metadata: { role: 'owner' } },
    headers: { ...VERSION, authorization: `Bearer ${(await client.auth.getSession()).data.session.access_token}` },
  });
  assert.equal(appMetadata.status, 403);
  assert.equal(appMetadata.body.code, 'not_admin');
});

test('a password change ends the other sessions and keeps this one', async () => {
  const user = await createConfirmedUser({ tag: 'password' });
  const deviceA = await signedInClient({ email: user.email, password: user.password });
  const deviceB = await signedInClient({ email: user.email, password: user.password });

  const same = await deviceA.client.auth.updateUser({ password: user.password });
  assert.equal(same.error?.status, 422);
  assert.equal(same.error?.code, 'same_password');
  const weak = await deviceA.client.auth.updateUser({ password: 'short' });
  assert.equal(weak.error?.code, 'weak_password');

  const newPassword = strongPassword();
  const changed = await deviceA.client.auth.updateUser({ password: newPassword });
  assert.equal(changed.error, null);

  const b = await refresh(deviceB.session.refresh_token);
  assert.equal(b.status, 400);
  assert.equal(b.body.code, 'refresh_token_not_found');
  const a = await deviceA.client.auth.refreshSession();
  assert.equal(a.error, null);

  const oldPassword = await anonClient().auth.signInWithPassword({ email: user.email, password: user.password });
  assert.equal(oldPassword.error?.code, 'invalid_credentials');
  const fresh = await anonClient().auth.signInWithPassword({ email: user.email, password: newPassword });
  assert.equal(fresh.error, null);
});

test('admin API: create, read and delete users with the service role only', async () => {
  const created = await createConfirmedUser({ tag: 'admin', userMetadata: { seeded: true } });
  assert.ok(created.user.email_confirmed_at);
  assert.equal(created.user.user_metadata.seeded, true);
  const asAnon = await api('/auth/v1/admin/users', { method: 'POST', json: { email: uniqueEmail('x') }, headers: VERSION });
  assert.equal(asAnon.status, 403);
  assert.equal(asAnon.body.code, 'not_admin');
  const duplicate = await api('/auth/v1/admin/users', {
    method: 'POST',
    key: env.serviceRoleKey,
    json: { email: created.email, password: strongPassword() },
    headers: VERSION,
  });
  assert.equal(duplicate.status, 422);
  assert.equal(duplicate.body.code, 'email_exists');
  const read = await api(`/auth/v1/admin/users/${created.id}`, { key: env.serviceRoleKey, headers: VERSION });
  assert.equal(read.status, 200);
  assert.equal(read.body.id, created.id);
  const device = await signedInClient({ email: created.email, password: created.password });
  const removed = await api(`/auth/v1/admin/users/${created.id}`, { method: 'DELETE', key: env.serviceRoleKey, headers: VERSION });
  assert.equal(removed.status, 200);
  const signIn = await anonClient().auth.signInWithPassword({ email: created.email, password: created.password });
  assert.equal(signIn.error?.code, 'invalid_credentials');
  // A session of the deleted user: its access token (valid until exp) names no user, and
  // its refresh token went with the user's sessions.
  const orphan = await getUserRaw(device.session.access_token);
  assert.equal(orphan.status, 403);
  assert.equal(orphan.body.code, 'user_not_found');
  assert.equal((await refresh(device.session.refresh_token)).body.code, 'refresh_token_not_found');
});
