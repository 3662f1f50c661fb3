// Edge Functions through functions-js (contract §5), with the test-only functions in
// e2e/functions (never deployed with the app): `echo` (verify_jwt on, the default) and
// `echo-public` (verify_jwt = false). Against a real project, deploy those two first.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionsHttpError } from '@supabase/supabase-js';
import { anonClient, api, localOnly, signedInClient } from './helpers.mjs';

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
