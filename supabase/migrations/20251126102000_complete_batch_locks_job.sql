/*
 * complete_analysis_batch, fixed for concurrent workers: two batches of the same job completing at
 * the same time each recomputed the job's awareness distribution from a snapshot taken before the
 * other committed, so the last writer could undercount it (seen with two invocation chains: 81 of
 * 100 transcripts counted). The function now locks the job row before reading, batch row first
 * then job row as every other worker function does, so the counts and the distribution agree.
 * Same signature, grants and behaviour otherwise.
 */
create or replace function public.complete_analysis_batch(
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
  -- Batches of one job complete concurrently: take the job's row lock first, so the
  -- distribution below is computed in a snapshot that sees every batch committed before us.
  perform 1 from public.analysis_jobs as j where j.id = batch.job_id for update;
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
