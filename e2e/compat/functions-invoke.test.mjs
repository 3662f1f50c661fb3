// Edge Functions through functions-js (contract §5), with the test-only functions in
// e2e/functions (never deployed with the app): `echo` (verify_jwt on, the default) and
// `echo-public` (verify_jwt = false), and `broken` (fails to boot). Against a real project,
// deploy those first.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionsHttpError } from '@supabase/supabase-js';
import { anonClient, api, env, localOnly, newId, nowSeconds, serviceClient, signedInClient, signJwt } from './helpers.mjs';

const deployed = localOnly('the test-only functions of e2e/functions (deploy echo and echo-public to run it on a project)');

test('invoke sends JSON, headers and the session, and parses the JSON answer', deployed, async () => {
  const { client, session } = await signedInClient({ tag: 'functions' });
  const { data, error } = await client.functions.invoke('echo', {
    body: { hello: 'world', n: 1 },
    headers: { 'x-custom': 'kept' },
  });
  assert.equal(error, null, error?.message);
  assert.equal(data.method, 'POST');
  assert.equal(data.path, '/echo');
  assert.deepEqual(data.body, { hello: 'world', n: 1 });
  assert.equal(data.headers['content-type'], 'application/json');
  assert.equal(data.headers['x-custom'], 'kept');
  assert.equal(data.headers.authorization, `Bearer ${session.access_token}`);
  assert.equal(data.waitUntil, 'function');
  assert.ok(data.env.SUPABASE_ANON_KEY && data.env.SUPABASE_SERVICE_ROLE_KEY && data.env.SUPABASE_DB_URL);
});

test('text bodies, GET with a query, and sub-paths reach the function', deployed, async () => {
  const client = anonClient();
  const text = await client.functions.invoke('echo-public', { body: 'plain words' });
  assert.equal(text.error, null);
  assert.equal(text.data.body, 'plain words');
  assert.equal(text.data.headers['content-type'], 'text/plain');
  const get = await client.functions.invoke('echo-public/deeper/path?x=1', { method: 'GET' });
  assert.equal(get.error, null, get.error?.message);
  assert.equal(get.data.path, '/echo-public/deeper/path');
  assert.deepEqual(get.data.query, { x: '1' });
});

test('verify_jwt refuses calls without a valid JWT, but never the CORS preflight', deployed, async () => {
  const missing = await api('/functions/v1/echo', { method: 'POST', key: null });
  assert.equal(missing.status, 401);
  assert.deepEqual(missing.body, { msg: 'Missing authorization header' });
  const invalid = await api('/functions/v1/echo', {
    method: 'POST',
    key: null,
    headers: { authorization: 'Bearer not.a.jwt' },
  });
  assert.equal(invalid.status, 401);
  assert.deepEqual(invalid.body, { msg: 'Invalid JWT' });

  const preflight = await api('/functions/v1/echo', {
    method: 'OPTIONS',
    key: null,
    headers: {
      origin: 'http://127.0.0.1:8080',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, x-client-info, apikey, content-type',
    },
  });
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.match(preflight.headers.get('access-control-allow-headers'), /apikey/);

  const open = await api('/functions/v1/echo-public', { method: 'POST', key: null, json: { a: 1 } });
  assert.equal(open.status, 200);
  assert.deepEqual(open.body.body, { a: 1 });
});

test('an unknown function is a FunctionsHttpError with status 404', deployed, async () => {
  const { data, error } = await anonClient().functions.invoke('no-such-function', { body: {} });
  assert.equal(data, null);
  assert.ok(error instanceof FunctionsHttpError, String(error));
  assert.equal(error.context.status, 404);
});

test('verify_jwt refuses forged and expired tokens, and accepts the service role', deployed, async () => {
  assert.ok(env.jwtSecret, 'SUPABASE_JWT_SECRET (the project JWT secret)');
  const now = nowSeconds();
  const claims = { sub: newId(), role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 600 };
  const forgeries = {
    'alg none': signJwt(claims, { alg: 'none' }),
    'wrong key': signJwt(claims, { secret: 'not-the-secret-but-long-enough-0123456789' }),
    'service_role with a wrong key': signJwt({ ...claims, role: 'service_role' }, { secret: 'not-the-secret-but-long-enough-0123456789' }),
    'expired 31 s ago': signJwt({ ...claims, iat: now - 3600, exp: now - 31 }),
  };
  for (const [name, token] of Object.entries(forgeries)) {
    const forged = anonClient({ global: { headers: { Authorization: `Bearer ${token}` } } });
    const { data, error } = await forged.functions.invoke('echo', { body: { n: 1 } });
    assert.equal(data, null, name);
    assert.ok(error instanceof FunctionsHttpError, `${name}: ${error}`);
    assert.equal(error.context.status, 401, name);
    assert.deepEqual(await error.context.json(), { msg: 'Invalid JWT' }, name);
  }
  const admin = serviceClient();
  const { data, error } = await admin.functions.invoke('echo', { body: { n: 2 } });
  assert.equal(error, null, error?.message);
  assert.deepEqual(data.body, { n: 2 });
});

test('binary bodies are sent as octet-stream; a boot failure is 503 and a dying worker 500', deployed, async () => {
  const client = anonClient();
  const bytes = new Blob([new TextEncoder().encode('raw bytes')]);
  const binary = await client.functions.invoke('echo-public', { body: bytes });
  assert.equal(binary.error, null, binary.error?.message);
  assert.equal(binary.data.headers['content-type'], 'application/octet-stream');
  assert.equal(binary.data.body, 'raw bytes');

  const broken = await client.functions.invoke('broken', { body: {} });
  assert.ok(broken.error instanceof FunctionsHttpError, String(broken.error));
  assert.equal(broken.error.context.status, 503);
  assert.equal((await broken.error.context.json()).code, 'BOOT_ERROR');

  const dying = await client.functions.invoke('echo-public/exit', { body: {} });
  assert.ok(dying.error instanceof FunctionsHttpError, String(dying.error));
  assert.equal(dying.error.context.status, 500);
  assert.equal((await dying.error.context.json()).code, 'WORKER_ERROR');
  // The next call gets a fresh worker.
  const after = await client.functions.invoke('echo-public', { body: { again: true } });
  assert.equal(after.error, null, after.error?.message);
  assert.deepEqual(after.data.body, { again: true });
});
