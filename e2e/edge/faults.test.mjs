// Faults of the analysis pipeline (issue 5; security-tests.md §5): the runtime killed in the
// middle of a job, a poisoned transcript, a member of another agency, the plan-limit race,
// cancel, and ingest's per-file errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  agencyWithClient,
  corpusFiles,
  invokeAnalyze,
  rowsOfJob,
  serviceClient,
  sleep,
  uploadAndIngest,
  waitForJob,
} from './helpers.mjs';

/** The pid of the stand-in's Deno process serving `analyze` (found through /proc). */
function analyzeProcess() {
  const runtime = process.env.EDGE_FUNCTIONS_DIR;
  assert.ok(runtime, 'EDGE_FUNCTIONS_DIR is set by the suite');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let command;
    try {
      command = readFileSync(join('/proc', entry, 'cmdline'), 'utf8').split('\0');
    } catch {
      continue;
    }
    if (command.some((arg) => arg.startsWith(runtime)) && command.some((arg) => arg.endsWith('/analyze/index.ts'))) {
      return Number(entry);
    }
  }
  return null;
}

async function jobRow(jobId) {
  const { data, error } = await serviceClient().from('analysis_jobs').select('*').eq('id', jobId).single();
  if (error) throw new Error(error.message);
  return data;
}

test('the runtime killed in the middle of a job: resumed, every transcript analyzed exactly once', async () => {
  const owner = await agencyWithClient('kill');
  const ingested = await uploadAndIngest(owner, corpusFiles(40));
  const started = await invokeAnalyze(owner.client, { client_id: owner.clientId, batch_size: 2, idempotency_key: 'kill-run' });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const jobId = started.data.job_id;
  assert.equal(started.data.batches_total, 20);

  let job = await jobRow(jobId);
  while (job.batches_done < 3) {
    assert.equal(job.status === 'completed', false, 'the job must still be running when killed');
    await sleep(20);
    job = await jobRow(jobId);
  }
  const pid = analyzeProcess();
  assert.ok(pid, 'found the analyze process');
  process.kill(pid, 'SIGKILL');
  const atKill = await jobRow(jobId);
  assert.equal(atKill.status, 'running', 'killed in the middle');
  assert.ok(atKill.batches_done < atKill.batches_total);

  // A retried start (same key) resumes the job. The first call may still meet the dead process
  // (500 WORKER_ERROR, as hosted answers for a crashed worker); the runtime then restarts and
  // the client retries, as the web app does on a 5xx.
  let resumed = await invokeAnalyze(owner.client, { client_id: owner.clientId, idempotency_key: 'kill-run' });
  for (let retry = 0; resumed.status >= 500 && retry < 3; retry++) {
    assert.equal(resumed.body?.code, 'WORKER_ERROR', JSON.stringify(resumed.body));
    await sleep(200);
    resumed = await invokeAnalyze(owner.client, { client_id: owner.clientId, idempotency_key: 'kill-run' });
  }
  assert.equal(resumed.status, 200, JSON.stringify(resumed.body));
  assert.equal(resumed.data.job_id, jobId);
  assert.notEqual(analyzeProcess(), pid, 'a new process');
  const done = await waitForJob(owner.client, jobId);
  assert.equal(done.status, 'completed', JSON.stringify(done));
  assert.equal(done.transcripts_done, 40);
  assert.equal(done.transcripts_failed, 0);
  assert.equal(done.batches_done, 20);

  const insights = await rowsOfJob(owner.client, 'transcript_insights', jobId, 'transcript_id');
  assert.equal(insights.length, 40, 'exactly one result per transcript');
  assert.deepEqual(
    new Set(insights.map((row) => row.transcript_id)),
    new Set(ingested.map((file) => file.transcript_id)),
  );
  assert.equal((await rowsOfJob(owner.client, 'analysis_results', jobId, 'id')).length, 1);
  assert.equal((await rowsOfJob(owner.client, 'content_versions', jobId, 'id')).length, 9);
});

