// Realtime through realtime-js (contract §3), on the app's own private broadcast topics and
// their RLS policy on realtime.messages (supabase/migrations/*_analysis_progress.sql): a member
// joins `agency:<id>` and `job:<id>` of their agency and receives the broadcasts the job
// triggers send on commit; a member of another agency is refused (security case 13). Both
// Phoenix protocol versions, heartbeats, token updates and expiry, and leave.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { anonClient, clientWithKey, env, nowSeconds, signedInClient, signJwt, sleep } from './helpers.mjs';
import { agencyWithClient, analysisJob, literal, needsDatabase, sql } from './fixtures.mjs';

let alice;
let bob;

/** Every client with a socket, disconnected at the end (open sockets keep Node running). */
const clients = [];
function tracked(client) {
  clients.push(client);
  return client;
}
after(async () => {
  for (const client of clients) {
    await client.removeAllChannels();
    client.realtime.disconnect();
  }
});

before(async () => {
  if (!env.dbUrl) return;
  const [a, b] = await Promise.all([signedInClient({ tag: 'realtime-a' }), signedInClient({ tag: 'realtime-b' })]);
  alice = { ...a, ...agencyWithClient(a.user.id, 'realtime-a') };
  bob = { ...b, ...agencyWithClient(b.user.id, 'realtime-b') };
  tracked(a.client);
  tracked(b.client);
});

/** Wait until `check()` is truthy (polling), or fail saying `what`. */
async function until(what, check, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = check();
    if (value) return value;
    await sleep(20);
  }
  assert.fail(`no ${what} within ${ms} ms`);
}

/**
 * Subscribe `client` to the private topic, recording the statuses realtime-js reports, the
 * broadcasts of `events` and the channel's system messages.
 */
function join(client, topic, events = [], { isPrivate = true } = {}) {
  const channel = client.channel(topic, { config: { private: isPrivate } });
  const seen = { channel, statuses: [], broadcasts: [], system: [] };
  for (const event of events) {
    channel.on('broadcast', { event }, (message) => seen.broadcasts.push(message));
  }
  channel.on('system', {}, (payload) => seen.system.push(payload));
  // The job's own insert is broadcast too (status queued); committed just before the join,
  // it may still arrive after it (delivery is asynchronous, locally and hosted), so the
  // tests look only at the changes they make after joining.
  Object.defineProperty(seen, 'changes', {
    get: () => seen.broadcasts.filter((message) => message.payload.status !== 'queued'),
  });
  channel.subscribe((status, error) => seen.statuses.push({ status, error }));
  return seen;
}

function hasStatus(seen, status) {
  return seen.statuses.find((entry) => entry.status === status);
}

async function joined(seen) {
  await until(`join of ${seen.channel.topic}`, () => seen.statuses.length > 0);
  const first = seen.statuses[0];
  assert.equal(first.status, 'SUBSCRIBED', `${seen.channel.topic}: ${first.status} ${first.error?.message ?? ''}`);
}

async function refused(seen) {
  const entry = await until(`refusal of ${seen.channel.topic}`, () => hasStatus(seen, 'CHANNEL_ERROR'));
  assert.ok(!hasStatus(seen, 'SUBSCRIBED'), `${seen.channel.topic} was joined`);
  return entry.error;
}

function setJobStatus(jobId, status, extra = '') {
  sql(`update public.analysis_jobs set status = ${literal(status)}${extra} where id = ${literal(jobId)}`);
}

