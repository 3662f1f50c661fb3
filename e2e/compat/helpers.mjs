// Shared helpers for the supabase-js compatibility tests (e2e/compat/*.test.mjs).
//
// Every test talks to a Supabase API through the official, exactly pinned client
// (@supabase/supabase-js in package.json) or through plain fetch when the raw wire format is
// what is under test. The same files run against our local stand-in (`cargo xtask test --only
// compat`) and against a real Supabase project (see README.md in this folder): everything here
// reads its targets from the environment and never assumes it talks to the stand-in, except
// through `localOnly()`, which skips a test with a clear message when it needs a knob only the
// stand-in has.
//
// Environment (set by `cargo xtask test`, or by you for a real project):
//   SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_SERVICE_ROLE_KEY    required
//   SUPABASE_PUBLISHABLE_KEY, SUPABASE_SECRET_KEY                 optional (new-style keys)
//   SUPABASE_JWT_SECRET                                           optional (legacy HS256 secret)
//   SUPABASE_DB_URL                                               optional (direct SQL)
//   SUPABASE_STANDIN=1                                            set only for the local stand-in
//   SUPABASE_CONFIRM_URL    a second stand-in with e-mail confirmations on (hosted default)
//   SUPABASE_RATE_LIMITED_URL  a third stand-in with the auth rate limits on
//   SUPABASE_TEST_EMAIL_DOMAIN  domain for generated e-mail addresses (default example.com)

import { createClient } from '@supabase/supabase-js';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run these tests through \`cargo xtask test --only compat\`, ` +
        'or point them at a project as e2e/compat/README.md describes',
    );
  }
  return value;
}

/** Where the tests point, read once from the environment. */
export const env = Object.freeze({
  url: required('SUPABASE_URL').replace(/\/+$/, ''),
  anonKey: required('SUPABASE_ANON_KEY'),
  serviceRoleKey: required('SUPABASE_SERVICE_ROLE_KEY'),
  publishableKey: process.env.SUPABASE_PUBLISHABLE_KEY || null,
  secretKey: process.env.SUPABASE_SECRET_KEY || null,
  jwtSecret: process.env.SUPABASE_JWT_SECRET || null,
  dbUrl: process.env.SUPABASE_DB_URL || null,
  /** True when the target is our local stand-in (crates/supabase-local). */
  isStandIn: process.env.SUPABASE_STANDIN === '1',
  confirmUrl: process.env.SUPABASE_CONFIRM_URL || null,
  rateLimitedUrl: process.env.SUPABASE_RATE_LIMITED_URL || null,
  emailDomain: process.env.SUPABASE_TEST_EMAIL_DOMAIN || 'example.com',
});

/**
 * Test options that skip the test unless it runs against the local stand-in. Use only for
 * knobs a real project does not offer (a second server with other settings, reading local
 * files); say in `why` what the test needs. Usage: `test('name', localOnly('why'), async () => …)`.
 */
export function localOnly(why) {
  return env.isStandIn ? {} : { skip: `needs the local stand-in: ${why}` };
}

/** Client options for tests: no storage, no timers, no URL parsing. */
function clientOptions(extra = {}) {
  return {
    ...extra,
    auth: {
      persistSession: false,
      autoRefreshToken: false,
      detectSessionInUrl: false,
      ...(extra.auth || {}),
    },
  };
}

/** A supabase-js client with the given key (and optional base URL), signed out. */
export function clientWithKey(key, { url = env.url, ...options } = {}) {
  return createClient(url, key, clientOptions(options));
}

/** A client as the anonymous browser: the anon (legacy JWT) key. */
export function anonClient(options = {}) {
  return clientWithKey(env.anonKey, options);
}

/** A client as a trusted server: the service_role key (bypasses RLS). Never in a browser. */
export function serviceClient(options = {}) {
  return clientWithKey(env.serviceRoleKey, options);
}

/** A client with the new-style publishable key, or null when the target has none. */
export function publishableClient(options = {}) {
  return env.publishableKey ? clientWithKey(env.publishableKey, options) : null;
}

/** A client with the new-style secret key, or null when the target has none. */
export function secretClient(options = {}) {
  return env.secretKey ? clientWithKey(env.secretKey, options) : null;
}

/** A fresh e-mail address nobody has used: `<tag>-<time>-<random>@<domain>`. */
export function uniqueEmail(tag = 'user') {
  const random = randomBytes(4).toString('hex');
  return `${tag}-${Date.now()}-${random}@${env.emailDomain}`.toLowerCase();
}

/** A password that passes any sane policy (24 characters, mixed classes, not breached). */
export function strongPassword() {
  return `Pw-${randomBytes(12).toString('base64url')}-9z`;
}

/**
 * Create a confirmed user through the Auth admin API (service_role), so it works whether the
 * target has e-mail confirmations on or off. Returns `{ id, email, password, user }`.
 */
export async function createConfirmedUser({
  tag = 'user',
  email = uniqueEmail(tag),
  password = strongPassword(),
  userMetadata = {},
  appMetadata,
} = {}) {
  const admin = serviceClient();
  const { data, error } = await admin.auth.admin.createUser({
    email,
    password,
    email_confirm: true,
    user_metadata: userMetadata,
    ...(appMetadata ? { app_metadata: appMetadata } : {}),
  });
  if (error) throw new Error(`admin.createUser(${email}) failed: ${error.message}`);
  return { id: data.user.id, email, password, user: data.user };
}

/**
 * A client signed in as a (new, confirmed) user. Returns `{ client, session, user, email,
 * password }`; `client` sends the user's access token on every request.
 */
export async function signedInClient(options = {}) {
  const { email, password } = options.email
    ? options
    : await createConfirmedUser(options);
  const client = anonClient(options.clientOptions || {});
  const { data, error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw new Error(`signInWithPassword(${email}) failed: ${error.message}`);
  return { client, session: data.session, user: data.user, email, password };
}

/**
 * Raw HTTP to the API (for wire-format assertions supabase-js would hide). `path` starts with
 * `/`, e.g. `/auth/v1/settings`. `key` defaults to the anon key; pass `key: null` to send none.
 * `json` is sent as a JSON body. Returns `{ status, headers, text, body }` (`body` parsed when
 * it is JSON, else null).
 */
export async function api(path, { method = 'GET', key = env.anonKey, headers = {}, json, body, url = env.url } = {}) {
  const requestHeaders = { ...headers };
  if (key) requestHeaders.apikey = key;
  let requestBody = body;
  if (json !== undefined) {
    requestHeaders['content-type'] = 'application/json';
    requestBody = JSON.stringify(json);
  }
  const response = await fetch(`${url}${path}`, { method, headers: requestHeaders, body: requestBody });
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

function base64url(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/**
 * Sign a JWT with HS256 and the given secret (for forged-token tests). With `alg: 'none'` the
 * token carries no signature at all.
 */
export function signJwt(claims, { secret = env.jwtSecret, alg = 'HS256' } = {}) {
  const header = base64url({ alg, typ: 'JWT' });
  const payload = base64url(claims);
  if (alg === 'none') return `${header}.${payload}.`;
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** Seconds since the Unix epoch. */
export function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

/** Decode a JWT's claims without verifying it (to inspect what the server issued). */
export function jwtClaims(token) {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

/** A random UUID (e.g. for ids that must not exist). */
export function newId() {
  return randomUUID();
}

/** Wait `ms` milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
