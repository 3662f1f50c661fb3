/*
 * The last step of an analysis, in one transaction (service role): when every batch is done
 * or failed, store the job's report in analysis_results, one draft content_versions row per
 * awareness level and content type, and mark the job completed (or failed when no batch
 * succeeded). A retry after success returns the completed job and writes nothing again.
 *   report: {"awareness_distribution": {...}, "segment_profiles": [...], "outcome_phrases": [...],
 *            "recommendations": [...]}  (the distribution defaults to the job's own)
 *   drafts: [{"awareness_level", "content_type", "body", "lint_findings", "predicted_show_rate",
 *             "predicted_show_rate_low", "predicted_show_rate_high"}, ...]
 * Errors: PT404 job not found; PT409 the job was cancelled or failed, or batches remain.
 */
create function public.finish_analysis_job(job_id uuid, report jsonb, drafts jsonb default '[]')
returns public.analysis_jobs
language plpgsql
security invoker
set search_path = ''
as $$
declare
  job public.analysis_jobs;
begin
  select * into job from public.analysis_jobs as j where j.id = finish_analysis_job.job_id for update;
  if not found then
    raise exception 'analysis job not found' using errcode = 'PT404';
  end if;
  if job.status = 'completed' then
    return job;
  end if;
  if job.status in ('failed', 'cancelled') then
    raise exception 'the analysis job was %', job.status using errcode = 'PT409';
  end if;
  if job.batches_done + job.batches_failed < job.batches_total then
    raise exception 'the analysis job still has % of % batches to process',
      job.batches_total - job.batches_done - job.batches_failed, job.batches_total
      using errcode = 'PT409';
  end if;
  if jsonb_typeof(report) is distinct from 'object' or jsonb_typeof(drafts) is distinct from 'array' then
    raise exception 'report must be a JSON object and drafts a JSON array' using errcode = '22023';
  end if;

  if job.batches_done = 0 then
    update public.analysis_jobs as j
    set status = 'failed', error = coalesce(j.error, 'every batch failed')
    where j.id = job.id
    returning * into job;
    return job;
  end if;

  insert into public.analysis_results (
    agency_id, client_id, job_id, awareness_distribution, segment_profiles, outcome_phrases, recommendations
  )
  values (
    job.agency_id, job.client_id, job.id,
    coalesce(report -> 'awareness_distribution', job.distribution),
    coalesce(report -> 'segment_profiles', '[]'),
    coalesce(report -> 'outcome_phrases', '[]'),
    coalesce(report -> 'recommendations', '[]')
  );

  insert into public.content_versions (
    agency_id, client_id, job_id, awareness_level, content_type, body, lint_findings,
    predicted_show_rate, predicted_show_rate_low, predicted_show_rate_high
  )
  select job.agency_id, job.client_id, job.id, draft.awareness_level, draft.content_type, draft.body,
         coalesce(draft.lint_findings, '[]'), draft.predicted_show_rate, draft.predicted_show_rate_low,
         draft.predicted_show_rate_high
  from jsonb_to_recordset(drafts) as draft (
    awareness_level text, content_type text, body jsonb, lint_findings jsonb,
    predicted_show_rate numeric, predicted_show_rate_low numeric, predicted_show_rate_high numeric
  );

  update public.analysis_jobs as j set status = 'completed' where j.id = job.id returning * into job;
  return job;
end;
$$;

revoke all on function public.finish_analysis_job(uuid, jsonb, jsonb) from public;
grant execute on function public.finish_analysis_job(uuid, jsonb, jsonb) to service_role;
