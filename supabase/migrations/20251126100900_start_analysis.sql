/*
 * public.start_analysis(client_id, transcript_ids, idempotency_key, batch_size): called by the
 * `analyze` Edge Function with the caller's JWT. In one transaction, with the agency row
 * locked: checks membership, the subscription and the monthly analysis limit, records usage,
 * and creates the job and its batches. Returns the analysis_jobs row.
 *   transcript_ids NULL: every parsed transcript of the client not yet in a completed job.
 *   idempotency_key: a retry with the same key returns the first job and counts nothing.
 * Errors: 42501 not a member of the client's agency (or client unknown); PT402 subscription
 * not active or monthly analysis limit reached; PT409 idempotency key used for another client;
 * 22023 bad arguments or nothing to analyze.
 */
create function private.start_analysis(
  target_client_id uuid, requested_transcript_ids uuid[], key text, requested_batch_size integer
)
returns public.analysis_jobs
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller_id uuid := (select auth.uid());
  client public.clients;
  agency public.agencies;
  plan public.plans;
  job public.analysis_jobs;
  selected uuid[];
  used integer;
begin
  select * into client from public.clients where id = target_client_id;
  if caller_id is null or not found or not private.has_agency_role(client.agency_id, 'member') then
    raise exception 'you are not a member of this client''s agency' using errcode = '42501';
  end if;
  if requested_batch_size is null or requested_batch_size not between 1 and 500 then
    raise exception 'batch_size must be between 1 and 500' using errcode = '22023';
  end if;
  if cardinality(requested_transcript_ids) > 10000 then
    raise exception 'at most 10000 transcripts per analysis' using errcode = '22023';
  end if;

  plan := private.lock_agency_for_limits(client.agency_id);
  select * into agency from public.agencies where id = client.agency_id;

  if key is not null then
    select * into job from public.analysis_jobs where agency_id = client.agency_id and idempotency_key = key;
    if found and job.client_id <> target_client_id then
      raise exception 'this idempotency key was already used for another client''s analysis' using errcode = 'PT409';
    end if;
    if found then
      return job;
    end if;
  end if;

  if agency.subscription_status not in ('trialing', 'active') then
    raise exception 'new analyses are locked: the subscription is %', agency.subscription_status
      using errcode = 'PT402', hint = 'Update the payment method to unlock analyses; no data was deleted.';
  end if;
  used := private.analyses_this_month(client.agency_id);
  if plan.max_analyses_per_month is not null and used >= plan.max_analyses_per_month then
    raise exception 'monthly analysis limit reached: the % plan allows % analyses per month',
      plan.name, plan.max_analyses_per_month
      using errcode = 'PT402', hint = 'Upgrade the plan or wait for next month.';
  end if;

  if requested_transcript_ids is null then
    select coalesce(array_agg(t.id order by t.created_at, t.id), '{}') into selected
    from public.transcripts as t
    where t.client_id = target_client_id
      and t.parse_status = 'parsed'
      and not exists (
        select 1
        from public.transcript_insights as insight
        join public.analysis_jobs as done on done.id = insight.job_id and done.status = 'completed'
        where insight.transcript_id = t.id
      );
  else
    select coalesce(array_agg(t.id order by t.created_at, t.id), '{}') into selected
    from public.transcripts as t
    where t.client_id = target_client_id and t.id = any (requested_transcript_ids);
    if cardinality(selected) <> (select count(distinct requested) from unnest(requested_transcript_ids) as requested) then
      raise exception 'some transcripts do not belong to this client' using errcode = '22023';
    end if;
    if exists (select 1 from public.transcripts as t where t.id = any (selected) and t.parse_status <> 'parsed') then
      raise exception 'some transcripts are not parsed yet' using errcode = '22023',
        hint = 'Only transcripts with parse_status = parsed can be analyzed.';
    end if;
  end if;
  if cardinality(selected) = 0 then
    raise exception 'no transcripts to analyze' using errcode = '22023',
      hint = 'Every parsed transcript of this client has been analyzed; pass transcript_ids to analyze again.';
  end if;

  insert into public.analysis_jobs (
    agency_id, client_id, requested_by, batch_size, batches_total, transcripts_total, idempotency_key
  )
  values (
    client.agency_id, target_client_id, caller_id, requested_batch_size,
    (cardinality(selected) + requested_batch_size - 1) / requested_batch_size, cardinality(selected), key
  )
  returning * into job;

  insert into public.analysis_batches (agency_id, job_id, batch_index, transcript_ids)
  select client.agency_id, job.id, batch_index,
         selected[batch_index * requested_batch_size + 1 : (batch_index + 1) * requested_batch_size]
  from generate_series(0, job.batches_total - 1) as batch_index;

  insert into public.usage_tracking (agency_id, client_id, job_id, user_id, action, credits)
  values (client.agency_id, target_client_id, job.id, caller_id, 'analysis_started', 1);

  update public.clients set status = 'analyzing', last_activity_at = now()
  where id = target_client_id and status in ('onboarding', 'ready');

  return job;
end;
$$;
revoke all on function private.start_analysis(uuid, uuid[], text, integer) from public;
grant execute on function private.start_analysis(uuid, uuid[], text, integer) to authenticated, service_role;

create function public.start_analysis(
  client_id uuid, transcript_ids uuid[] default null, idempotency_key text default null, batch_size integer default 25
)
returns public.analysis_jobs
language sql
security invoker
set search_path = ''
as $$
  select * from private.start_analysis(client_id, transcript_ids, idempotency_key, batch_size);
$$;
revoke all on function public.start_analysis(uuid, uuid[], text, integer) from public;
grant execute on function public.start_analysis(uuid, uuid[], text, integer) to authenticated;

/*
 * public.cancel_analysis(job_id): any member of the job's agency cancels a queued or running
 * job; a finished job is returned unchanged. Workers stop claiming its batches.
 * Errors: 42501 not a member of the job's agency (or job unknown).
 */
create function private.cancel_analysis(target_job_id uuid)
returns public.analysis_jobs
language plpgsql
security definer
set search_path = ''
as $$
declare
  job public.analysis_jobs;
begin
  select * into job from public.analysis_jobs where id = target_job_id;
  if not found or not private.has_agency_role(job.agency_id, 'member') then
    raise exception 'you are not a member of this analysis job''s agency' using errcode = '42501';
  end if;
  update public.analysis_jobs
  set status = 'cancelled', error = coalesce(error, 'cancelled by a user')
  where id = target_job_id and status in ('queued', 'running')
  returning * into job;
  if not found then
    select * into job from public.analysis_jobs where id = target_job_id;
  end if;
  return job;
end;
$$;
revoke all on function private.cancel_analysis(uuid) from public;
grant execute on function private.cancel_analysis(uuid) to authenticated, service_role;

create function public.cancel_analysis(job_id uuid)
returns public.analysis_jobs
language sql
security invoker
set search_path = ''
as $$
  select * from private.cancel_analysis(job_id);
$$;
revoke all on function public.cancel_analysis(uuid) from public;
grant execute on function public.cancel_analysis(uuid) to authenticated;
