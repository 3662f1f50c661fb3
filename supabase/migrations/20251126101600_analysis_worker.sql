/*
 * The batch protocol for analysis workers (Edge Functions, as service role). A worker:
 *   1. claim_analysis_batch(job_id, lease_owner, lease_seconds): takes the next pending batch,
 *      or one whose lease expired, with FOR UPDATE SKIP LOCKED; returns it (or no row when none
 *      is left). A batch whose lease expired max_attempts times is marked failed instead.
 *   2. complete_analysis_batch(batch_id, lease_owner, insights, result): stores one
 *      transcript_insights row per analyzed transcript (idempotent per job and transcript),
 *      marks the batch done and updates the job's progress; transcripts of the batch without
 *      an insight count as failed.
 *      or fail_analysis_batch(batch_id, lease_owner, error): back to pending for a retry, or
 *      failed after max_attempts.
 *   3. when batches_done + batches_failed = batches_total: insert the job's analysis_results
 *      row and set the job's status to completed (or failed).
 * Only the lease owner may complete or fail a batch (PT409 otherwise: the lease was lost).
 */
create function public.claim_analysis_batch(
  job_id uuid, lease_owner text, lease_seconds integer default 60, max_attempts integer default 3
)
returns setof public.analysis_batches
language plpgsql
security invoker
set search_path = ''
as $$
declare
  target_job_id uuid := job_id;
  worker text := lease_owner;
  exhausted integer;
  exhausted_transcripts integer;
  claimed public.analysis_batches;
begin
  if lease_seconds not between 1 and 3600 or max_attempts not between 1 and 100 then
    raise exception 'lease_seconds must be 1-3600 and max_attempts 1-100' using errcode = '22023';
  end if;

  with given_up as (
    update public.analysis_batches as batch
    set status = 'failed',
        last_error = coalesce(batch.last_error || '; ', '') || 'lease expired after ' || batch.attempts || ' attempts',
        lease_owner = null,
        lease_expires_at = null
    where batch.job_id = target_job_id and batch.status = 'running'
      and batch.lease_expires_at < now() and batch.attempts >= max_attempts
    returning cardinality(batch.transcript_ids) as transcripts
  )
  select count(*), coalesce(sum(transcripts), 0) into exhausted, exhausted_transcripts from given_up;
  if exhausted > 0 then
    update public.analysis_jobs
    set batches_failed = batches_failed + exhausted, transcripts_failed = transcripts_failed + exhausted_transcripts
    where id = target_job_id;
  end if;

  update public.analysis_batches as batch
  set status = 'running',
      lease_owner = worker,
      lease_expires_at = now() + make_interval(secs => lease_seconds),
      attempts = batch.attempts + 1
  where batch.id = (
    select candidate.id
    from public.analysis_batches as candidate
    where candidate.job_id = target_job_id
      and (candidate.status = 'pending' or (candidate.status = 'running' and candidate.lease_expires_at < now()))
      and exists (
        select 1 from public.analysis_jobs as job
        where job.id = target_job_id and job.status in ('queued', 'running')
      )
    order by candidate.batch_index
    limit 1
    for update skip locked
  )
  returning batch.* into claimed;

  if claimed.id is null then
    return;
  end if;
  update public.analysis_jobs set status = 'running' where id = target_job_id and status = 'queued';
  return next claimed;
end;
$$;

/*
 * The lease owner's running batch, locked; PT409 when the lease was lost.
 */
create function private.leased_batch(batch_id uuid, lease_owner text)
returns public.analysis_batches
language plpgsql
set search_path = ''
as $$
declare
  batch public.analysis_batches;
begin
  select * into batch from public.analysis_batches as b where b.id = leased_batch.batch_id for update;
  if not found then
    raise exception 'analysis batch not found' using errcode = 'PT404';
  end if;
  if batch.status <> 'running' or batch.lease_owner is distinct from leased_batch.lease_owner then
    raise exception 'the lease on this batch was lost (status %, owner %)', batch.status, batch.lease_owner
      using errcode = 'PT409', hint = 'Another worker took the batch over; drop this result.';
  end if;
  return batch;
