// Auth sign-up and sign-in through the official client (contract §2.1-2.3): sessions and
// claims, the password policy, confirmations off and on (the hosted default), and the error
// shapes auth-js depends on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  anonClient,
  api,
  createConfirmedUser,
  env,
  jwtClaims,
  localOnly,
  strongPassword,
  uniqueEmail,
} from './helpers.mjs';

const VERSION = { 'x-supabase-api-version': '2024-01-01' };

/** A client for a target with e-mail confirmations in the wanted state, or a skip reason. */
async function clientWithConfirmations(wanted) {
  if (env.isStandIn) {
    if (!wanted) return { client: anonClient() };
    assert.ok(env.confirmUrl, 'SUPABASE_CONFIRM_URL (a stand-in with confirmations on) must be set');
    return { client: anonClient({ url: env.confirmUrl }) };
  }
  const settings = await api('/auth/v1/settings');
  const autoconfirm = settings.body?.mailer_autoconfirm === true;
  return autoconfirm === !wanted
    ? { client: anonClient() }
    : { skip: `the project has e-mail confirmations ${wanted ? 'off' : 'on'}` };
}

test('sign-up with confirmations off returns a session with GoTrue claims', async (t) => {
  const { client, skip } = await clientWithConfirmations(false);
  if (skip) return t.skip(skip);
  const email = uniqueEmail('signup');
  const { data, error } = await client.auth.signUp({
    email,
    password: strongPassword(),
    options: { data: { full_name: 'Ada Lovelace' } },
  });
  assert.equal(error, null);
  assert.ok(data.session, 'a session');
  const { session, user } = data;
  assert.equal(session.token_type, 'bearer');
  assert.equal(session.expires_in, 3600);
  assert.ok(Math.abs(session.expires_at - (Math.floor(Date.now() / 1000) + 3600)) < 60);
  assert.match(session.refresh_token, /^[A-Za-z0-9]{12}$/);
  assert.equal(user.email, email);
  assert.equal(user.aud, 'authenticated');
  assert.equal(user.role, 'authenticated');
  assert.deepEqual(user.app_metadata, { provider: 'email', providers: ['email'] });
  assert.equal(user.user_metadata.full_name, 'Ada Lovelace');
  assert.equal(user.identities.length, 1);
  assert.equal(user.identities[0].provider, 'email');
  assert.equal(user.identities[0].id, user.id);
  assert.equal(user.is_anonymous, false);
  assert.ok(user.email_confirmed_at && user.confirmed_at);

  const claims = jwtClaims(session.access_token);
  // Exactly GoTrue's claims (contract §2.2): RLS and clients read them, nothing else is added.
  assert.deepEqual(Object.keys(claims).sort(), [
    'aal', 'amr', 'app_metadata', 'aud', 'email', 'exp', 'iat', 'is_anonymous', 'iss', 'phone',
    'role', 'session_id', 'sub', 'user_metadata',
  ]);
  assert.equal(claims.sub, user.id);
  assert.equal(claims.aud, 'authenticated');
  assert.equal(claims.role, 'authenticated');
  assert.equal(claims.email, email);
  assert.equal(claims.phone, '');
  assert.equal(claims.aal, 'aal1');
  assert.equal(claims.is_anonymous, false);
  assert.equal(claims.iss, `${env.url}/auth/v1`);
  assert.equal(claims.exp - claims.iat, 3600);
  assert.match(claims.session_id, /^[0-9a-f-]{36}$/);
  assert.equal(claims.amr.length, 1);
  assert.equal(claims.amr[0].method, 'password');
  assert.ok(Math.abs(claims.amr[0].timestamp - claims.iat) < 60);
  assert.deepEqual(claims.app_metadata, user.app_metadata);
  assert.equal(claims.user_metadata.full_name, 'Ada Lovelace');
  const [header] = session.access_token.split('.');
  assert.equal(JSON.parse(Buffer.from(header, 'base64url')).alg, 'HS256');
});

test('a second sign-up with the same e-mail is user_already_exists (confirmations off)', async (t) => {
  const { client, skip } = await clientWithConfirmations(false);
  if (skip) return t.skip(skip);
  const { email } = await createConfirmedUser({ tag: 'dup' });
  const { data, error } = await client.auth.signUp({ email, password: strongPassword() });
  assert.equal(data.user, null);
  assert.equal(error?.status, 422);
  assert.equal(error?.code, 'user_already_exists');
  assert.equal(error?.message, 'User already registered');
});

