// Realtime through realtime-js (contract §3): private Broadcast channels authorized by the
// app's RLS policy on realtime.messages (topics `agency:<id>` and `job:<id>`), fed by
// broadcasts the database sends when rows change (supabase/migrations ...analysis_progress).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { agencyOwner, must, subscribed } from './storage-agency-fixtures.mjs';

const clients = [];
after(async () => {
  for (const client of clients) await client.removeAllChannels();
});

/** The next broadcast `event` on `channel`, within `timeoutMs`. */
function nextBroadcast(channel, event, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' broadcast within ${timeoutMs} ms`)), timeoutMs);
    channel.on('broadcast', { event }, (message) => {
      clearTimeout(timer);
      resolve(message);
    });
  });
}

/** A parsed transcript for the client, so an analysis can start (a row change the app broadcasts). */
async function parsedTranscript(owner) {
  const text = `Rep: hello ${randomUUID()}`;
  return must(
    await owner.client
      .from('transcripts')
      .insert({
        agency_id: owner.agency.id,
        client_id: owner.customer.id,
        file_name: 'call.txt',
        content_sha256: createHash('sha256').update(text).digest('hex'),
        size_bytes: text.length,
        source_format: 'speaker_text',
        parse_status: 'parsed',
        canonical: { turns: [{ speaker: 'Rep', text }] },
      })
      .select()
      .single(),
    'insert into transcripts',
  );
}

test('a private agency channel is joined by its member, refused to another agency, and fed by row changes', async () => {
  const owner = await agencyOwner('rt-owner');
  const stranger = await agencyOwner('rt-stranger');
  clients.push(owner.client, stranger.client);
  const topic = `agency:${owner.agency.id}`;

  const channel = owner.client.channel(topic, { config: { private: true } });
  const queued = nextBroadcast(channel, 'analysis_job');
  const joined = await subscribed(channel);
  assert.equal(joined.status, 'SUBSCRIBED', joined.error?.message);

  // A member of another agency is refused with Realtime's reason.
  const intrusion = stranger.client.channel(topic, { config: { private: true } });
  const refused = await subscribed(intrusion);
  assert.equal(refused.status, 'CHANNEL_ERROR');
  assert.equal(
    refused.error?.message,
    `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`,
  );
  await stranger.client.removeChannel(intrusion);
  // ... while their own agency's channel works.
  const own = stranger.client.channel(`agency:${stranger.agency.id}`, { config: { private: true } });
  let strangerSaw = 0;
  own.on('broadcast', { event: '*' }, () => strangerSaw++);
  assert.equal((await subscribed(own)).status, 'SUBSCRIBED');

  // Starting an analysis inserts a job row; its trigger broadcasts on the agency topic.
  await parsedTranscript(owner);
  const job = must(await owner.client.rpc('start_analysis', { client_id: owner.customer.id }), 'start_analysis');
  const message = await queued;
  assert.equal(message.type, 'broadcast');
  assert.equal(message.event, 'analysis_job');
  assert.deepEqual(message.payload, { job_id: job.id, client_id: owner.customer.id, status: 'queued' });

  // The job's own topic is private to the agency too.
  const jobTopic = `job:${job.id}`;
  const jobChannel = owner.client.channel(jobTopic, { config: { private: true } });
  assert.equal((await subscribed(jobChannel)).status, 'SUBSCRIBED');
  const peek = stranger.client.channel(jobTopic, { config: { private: true } });
  assert.equal((await subscribed(peek)).status, 'CHANNEL_ERROR');
  await stranger.client.removeChannel(peek);
  assert.equal(strangerSaw, 0, 'no broadcast of agency A reached agency B');
});

test('a public channel needs no policy and a postgres_changes binding does not break the join', async () => {
  const owner = await agencyOwner('rt-public');
  clients.push(owner.client);
  const channel = owner.client
    .channel(`lobby-${randomUUID()}`)
    .on('postgres_changes', { event: '*', schema: 'public', table: 'clients', filter: `id=eq.${owner.customer.id}` }, () => {});
  const joined = await subscribed(channel);
  assert.equal(joined.status, 'SUBSCRIBED', joined.error?.message);
});