end;
$$;
revoke all on function private.leased_batch(uuid, text) from public;
grant execute on function private.leased_batch(uuid, text) to service_role;

create function public.complete_analysis_batch(
  batch_id uuid, lease_owner text, insights jsonb, result jsonb default null
)
returns public.analysis_jobs
language plpgsql
security invoker
set search_path = ''
as $$
declare
  batch public.analysis_batches := private.leased_batch(batch_id, lease_owner);
  analyzed integer;
  job public.analysis_jobs;
begin
  if jsonb_typeof(insights) is distinct from 'array' then
    raise exception 'insights must be a JSON array' using errcode = '22023';
  end if;
  insert into public.transcript_insights (agency_id, job_id, transcript_id, awareness_level, confidence, insights)
  select batch.agency_id, batch.job_id, item.transcript_id, item.awareness_level, item.confidence,
         coalesce(item.insights, '{}')
  from jsonb_to_recordset(complete_analysis_batch.insights)
         as item (transcript_id uuid, awareness_level text, confidence numeric, insights jsonb)
  where item.transcript_id = any (batch.transcript_ids)
  on conflict on constraint transcript_insights_one_per_transcript_and_job do update
  set awareness_level = excluded.awareness_level, confidence = excluded.confidence, insights = excluded.insights;

  select count(*) into analyzed
  from public.transcript_insights as insight
  where insight.job_id = batch.job_id and insight.transcript_id = any (batch.transcript_ids);

  update public.analysis_batches as b
  set status = 'done', result = complete_analysis_batch.result, lease_owner = null, lease_expires_at = null
  where b.id = batch.id;

  update public.analysis_jobs as j
  set batches_done = j.batches_done + 1,
      transcripts_done = j.transcripts_done + analyzed,
      transcripts_failed = j.transcripts_failed + cardinality(batch.transcript_ids) - analyzed,
      distribution = (
        select coalesce(jsonb_object_agg(level.awareness_level, level.transcripts), '{}')
        from (
          select insight.awareness_level, count(*) as transcripts
          from public.transcript_insights as insight
          where insight.job_id = batch.job_id
          group by insight.awareness_level
        ) as level
      )
  where j.id = batch.job_id
  returning j.* into job;
  return job;
end;
$$;

create function public.fail_analysis_batch(
  batch_id uuid, lease_owner text, error text, max_attempts integer default 3
)
returns public.analysis_batches
language plpgsql
security invoker
set search_path = ''
as $$
declare
  batch public.analysis_batches := private.leased_batch(batch_id, lease_owner);
  error_message text := left(coalesce(error, 'unknown error'), 2000);
begin
  if batch.attempts < max_attempts then
    update public.analysis_batches as b
    set status = 'pending', last_error = error_message, lease_owner = null, lease_expires_at = null
    where b.id = batch.id
    returning * into batch;
  else
    update public.analysis_batches as b
    set status = 'failed', last_error = error_message, lease_owner = null, lease_expires_at = null
    where b.id = batch.id
    returning * into batch;
    update public.analysis_jobs as j
    set batches_failed = j.batches_failed + 1,
        transcripts_failed = j.transcripts_failed + cardinality(batch.transcript_ids),
        error = coalesce(j.error, 'batch ' || batch.batch_index || ' failed: ' || error_message)
    where j.id = batch.job_id;
  end if;
  return batch;
end;
$$;

revoke all on function public.claim_analysis_batch(uuid, text, integer, integer) from public;
revoke all on function public.complete_analysis_batch(uuid, text, jsonb, jsonb) from public;
revoke all on function public.fail_analysis_batch(uuid, text, text, integer) from public;
grant execute on function public.claim_analysis_batch(uuid, text, integer, integer) to service_role;
grant execute on function public.complete_analysis_batch(uuid, text, jsonb, jsonb) to service_role;
grant execute on function public.fail_analysis_batch(uuid, text, text, integer) to service_role;