test('with confirmations on, sign-up returns a user and no session; sign-in waits for confirmation', async (t) => {
  const { client, skip } = await clientWithConfirmations(true);
  if (skip) return t.skip(skip);
  const email = uniqueEmail('confirm');
  const password = strongPassword();
  const { data, error } = await client.auth.signUp({ email, password, options: { data: { plan: 'starter' } } });
  assert.equal(error, null);
  assert.equal(data.session, null);
  assert.equal(data.user.email, email);
  assert.equal(data.user.identities.length, 1);
  assert.ok(data.user.confirmation_sent_at);
  assert.equal(data.user.email_confirmed_at, undefined);

  const signIn = await client.auth.signInWithPassword({ email, password });
  assert.equal(signIn.data.session, null);
  assert.equal(signIn.error?.status, 400);
  assert.equal(signIn.error?.code, 'email_not_confirmed');
  assert.equal(signIn.error?.message, 'Email not confirmed');
});

test('with confirmations on, a registered e-mail gets a decoy user, not an error', async (t) => {
  const { client, skip } = await clientWithConfirmations(true);
  if (skip) return t.skip(skip);
  const existing = await createConfirmedUser({ tag: 'enumerate' });
  const { data, error } = await client.auth.signUp({
    email: existing.email,
    password: strongPassword(),
    options: { data: { probe: true } },
  });
  assert.equal(error, null);
  assert.equal(data.session, null);
  // Shaped like a fresh user, but with another id and no identities (clients test this).
  assert.equal(data.user.email, existing.email);
  assert.notEqual(data.user.id, existing.id);
  assert.deepEqual(data.user.identities, []);
  assert.deepEqual(data.user.user_metadata, { probe: true });
  // The real account is untouched: its password still works.
  const signIn = await anonClient().auth.signInWithPassword({ email: existing.email, password: existing.password });
  assert.equal(signIn.error, null);
});

test('passwords: 11 characters is weak, 12/64/emoji are fine, 73 bytes is refused, breached ones are weak', localOnly("the policy under test is config.toml's (12 characters, built-in breached list)"), async () => {
  const client = anonClient();
  const weak = await client.auth.signUp({ email: uniqueEmail('weak'), password: 'Abcdefgh1!x' });
  assert.equal(weak.error?.name, 'AuthWeakPasswordError');
  assert.equal(weak.error?.status, 422);
  assert.equal(weak.error?.code, 'weak_password');
  assert.deepEqual(weak.error?.reasons, ['length']);
  assert.equal(weak.error?.message, 'Password should be at least 12 characters.');

  for (const password of ['Abcdefgh1!xy', 'k'.repeat(30) + 'Q'.repeat(34), '🔒🔑🗝🔐x']) {
    const { error } = await client.auth.signUp({ email: uniqueEmail('ok'), password });
    assert.equal(error, null, `password of ${Buffer.byteLength(password)} bytes`);
  }

  const long = await client.auth.signUp({ email: uniqueEmail('long'), password: 'p'.repeat(73) });
  assert.equal(long.error?.status, 400);
  assert.equal(long.error?.code, 'validation_failed');
  assert.match(long.error?.message, /cannot be longer than 72/);

  const breached = await client.auth.signUp({ email: uniqueEmail('pwned'), password: 'Password1234' });
  assert.equal(breached.error?.code, 'weak_password');
  assert.deepEqual(breached.error?.reasons, ['pwned']);
});

test('sign-in works with the password and nothing else; wrong password and unknown e-mail look the same', async () => {
  const { email, password, id } = await createConfirmedUser({ tag: 'signin' });
  const client = anonClient();
  const { data, error } = await client.auth.signInWithPassword({ email: email.toUpperCase(), password });
  assert.equal(error, null);
  assert.equal(data.user.id, id);
  assert.ok(data.session.access_token);
  assert.ok(data.user.last_sign_in_at);

  const wrong = await client.auth.signInWithPassword({ email, password: `${password}x` });
  assert.equal(wrong.error?.status, 400);
  assert.equal(wrong.error?.code, 'invalid_credentials');
  assert.equal(wrong.error?.message, 'Invalid login credentials');

  const request = (json) =>
    api('/auth/v1/token?grant_type=password', { method: 'POST', json, headers: VERSION });
  const wrongRaw = await request({ email, password: `${password}x` });
  const unknownRaw = await request({ email: uniqueEmail('nobody'), password });
  assert.equal(wrongRaw.status, 400);
  assert.equal(unknownRaw.status, wrongRaw.status);
  assert.equal(unknownRaw.text, wrongRaw.text);
  assert.deepEqual(JSON.parse(wrongRaw.text), { code: 'invalid_credentials', message: 'Invalid login credentials' });
  // A password over 72 bytes never matches, and says so no differently.
  const tooLong = await request({ email, password: password + 'x'.repeat(80) });
  assert.equal(tooLong.text, wrongRaw.text);
});

