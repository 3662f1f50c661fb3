// Helpers for the Edge Functions end-to-end tests (e2e/edge/*.test.mjs), run by
// `cargo xtask test --only edge-e2e` against a private stand-in: agencies and clients set up
// through the API as their owners, generated transcripts uploaded to Storage and ingested, and
// analyses watched through Realtime with supabase-js.
//
// Environment (set by the suite, besides e2e/compat/helpers.mjs's):
//   EDGE_CORPUS_DIR       generated transcripts (`scalestream corpus`), with manifest.csv
//   EDGE_FUNCTIONS_DIR    the stand-in's functions runtime folder (<data dir>/functions), to
//                         find the analyze function's Deno process in the fault tests

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { serviceClient, signedInClient, sleep } from '../compat/helpers.mjs';

export { serviceClient, signedInClient, sleep };

export const corpusDir = process.env.EDGE_CORPUS_DIR;

const CONTENT_TYPES = { vtt: 'text/vtt', srt: 'application/x-subrip', json: 'application/json', md: 'text/markdown' };

/** The generated transcript files (name and bytes), sorted by name. */
export function corpusFiles(count = Infinity) {
  if (!corpusDir) throw new Error('EDGE_CORPUS_DIR is not set: run `cargo xtask test --only edge-e2e`');
  return readdirSync(corpusDir)
    .filter((name) => name !== 'manifest.csv')
    .sort()
    .slice(0, count)
    .map((name) => ({ name, bytes: readFileSync(join(corpusDir, name)) }));
}

/**
 * A new user who owns a new agency (starter plan, trialing) with one client. Returns
 * `{ client: supabase-js signed in, session, user, agencyId, clientId }`.
 */
export async function agencyWithClient(tag = 'edge') {
  const member = await signedInClient({ tag });
  const slug = `${tag}-${randomUUID().slice(0, 8)}`;
  const agency = await member.client.rpc('create_agency', { name: `Agency ${slug}`, slug });
  if (agency.error) throw new Error(`create_agency: ${agency.error.message}`);
  const created = await member.client
    .from('clients')
    .insert({ agency_id: agency.data.id, name: 'Harbor Smiles', industry: 'dental clinics', offer: 'clear aligners' })
    .select('id')
    .single();
  if (created.error) throw new Error(`insert client: ${created.error.message}`);
  return { ...member, agencyId: agency.data.id, clientId: created.data.id };
}

/**
 * Uploads files to the client's folder as the member and ingests them through the `ingest`
 * function, following `remaining` until every file is read. Returns the ingest results.
 */
export async function uploadAndIngest(owner, files) {
  const requests = [];
  for (const file of files) {
    const extension = file.name.split('.').pop().toLowerCase();
    const path = `${owner.agencyId}/${owner.clientId}/${randomUUID()}.${extension}`;
    const { error } = await owner.client.storage
      .from('transcripts')
      .upload(path, file.bytes, { contentType: CONTENT_TYPES[extension] ?? 'text/plain' });
    if (error) throw new Error(`upload ${file.name}: ${error.message}`);
    requests.push({ path, file_name: file.name });
  }
  const results = [];
  let pending = requests;
  while (pending.length > 0) {
    const { data, error } = await owner.client.functions.invoke('ingest', {
      body: { client_id: owner.clientId, files: pending },
    });
    if (error) throw new Error(`ingest: ${await errorText(error)}`);
    results.push(...data.files);
    const left = new Set(data.remaining);
    pending = pending.filter((file) => left.has(file.path));
  }
  return results;
}

/** The readable text of a functions-js error (the function's JSON error body when there is one). */
export async function errorText(error) {
  const response = error?.context;
  if (response && typeof response.text === 'function') {
    try {
      return `${response.status} ${await response.clone().text()}`;
    } catch {
      return error.message;
    }
  }
  return error?.message ?? String(error);
}

/** Invokes `analyze` as the member; returns `{ status, data, body }` (body: the error JSON). */
export async function invokeAnalyze(client, body) {
  const { data, error } = await client.functions.invoke('analyze', { body });
  if (!error) return { status: 200, data, body: null };
  const response = error.context;
  const status = response?.status ?? 0;
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  return { status, data: null, body: parsed };
}

/**
 * Subscribes to the job's private progress topic as the member. Returns `{ events, ready,
 * close }`: `events` fills with progress payloads; `ready` resolves once subscribed.
 */
export function watchJob(owner, jobId) {
  const events = [];
  owner.client.realtime.setAuth(owner.session.access_token);
  const channel = owner.client
    .channel(`job:${jobId}`, { config: { private: true } })
    .on('broadcast', { event: 'progress' }, (message) => events.push(message.payload));
  const ready = new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve();
      if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status));
    });
  });
  const close = async () => {
    await owner.client.removeChannel(channel);
    owner.client.realtime.disconnect();
  };
  return { events, ready, close };
}

/** Polls the job row (as the member) until it is finished; returns it. */
export async function waitForJob(client, jobId, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data, error } = await client.from('analysis_jobs').select('*').eq('id', jobId).single();
    if (error) throw new Error(`reading job: ${error.message}`);
    if (['completed', 'failed', 'cancelled'].includes(data.status)) return data;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${data.status} after ${timeoutMs} ms: ${JSON.stringify(data)}`);
    await sleep(100);
  }
}

/** Rows of a table for a job, read as the member (RLS applies). */
export async function rowsOfJob(client, table, jobId, columns = '*') {
  const { data, error } = await client.from(table).select(columns).eq('job_id', jobId).limit(1000);
  if (error) throw new Error(`reading ${table}: ${error.message}`);
  return data;
}
