// An agency member analyzes 100 generated transcripts from one call (issue 5): upload to
// Storage, ingest, invoke `analyze`, watch progress on job:<id>, then check
// transcript_insights, analysis_results and content_versions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  agencyWithClient,
  corpusFiles,
  invokeAnalyze,
  rowsOfJob,
  serviceClient,
  uploadAndIngest,
  waitForJob,
  watchJob,
} from './helpers.mjs';

test('100 uploaded transcripts analyzed from one call, with live progress, results and drafts', async () => {
  const owner = await agencyWithClient('analyze');
  const files = corpusFiles(100);
  assert.equal(files.length, 100);
  const megabytes = files.reduce((sum, file) => sum + file.bytes.length, 0) / 1e6;

  const ingested = await uploadAndIngest(owner, files);
  assert.equal(ingested.length, 100);
  assert.deepEqual(ingested.filter((file) => file.status !== 'parsed'), [], 'every generated file parses');

  // The cross-agency library has a proven subject line for this industry's problem stage.
  const library = await serviceClient()
    .from('successful_patterns')
    .upsert({
      industry: 'dental clinics', awareness_level: 'problem', pattern_type: 'subject_line',
      template: '{{first_name}}, your visit is reserved', agency_count: 4, trials: 120, successes: 96,
      show_rate_estimate: 0.8, show_rate_low: 0.72, show_rate_high: 0.86,
    }, { onConflict: 'industry,awareness_level,pattern_type,template' })
    .select('id')
    .single();
  assert.equal(library.error, null, library.error?.message);

  const started = performance.now();
  const first = await invokeAnalyze(owner.client, { client_id: owner.clientId, idempotency_key: 'first-run' });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const answeredMs = performance.now() - started;
  const jobId = first.data.job_id;
  assert.match(jobId, /^[0-9a-f-]{36}$/);
  assert.equal(first.data.transcripts_total, 100);
  assert.ok(first.data.batches_total >= 2, 'the job is split into batches');

  const watch = watchJob(owner, jobId);
  let job;
  let doneMs;
  let events;
  try {
    await watch.ready;
    job = await waitForJob(owner.client, jobId);
    doneMs = performance.now() - started;
    assert.equal(job.status, 'completed', JSON.stringify(job));
    assert.equal(job.error, null);
    assert.equal(job.transcripts_done, 100);
    assert.equal(job.batches_done, job.batches_total);
    const levels = job.distribution;
    assert.equal(Object.values(levels).reduce((sum, count) => sum + count, 0), 100);

    const insights = await rowsOfJob(owner.client, 'transcript_insights', jobId, 'transcript_id,awareness_level,confidence,insights');
    assert.equal(insights.length, 100);
    assert.equal(new Set(insights.map((row) => row.transcript_id)).size, 100);
    const ids = new Set(ingested.map((file) => file.transcript_id));
    assert.ok(insights.every((row) => ids.has(row.transcript_id)));
    assert.ok(insights.every((row) => row.insights.stage && row.insights.speakers));

    const [result, ...extra] = await rowsOfJob(owner.client, 'analysis_results', jobId);
    assert.equal(extra.length, 0, 'one result per job');
    assert.deepEqual(Object.keys(result.awareness_distribution).sort(), ['problem', 'product', 'solution']);
    assert.ok(result.segment_profiles.length >= 1);

    const drafts = await rowsOfJob(owner.client, 'content_versions', jobId, 'awareness_level,content_type,status,body');
    assert.equal(drafts.length, 9);
    assert.deepEqual(
      drafts.map((draft) => `${draft.awareness_level}/${draft.content_type}`).sort(),
      ['problem', 'product', 'solution'].flatMap((level) =>
        ['deck_outline', 'email_sequence', 'sms'].map((type) => `${level}/${type}`)),
    );
    assert.ok(drafts.every((draft) => draft.status === 'draft'));
    const usesLibrary = (level) =>
      drafts.some((draft) => draft.awareness_level === level && JSON.stringify(draft.body).includes(library.data.id));
    assert.ok(usesLibrary('problem'), 'the library pattern is used for its stage');
    assert.ok(!usesLibrary('product'));

    // Progress arrived on job:<id> as the member, ending with the completed state.
    for (let waited = 0; !watch.events.some((event) => event.status === 'completed') && waited < 50; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    events = watch.events;
    assert.ok(events.length >= 1, 'progress was broadcast');
    const last = events.at(-1);
    assert.equal(last.job_id, jobId);
    assert.equal(last.status, 'completed');
    assert.equal(last.transcripts_done, 100);
    for (let i = 1; i < events.length; i++) {
      assert.ok(events[i].batches_done >= events[i - 1].batches_done, 'batches_done never goes back');
    }
  } finally {
    await watch.close();
  }

  // A retried start (same idempotency key) answers the same job and writes nothing again.
  const retry = await invokeAnalyze(owner.client, { client_id: owner.clientId, idempotency_key: 'first-run' });
  assert.equal(retry.status, 200);
  assert.equal(retry.data.job_id, jobId);
  assert.equal(retry.data.status, 'completed');
  assert.equal((await rowsOfJob(owner.client, 'content_versions', jobId, 'id')).length, 9);
  const usage = await serviceClient().from('usage_tracking').select('id').eq('job_id', jobId);
  assert.equal(usage.error, null);
  assert.equal(usage.data.length, 1, 'counted once against the plan');

  // Nothing left to analyze: a clear 400, nothing started.
  const again = await invokeAnalyze(owner.client, { client_id: owner.clientId });
  assert.equal(again.status, 400);
  assert.match(again.body.error.message, /no transcripts to analyze/);

  const batches = await rowsOfJob(owner.client, 'analysis_batches', jobId, 'result');
  const engineMs = batches.map((batch) => batch.result.engine_ms);
  assert.ok(engineMs.every((ms) => Number.isFinite(ms)));
  console.log(
    `# edge: ${files.length} transcripts (${megabytes.toFixed(1)} MB), ${job.batches_total} batches: ` +
      `analyze answered in ${answeredMs.toFixed(0)} ms, last content_versions row after ${doneMs.toFixed(0)} ms, ` +
      `engine per batch max ${Math.max(...engineMs)} ms, ${events.length} progress broadcasts seen`,
  );
});
