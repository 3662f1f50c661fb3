// The API gateway in front of every service (contract §0): API keys and their mapping to
// roles, forged tokens, CORS for the browser app, and request size limits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  anonClient,
  api,
  clientWithKey,
  env,
  localOnly,
  nowSeconds,
  signJwt,
  strongPassword,
  uniqueEmail,
} from './helpers.mjs';

const VERSION = { 'x-supabase-api-version': '2024-01-01' };

test('a request without an API key is refused as hosted does', async () => {
  const response = await api('/auth/v1/settings', { key: null });
  assert.equal(response.status, 401);
  assert.deepEqual(response.body, {
    message: 'No API key found in request',
    hint: 'No `apikey` request header or url param was found.',
  });
  // Still readable by a browser on another origin.
  assert.equal(response.headers.get('access-control-allow-origin'), '*');
});

test('an unknown API key is refused', async () => {
  const response = await api('/rest/v1/', { key: 'sb_publishable_not-a-real-key' });
  assert.equal(response.status, 401);
  assert.equal(response.body.message, 'Invalid API key');
});

test('the apikey query parameter counts as a key (browsers cannot set WebSocket headers)', async () => {
  const response = await api(`/auth/v1/settings?apikey=${encodeURIComponent(env.anonKey)}`, { key: null });
  assert.equal(response.status, 200);
});

test('publishable and secret keys stand for the anon and service_role roles', async () => {
  assert.ok(env.publishableKey && env.secretKey, 'SUPABASE_PUBLISHABLE_KEY and SUPABASE_SECRET_KEY');
  // The admin API needs the service role: the secret key has it, the publishable key not.
  const asSecret = clientWithKey(env.secretKey);
  const email = uniqueEmail('secret-key');
  const created = await asSecret.auth.admin.createUser({ email, password: strongPassword(), email_confirm: true });
  assert.equal(created.error, null);
  assert.equal(created.data.user.email, email);

  const asPublishable = clientWithKey(env.publishableKey);
  const refused = await asPublishable.auth.admin.createUser({ email: uniqueEmail('publishable'), password: strongPassword() });
  assert.equal(refused.error?.status, 403);
  assert.equal(refused.error?.code, 'not_admin');

  // A user session on a publishable-key client works like on an anon-key client.
  const password = strongPassword();
  const signUp = await asPublishable.auth.signUp({ email: uniqueEmail('publishable-user'), password });
  assert.equal(signUp.error, null);
});

test('forged tokens are refused and change nothing', async () => {
  assert.ok(env.jwtSecret, 'SUPABASE_JWT_SECRET (the project JWT secret)');
  const now = nowSeconds();
  const serviceClaims = { role: 'service_role', iss: 'supabase', iat: now, exp: now + 600 };
  const forgeries = {
    'alg none': signJwt(serviceClaims, { alg: 'none' }),
    'wrong key, role service_role': signJwt(serviceClaims, { secret: 'not-the-secret-but-long-enough-0123456789' }),
    'wrong key, role postgres': signJwt({ ...serviceClaims, role: 'postgres' }, { secret: 'not-the-secret-but-long-enough-0123456789' }),
    'expired 31 s ago': signJwt({ ...serviceClaims, iat: now - 3600, exp: now - 31 }),
    garbage: 'not.a.jwt',
  };
  for (const [name, token] of Object.entries(forgeries)) {
    const email = uniqueEmail('forged');
    const password = strongPassword();
    const response = await api('/auth/v1/admin/users', {
      method: 'POST',
      json: { email, password, email_confirm: true },
      headers: { ...VERSION, authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 403, name);
    assert.equal(response.body.code, 'bad_jwt', name);
    const signIn = await anonClient().auth.signInWithPassword({ email, password });
    assert.equal(signIn.error?.code, 'invalid_credentials', `${name}: no user was created`);
  }
  // The real key with the same request works, so the refusals above were about the tokens.
  const genuine = await api('/auth/v1/admin/users', {
    method: 'POST',
    key: env.serviceRoleKey,
    json: { email: uniqueEmail('genuine'), password: strongPassword(), email_confirm: true },
    headers: VERSION,
  });
  assert.equal(genuine.status, 200);
});

test('CORS: preflights succeed and the headers clients read are exposed', async () => {
  const preflight = await fetch(`${env.url}/rest/v1/clients?select=*`, {
    method: 'OPTIONS',
    headers: {
      origin: 'http://127.0.0.1:8080',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, apikey, x-client-info, content-type, prefer, x-supabase-api-version',
    },
  });
  assert.ok(preflight.status === 200 || preflight.status === 204, `status ${preflight.status}`);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  const allowed = (preflight.headers.get('access-control-allow-headers') || '').toLowerCase();
  for (const name of ['authorization', 'apikey', 'x-client-info', 'prefer', 'x-supabase-api-version']) {
    assert.match(allowed, new RegExp(name), name);
  }
  assert.match((preflight.headers.get('access-control-allow-methods') || '').toUpperCase(), /POST/);

  const response = await api('/auth/v1/health', { headers: { origin: 'http://127.0.0.1:8080' } });
  const exposed = (response.headers.get('access-control-expose-headers') || '').toLowerCase();
  for (const name of ['content-range', 'x-supabase-api-version']) {
    assert.match(exposed, new RegExp(name), name);
  }
});

test('bodies over the service limit get 413 JSON, declared or streamed', localOnly('the limits are the stand-in\'s (1 MiB for /auth/v1, 8 MiB for /rest/v1)'), async () => {
  const big = 'x'.repeat(2 * 1024 * 1024);
  const declared = await api('/auth/v1/signup', { method: 'POST', body: big, headers: { 'content-type': 'application/json' } });
  assert.equal(declared.status, 413);
  assert.deepEqual(declared.body, { message: 'Request size limit exceeded' });

  // Without a Content-Length (chunked), the body is cut off at the limit. The server answers
  // and closes without reading the rest, so this speaks HTTP over a raw socket: a client
  // library would report its failed writes instead of the answer.
  const streamed = await new Promise((resolve, reject) => {
    const { hostname, port } = new URL(env.url);
    const socket = net.connect(Number(port || 80), hostname);
    let received = '';
    socket.on('data', (data) => (received += data));
    socket.on('error', (error) => (['EPIPE', 'ECONNRESET'].includes(error.code) ? null : reject(error)));
    socket.on('close', () => {
      const [head, body] = received.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(body) });
    });
    socket.write(
      `POST /auth/v1/signup HTTP/1.1\r\nhost: ${hostname}\r\napikey: ${env.anonKey}\r\n` +
        'content-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n',
    );
    // 1.25 MiB in chunks, then wait: the server stops reading at 1 MiB and answers.
    const chunk = 'y'.repeat(64 * 1024);
    for (let sent = 0; sent < 20; sent += 1) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
  });
  assert.equal(streamed.status, 413);
  assert.deepEqual(streamed.body, { message: 'Request size limit exceeded' });

  const rest = await api('/rest/v1/rpc/anything', { method: 'POST', body: 'z'.repeat(10 * 1024 * 1024), headers: { 'content-type': 'application/json' } });
  assert.equal(rest.status, 413);
});
