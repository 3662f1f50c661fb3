// Auth meets the data API (security cases 11, 25 and 27 of shared/security-tests.md): forged
// JWTs are refused by /rest/v1 before any query runs, user-writable metadata never widens what
// a user sees, and what logging out does and does not end. Uses the app schema: agencies are
// created by their owner through the `create_agency` RPC, as the app does.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { api, env, jwtClaims, nowSeconds, serviceClient, signJwt, signedInClient } from './helpers.mjs';

const VERSION = { 'x-supabase-api-version': '2024-01-01' };

function slug(tag) {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** An owner signed in, with a new agency holding one client. */
async function agencyWithClient(tag) {
  const owner = await signedInClient({ tag });
  const agency = await owner.client.rpc('create_agency', { name: `Agency ${tag}`, slug: slug(tag) });
  assert.equal(agency.error, null, JSON.stringify(agency.error));
  const client = await owner.client
    .from('clients')
    .insert({ agency_id: agency.data.id, name: `${tag} Dental`, industry: 'dental' })
    .select('id, name')
    .single();
  assert.equal(client.error, null, JSON.stringify(client.error));
  return { owner, agency: agency.data, client: client.data };
}

/** The ids of the clients a supabase-js client can read, sorted. */
async function visibleClientIds(client) {
  const { data, error } = await client.from('clients').select('id').order('id');
  assert.equal(error, null, JSON.stringify(error));
  return data.map((row) => row.id);
}

describe('auth and the data API', () => {
  let a;
  let b;

  before(async () => {
    a = await agencyWithClient('authrest-a');
    b = await agencyWithClient('authrest-b');
  });

  test('forged JWTs get 401 from /rest/v1 and RPC, and nothing is written', async () => {
    assert.ok(env.jwtSecret, 'SUPABASE_JWT_SECRET (the project JWT secret)');
    const now = nowSeconds();
    const wrongKey = 'not-the-secret-but-long-enough-0123456789';
    const service = { role: 'service_role', iss: 'supabase', iat: now, exp: now + 600 };
    // Each claims more than a user has: the service role, the superuser, or B's owner.
    const forgeries = {
      'alg none': [signJwt(service, { alg: 'none' }), 'PGRST301'],
      'wrong key, role service_role': [signJwt(service, { secret: wrongKey }), 'PGRST301'],
      'wrong key, role postgres': [signJwt({ ...service, role: 'postgres' }, { secret: wrongKey }), 'PGRST301'],
      "wrong key, B's owner": [
        signJwt({ ...jwtClaims(b.owner.session.access_token), exp: now + 600 }, { secret: wrongKey }),
        'PGRST301',
      ],
      'expired 31 s ago (beyond the 30 s skew)': [signJwt({ ...service, exp: now - 31 }), 'PGRST303'],
    };
    for (const [name, [token, code]] of Object.entries(forgeries)) {
      const headers = { authorization: `Bearer ${token}` };
      const read = await api(`/rest/v1/clients?select=id&agency_id=eq.${b.agency.id}`, { headers });
      assert.equal(read.status, 401, name);
      assert.equal(read.body.code, code, `${name}: ${read.text}`);
      assert.match(read.headers.get('www-authenticate') || '', /^Bearer error="invalid_token"/, name);

      const marker = `forged ${name} ${slug('x')}`;
      const insert = await api('/rest/v1/clients', {
        method: 'POST',
        headers: { ...headers, prefer: 'return=representation' },
        json: { agency_id: b.agency.id, name: marker },
      });
      assert.equal(insert.status, 401, name);
      const rename = await api(`/rest/v1/clients?id=eq.${b.client.id}`, {
        method: 'PATCH',
        headers,
        json: { name: marker },
      });
      assert.equal(rename.status, 401, name);
      const rpc = await api('/rest/v1/rpc/create_agency', {
        method: 'POST',
        headers,
        json: { name: marker, slug: slug('forged') },
      });
      assert.equal(rpc.status, 401, name);

      const admin = serviceClient();
      const written = await admin.from('clients').select('id').eq('name', marker);
      assert.deepEqual(written.data, [], `${name}: no client row`);
      const agencies = await admin.from('agencies').select('id').eq('name', marker);
      assert.deepEqual(agencies.data, [], `${name}: no agency row`);
    }
    const still = await serviceClient().from('clients').select('name').eq('id', b.client.id).single();
    assert.equal(still.data.name, b.client.name, "B's client is unchanged");
  });

  test('user_metadata naming another agency and role changes nothing a user sees', async () => {
    const before = await visibleClientIds(a.owner.client);
    assert.deepEqual(before, [a.client.id]);
    const updated = await a.owner.client.auth.updateUser({
      data: { agency_id: b.agency.id, role: 'owner', agencies: [b.agency.id] },
    });
    assert.equal(updated.error, null);
    // The claim is in the next access token...
    const refreshed = await a.owner.client.auth.refreshSession();
    assert.equal(refreshed.error, null);
    assert.equal(jwtClaims(refreshed.data.session.access_token).user_metadata.agency_id, b.agency.id);
    // ...and means nothing to the policies: membership comes from tables.
    assert.deepEqual(await visibleClientIds(a.owner.client), before);
    const ofB = await a.owner.client.from('clients').select('id').eq('agency_id', b.agency.id);
    assert.deepEqual(ofB.data, []);
    const renamed = await a.owner.client
      .from('clients')
      .update({ name: 'taken over' })
      .eq('id', b.client.id)
      .select('id');
    assert.deepEqual(renamed.data, []);
  });

  test('after logout the refresh token is dead; the access token lives until exp (as hosted)', async () => {
    const user = await signedInClient({ tag: 'authrest-logout' });
    const token = user.session.access_token;
    assert.equal((await user.client.auth.signOut()).error, null);
    const refreshed = await api('/auth/v1/token?grant_type=refresh_token', {
      method: 'POST',
      json: { refresh_token: user.session.refresh_token },
      headers: VERSION,
    });
    assert.equal(refreshed.body.code, 'refresh_token_not_found');
    // Auth checks the session behind the token...
    const me = await api('/auth/v1/user', { headers: { ...VERSION, authorization: `Bearer ${token}` } });
    assert.equal(me.status, 403);
    assert.equal(me.body.code, 'session_not_found');
    // ...PostgREST only the signature and exp: the token still reads (RLS still applies), so
    // anything sensitive must check that auth.sessions still holds the JWT's session_id.
    const read = await api('/rest/v1/clients?select=id', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, []);
  });
});