for (const vsn of ['1.0.0', '2.0.0']) {
  test(`vsn ${vsn}: members join their agency's private topics; another agency's member and anon are refused (security case 13)`, needsDatabase, async () => {
    const options = { clientOptions: { realtime: { vsn } } };
    const owner = await signedInClient({ email: alice.email, password: alice.password, ...options });
    const stranger = await signedInClient({ email: bob.email, password: bob.password, ...options });
    tracked(owner.client);
    tracked(stranger.client);
    const jobId = analysisJob(alice);
    try {
      const agency = join(owner.client, `agency:${alice.agencyId}`, ['analysis_job']);
      const job = join(owner.client, `job:${jobId}`, ['progress']);
      await joined(agency);
      await joined(job);

      const intruder = join(stranger.client, `agency:${alice.agencyId}`, ['analysis_job']);
      const error = await refused(intruder);
      assert.match(error.message, /Unauthorized: You do not have permissions to read from this Channel topic: agency:/);
      await refused(join(stranger.client, `job:${jobId}`, ['progress']));
      await refused(join(tracked(anonClient({ realtime: { vsn } })), `agency:${alice.agencyId}`, ['analysis_job']));
      // Bob's own agency is fine for Bob.
      const own = join(stranger.client, `agency:${bob.agencyId}`, ['analysis_job']);
      await joined(own);

      // A committed change is broadcast to the members' topics; nothing reaches Bob.
      setJobStatus(jobId, 'running', ', batches_done = 1, transcripts_done = 10');
      const progress = await until('progress broadcast', () => job.changes[0]);
      assert.equal(progress.type, 'broadcast');
      assert.equal(progress.event, 'progress');
      assert.equal(progress.payload.job_id, jobId);
      assert.equal(progress.payload.status, 'running');
      assert.equal(progress.payload.batches_done, 1);
      assert.equal(progress.payload.transcripts_done, 10);
      const status = await until('analysis_job broadcast', () => agency.changes[0]);
      // realtime.send adds the message id to the payload, as hosted does.
      const { id, ...fields } = status.payload;
      assert.match(id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(fields, { job_id: jobId, client_id: alice.clientId, status: 'running' });
      await sleep(300);
      assert.deepEqual(own.broadcasts, []);
      assert.deepEqual(intruder.broadcasts, []);
    } finally {
      await owner.client.removeAllChannels();
      await stranger.client.removeAllChannels();
    }
  });
}

test('only committed changes are broadcast, in commit order', needsDatabase, async () => {
  const jobId = analysisJob(alice);
  const job = join(alice.client, `job:${jobId}`, ['progress']);
  try {
    await joined(job);
    // A transaction that fails after the update sends nothing.
    assert.throws(() => sql(`
      update public.analysis_jobs set status = 'running' where id = ${literal(jobId)};
      select 1 / 0;
    `));
    setJobStatus(jobId, 'running', ', batches_done = 1');
    setJobStatus(jobId, 'completed', ', batches_done = 2, transcripts_done = 20');
    await until('two progress broadcasts', () => job.changes.length >= 2);
    await sleep(300);
    assert.deepEqual(
      job.changes.map((message) => [message.payload.status, message.payload.batches_done]),
      [['running', 1], ['completed', 2]],
    );
  } finally {
    await alice.client.removeAllChannels();
  }
});

for (const vsn of ['1.0.0', '2.0.0']) {
  test(`vsn ${vsn}: heartbeats are answered`, async () => {
    const beats = [];
    const client = tracked(clientWithKey(env.anonKey, {
      realtime: { vsn, heartbeatIntervalMs: 200, heartbeatCallback: (status) => beats.push(status) },
    }));
    const lobby = join(client, `lobby-${Date.now()}`, [], { isPrivate: false });
    try {
      await joined(lobby);
      await until('a heartbeat reply', () => beats.filter((status) => status === 'ok').length >= 2);
      assert.ok(!beats.includes('timeout'), beats.join(','));
    } finally {
      await client.removeAllChannels();
    }
  });
}

test('a refreshed access token keeps the channel; another user\'s token closes it', needsDatabase, async () => {
  const jobId = analysisJob(alice);
  const owner = await signedInClient({ email: alice.email, password: alice.password });
  tracked(owner.client);
  const job = join(owner.client, `job:${jobId}`, ['progress']);
  try {
    await joined(job);
    // refreshSession makes supabase-js send the new token to every joined channel.
    const { error } = await owner.client.auth.refreshSession();
    assert.equal(error, null, error?.message);
    await sleep(300);
    setJobStatus(jobId, 'running');
    await until('a broadcast after the refresh', () => job.changes.length === 1);
    assert.ok(!hasStatus(job, 'CLOSED'));

    // Bob's token on Alice's channel: re-authorized, refused, closed.
    await owner.client.realtime.setAuth(bob.session.access_token);
    await until('the channel to close', () => hasStatus(job, 'CLOSED'));
    assert.match(job.system.at(-1)?.message ?? '', /You do not have permissions to read from this Channel topic/);
    setJobStatus(jobId, 'completed');
    await sleep(300);
    assert.equal(job.changes.length, 1, 'nothing after the close');
  } finally {
    await owner.client.removeAllChannels();
  }
});

test('a channel closes when its access token expires', needsDatabase, async () => {
  assert.ok(env.jwtSecret, 'SUPABASE_JWT_SECRET (to sign a short-lived token)');
  const now = nowSeconds();
  const token = signJwt({
    sub: alice.user.id,
    role: 'authenticated',
    aud: 'authenticated',
    email: alice.email,
    iat: now,
    exp: now + 3,
  });
  const client = tracked(clientWithKey(env.anonKey, { accessToken: async () => token }));
  // supabase-js hands the token to Realtime asynchronously; join only once it has it.
  await client.realtime.setAuth();
  const agency = join(client, `agency:${alice.agencyId}`, ['analysis_job']);
  try {
    await joined(agency);
    await until('the close at expiry', () => hasStatus(agency, 'CLOSED'), 10_000);
    assert.match(agency.system.at(-1)?.message ?? '', /Token has expired/);
    // Joining again with the expired token is refused.
    const again = join(client, `agency:${alice.agencyId}`, ['analysis_job']);
    const error = await refused(again);
    assert.match(error.message, /Token has expired/);
  } finally {
    await client.removeAllChannels();
  }
});

test('leaving a channel stops its broadcasts and answers ok', needsDatabase, async () => {
  const jobId = analysisJob(alice);
  const job = join(alice.client, `job:${jobId}`, ['progress']);
  await joined(job);
  assert.equal(await job.channel.unsubscribe(), 'ok');
  setJobStatus(jobId, 'running');
  await sleep(500);
  assert.deepEqual(job.changes, []);
  assert.equal(await alice.client.removeChannel(job.channel), 'ok');
  assert.deepEqual(alice.client.getChannels(), []);
});

test('forged and expired tokens cannot join a private topic (security case 13)', needsDatabase, async () => {
  assert.ok(env.jwtSecret, 'SUPABASE_JWT_SECRET (the project JWT secret)');
  const now = nowSeconds();
  const claims = { sub: alice.user.id, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + 600 };
  const wrongKey = 'not-the-secret-but-long-enough-0123456789';
  const forgeries = {
    'alg none': signJwt(claims, { alg: 'none' }),
    'wrong key': signJwt(claims, { secret: wrongKey }),
    'service_role with a wrong key': signJwt({ ...claims, role: 'service_role' }, { secret: wrongKey }),
    'expired 31 s ago': signJwt({ ...claims, iat: now - 3600, exp: now - 31 }),
  };
  for (const [name, token] of Object.entries(forgeries)) {
    const client = tracked(clientWithKey(env.anonKey, { accessToken: async () => token }));
    await client.realtime.setAuth();
    const seen = join(client, `agency:${alice.agencyId}`, ['analysis_job']);
    const error = await refused(seen);
    assert.match(error.message, /^(MalformedJWT|JwtSignatureError|InvalidJWTToken): /, name);
    await client.removeAllChannels();
  }
});