test('a poisoned transcript fails its batch with a readable error while the rest completes', async () => {
  const owner = await agencyWithClient('poison');
  await uploadAndIngest(owner, corpusFiles(10));
  const poisoned = await serviceClient()
    .from('transcripts')
    .insert({
      agency_id: owner.agencyId,
      client_id: owner.clientId,
      file_name: 'poisoned-call.vtt',
      content_sha256: randomBytes(32).toString('hex'),
      size_bytes: 1000,
      parse_status: 'parsed',
      canonical: { format: 'webvtt', turns: 'not a list of turns' },
    })
    .select('id')
    .single();
  assert.equal(poisoned.error, null, poisoned.error?.message);

  const started = await invokeAnalyze(owner.client, { client_id: owner.clientId, batch_size: 3 });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const job = await waitForJob(owner.client, started.data.job_id);
  assert.equal(job.status, 'completed', 'the rest of the job completes');
  assert.equal(job.batches_failed, 1);
  assert.match(job.error, /poisoned-call\.vtt/);
  assert.match(job.error, /has no usable canonical transcript/);

  const batches = await rowsOfJob(owner.client, 'analysis_batches', job.id, 'status,transcript_ids,last_error,attempts');
  const [failed, ...more] = batches.filter((batch) => batch.status === 'failed');
  assert.equal(more.length, 0);
  assert.ok(failed.transcript_ids.includes(poisoned.data.id));
  assert.equal(failed.attempts, 1, 'a permanent error is not retried');
  assert.match(failed.last_error, /poisoned-call\.vtt/);
  assert.equal(job.transcripts_failed, failed.transcript_ids.length);
  assert.equal(job.transcripts_done, 11 - failed.transcript_ids.length);
  const insights = await rowsOfJob(owner.client, 'transcript_insights', job.id, 'transcript_id');
  assert.equal(insights.length, job.transcripts_done);
  assert.equal((await rowsOfJob(owner.client, 'analysis_results', job.id, 'id')).length, 1);
  assert.equal((await rowsOfJob(owner.client, 'content_versions', job.id, 'id')).length, 9);
});

test("a member of another agency can neither start, cancel, resume nor drive this client's analyses", async () => {
  const owner = await agencyWithClient('victim');
  await uploadAndIngest(owner, corpusFiles(2));
  const stranger = await agencyWithClient('stranger');

  const refused = await invokeAnalyze(stranger.client, { client_id: owner.clientId });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, 'forbidden');
  const jobs = await serviceClient().from('analysis_jobs').select('id').eq('client_id', owner.clientId);
  assert.deepEqual(jobs.data, [], 'nothing started');

  const started = await invokeAnalyze(owner.client, { client_id: owner.clientId });
  assert.equal(started.status, 200);
  const jobId = started.data.job_id;
  const cancel = await invokeAnalyze(stranger.client, { job_id: jobId, action: 'cancel' });
  assert.equal(cancel.status, 403);
  const resume = await invokeAnalyze(stranger.client, { job_id: jobId, action: 'resume' });
  assert.equal(resume.status, 404);
  const work = await invokeAnalyze(stranger.client, { job_id: jobId, action: 'work' });
  assert.equal(work.status, 403, 'only the service key drives workers');
  const ingest = await stranger.client.functions.invoke('ingest', {
    body: { client_id: owner.clientId, files: [`${owner.agencyId}/${owner.clientId}/${randomUUID()}.vtt`] },
  });
  assert.equal(ingest.error?.context?.status, 403);

  const job = await waitForJob(owner.client, jobId);
  assert.equal(job.status, 'completed');
});

test('plan-limit race: 10 concurrent starts with 1 analysis left, exactly one starts', async () => {
  const owner = await agencyWithClient('race');
  await uploadAndIngest(owner, corpusFiles(2));
  const used = Array.from({ length: 9 }, () => ({ agency_id: owner.agencyId, action: 'analysis_started' }));
  const seeded = await serviceClient().from('usage_tracking').insert(used);
  assert.equal(seeded.error, null, seeded.error?.message);

  const answers = await Promise.all(
    Array.from({ length: 10 }, () => invokeAnalyze(owner.client, { client_id: owner.clientId })),
  );
  const statuses = answers.map((answer) => answer.status).sort();
  assert.deepEqual(statuses, [200, ...Array(9).fill(402)], JSON.stringify(answers.map((a) => a.body)));
  for (const answer of answers.filter((a) => a.status === 402)) {
    assert.equal(answer.body.error.code, 'plan_limit');
    assert.match(answer.body.error.message, /monthly analysis limit reached/);
  }
  const jobs = await serviceClient().from('analysis_jobs').select('id').eq('client_id', owner.clientId);
  assert.equal(jobs.data.length, 1);
  await waitForJob(owner.client, jobs.data[0].id);
});

test('cancel stops a job cleanly: no more batches, no results', async () => {
  const owner = await agencyWithClient('cancel');
  await uploadAndIngest(owner, corpusFiles(12));
  const started = await invokeAnalyze(owner.client, { client_id: owner.clientId, batch_size: 1 });
  assert.equal(started.status, 200);
  const jobId = started.data.job_id;
  const cancelled = await invokeAnalyze(owner.client, { job_id: jobId, action: 'cancel' });
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.data.status, 'cancelled');
  const atCancel = await jobRow(jobId);
  await sleep(1500);
  const later = await jobRow(jobId);
  assert.equal(later.status, 'cancelled');
  // A batch already running when the cancel came may still finish; no new one starts.
  assert.ok(later.batches_done <= atCancel.batches_done + 2, JSON.stringify({ atCancel, later }));
  assert.ok(later.batches_done < later.batches_total);
  assert.equal((await rowsOfJob(owner.client, 'analysis_results', jobId, 'id')).length, 0);
  const resume = await invokeAnalyze(owner.client, { job_id: jobId, action: 'resume' });
  assert.equal(resume.data.status, 'cancelled', 'a cancelled job stays cancelled');
});