test('errors: versioned and legacy shapes, x-sb-error-code, exposed headers', async () => {
  const json = { email: uniqueEmail('shape'), password: 'nope-nope-nope' };
  const versioned = await api('/auth/v1/token?grant_type=password', { method: 'POST', json, headers: VERSION });
  assert.equal(versioned.status, 400);
  assert.deepEqual(versioned.body, { code: 'invalid_credentials', message: 'Invalid login credentials' });
  assert.equal(versioned.headers.get('x-supabase-api-version'), '2024-01-01');
  assert.equal(versioned.headers.get('x-sb-error-code'), 'invalid_credentials');
  const exposed = (versioned.headers.get('access-control-expose-headers') || '').toLowerCase();
  assert.match(exposed, /x-supabase-api-version/);

  const legacy = await api('/auth/v1/token?grant_type=password', { method: 'POST', json });
  assert.equal(legacy.status, 400);
  assert.deepEqual(legacy.body, { code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' });
  assert.equal(legacy.headers.get('x-supabase-api-version'), null);

  const badJson = await api('/auth/v1/signup', { method: 'POST', body: '{"email":', headers: { ...VERSION, 'content-type': 'application/json' } });
  assert.equal(badJson.status, 400);
  assert.equal(badJson.body.code, 'bad_json');

  const noBearer = await api('/auth/v1/user', { headers: { ...VERSION, authorization: '' } });
  assert.equal(noBearer.status, 401);
  assert.equal(noBearer.body.code, 'no_authorization');

  const grant = await api('/auth/v1/token?grant_type=magic', { method: 'POST', json: {}, headers: VERSION });
  assert.equal(grant.status, 400);

  const health = await api('/auth/v1/health');
  assert.equal(health.status, 200);
  assert.equal(health.body.name, 'GoTrue');
  const settings = await api('/auth/v1/settings');
  assert.equal(settings.status, 200);
  assert.equal(settings.body.external.email, true);
  assert.equal(typeof settings.body.mailer_autoconfirm, 'boolean');
});

/** POST JSON from a given local address (each run its own loopback address, its own bucket). */
function postFrom(localAddress, url, json) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(json);
    const request = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: { apikey: env.anonKey, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...VERSION },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: JSON.parse(text) }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

test('31 password attempts from one address in a burst: the 31st is 429', localOnly('a stand-in with rate limits on (SUPABASE_RATE_LIMITED_URL)'), async () => {
  assert.ok(env.rateLimitedUrl, 'SUPABASE_RATE_LIMITED_URL');
  // The bucket holds 30 and refills at 150 per 5 minutes, so the attempts go out together,
  // from a loopback address of their own (127.x.y.z all reach the stand-in on 127.0.0.1).
  const loopback = () => `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
  const address = loopback();
  const url = `${env.rateLimitedUrl}/auth/v1/token?grant_type=password`;
  const json = { email: uniqueEmail('burst'), password: 'wrong-wrong-wrong' };
  const responses = await Promise.all(Array.from({ length: 31 }, () => postFrom(address, url, json)));
  const limited = responses.filter((response) => response.status === 429);
  assert.equal(limited.length, 1);
  assert.deepEqual(limited[0].body, { code: 'over_request_rate_limit', message: 'Request rate limit reached' });
  assert.equal(limited[0].headers['x-sb-error-code'], 'over_request_rate_limit');
  assert.equal(responses.filter((response) => response.status === 400).length, 30);
  // Another address is not affected.
  const other = await postFrom(loopback(), url, json);
  assert.notEqual(other.status, 429);
});

test('the demo users of supabase/seed.sql sign in with the passwords the seed documents', localOnly('the demo users exist only in the local seed'), async () => {
  const seed = await import('node:fs').then((fs) => fs.readFileSync(new URL('../../supabase/seed.sql', import.meta.url), 'utf8'));
  const users = seed
    .split('\n')
    .filter((line) => line.startsWith('-- demo user: '))
    .map((line) => line.slice('-- demo user: '.length).split(' / '));
  assert.ok(users.length > 0, 'seed.sql lists its demo users');
  for (const [email, password] of users) {
    // pgcrypto's bcrypt hashes (crypt(…, gen_salt('bf'))) verify like GoTrue's own.
    const { data, error } = await anonClient().auth.signInWithPassword({ email, password });
    assert.equal(error, null, email);
    assert.equal(data.user.email, email);
  }
});