test('ingest: per-file errors are stored readably, the same file twice is a duplicate', async () => {
  const owner = await agencyWithClient('ingest');
  const good = corpusFiles(1)[0];
  const empty = { name: 'empty-call.vtt', bytes: Buffer.from('WEBVTT\n\n') };
  const results = await uploadAndIngest(owner, [good, empty]);
  assert.deepEqual(results.map((file) => file.status), ['parsed', 'failed']);
  assert.ok(results[1].error.length > 10, 'a readable error');
  const rows = await owner.client.from('transcripts').select('id,parse_status,parse_error').eq('client_id', owner.clientId);
  assert.equal(rows.data.length, 2);
  const failedRow = rows.data.find((row) => row.parse_status === 'failed');
  assert.equal(failedRow.parse_error, results[1].error);

  const again = await owner.client.functions.invoke('ingest', {
    body: { client_id: owner.clientId, files: [{ path: results[0].path, file_name: good.name }] },
  });
  assert.equal(again.error, null);
  assert.equal(again.data.files[0].status, 'duplicate');
  assert.equal(again.data.files[0].transcript_id, results[0].transcript_id);

  const other = await agencyWithClient('ingest-other');
  const outside = await owner.client.functions.invoke('ingest', {
    body: { client_id: owner.clientId, files: [`${other.agencyId}/${other.clientId}/${randomUUID()}.vtt`] },
  });
  assert.equal(outside.data.files[0].status, 'refused');
  const count = await owner.client.from('transcripts').select('id').eq('client_id', owner.clientId);
  assert.equal(count.data.length, 2, 'nothing written twice');
});

test('hostile bodies are refused quickly: 10 MB, 10,000-deep JSON, 100,000 ids, not JSON', async () => {
  const owner = await agencyWithClient('hostile');
  const post = (body, type = 'application/json') =>
    fetch(`${process.env.SUPABASE_URL}/functions/v1/analyze`, {
      method: 'POST',
      headers: {
        apikey: process.env.SUPABASE_ANON_KEY,
        authorization: `Bearer ${owner.session.access_token}`,
        'content-type': type,
      },
      body,
    });
  const huge = await post(JSON.stringify({ client_id: owner.clientId, pad: 'x'.repeat(10_000_000) }));
  assert.equal(huge.status, 413);
  const deep = await post('['.repeat(10_000) + ']'.repeat(10_000));
  assert.equal(deep.status, 400);
  const ids = Array.from({ length: 100_000 }, () => randomUUID());
  const many = await post(JSON.stringify({ client_id: owner.clientId, transcript_ids: ids }));
  assert.ok([400, 413].includes(many.status), `status ${many.status}`);
  const text = await post('client_id=1', 'application/x-www-form-urlencoded');
  assert.equal(text.status, 415);
  const jobs = await serviceClient().from('analysis_jobs').select('id').eq('client_id', owner.clientId);
  assert.deepEqual(jobs.data, [], 'nothing started');
});

test('ingest: a manifest CSV in the folder sets the outcome, date, rep and prospect', async () => {
  const owner = await agencyWithClient('manifest');
  const file = corpusFiles(1)[0];
  const folder = `${owner.agencyId}/${owner.clientId}`;
  const path = `${folder}/${randomUUID()}.${file.name.split('.').pop()}`;
  const manifestPath = `${folder}/${randomUUID()}.csv`;
  const csv = `file,outcome,date,rep,prospect\n"${file.name}",no_show,2024-02-02,Riley Rep,Pat Prospect\n`;
  for (const [key, bytes, contentType] of [[path, file.bytes, 'text/plain'], [manifestPath, Buffer.from(csv), 'text/plain']]) {
    const { error } = await owner.client.storage.from('transcripts').upload(key, bytes, { contentType });
    assert.equal(error, null, error?.message);
  }
  const { data, error } = await owner.client.functions.invoke('ingest', {
    body: { client_id: owner.clientId, files: [{ path, file_name: file.name }], manifest_path: manifestPath },
  });
  assert.equal(error, null, error?.message);
  assert.equal(data.files[0].status, 'parsed', JSON.stringify(data));
  const row = await owner.client
    .from('transcripts')
    .select('outcome,call_date,rep_name,prospect_name,file_name,storage_path')
    .eq('id', data.files[0].transcript_id)
    .single();
  assert.deepEqual(row.data, {
    outcome: 'no_show',
    call_date: '2024-02-02',
    rep_name: 'Riley Rep',
    prospect_name: 'Pat Prospect',
    file_name: file.name,
    storage_path: path,
  });
});
