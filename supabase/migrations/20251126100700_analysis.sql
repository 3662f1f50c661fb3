/*
 * Analyses. A job (created by public.start_analysis) covers a set of a client's transcripts,
 * split into batches that Edge Functions process one bounded call at a time: a worker claims a
 * batch with a lease (public.claim_analysis_batch, SKIP LOCKED), writes one transcript_insights
 * row per transcript and finishes the batch (complete_analysis_batch / fail_analysis_batch).
 * An expired lease is reclaimed by the next claim; a batch whose lease expired too often fails.
 * The final step writes the one analysis_results row of the job and marks it completed.
 * Members read all of it; only the service role writes (besides start and cancel).
 */
create table public.analysis_jobs (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null,
  client_id uuid not null,
  requested_by uuid default auth.uid(),
  status text not null default 'queued',
  batch_size integer not null,
  batches_total integer not null default 0,
  batches_done integer not null default 0,
  batches_failed integer not null default 0,
  transcripts_total integer not null default 0,
  transcripts_done integer not null default 0,
  transcripts_failed integer not null default 0,
  distribution jsonb not null default '{}',
  error text,
  idempotency_key text,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint analysis_jobs_client_belongs_to_agency foreign key (client_id, agency_id)
    references public.clients (id, agency_id) on delete cascade,
  constraint analysis_jobs_id_agency_id_key unique (id, agency_id),
  constraint analysis_jobs_idempotency_key_already_used unique (agency_id, idempotency_key),
  constraint analysis_jobs_status_is_known check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
  constraint analysis_jobs_batch_size_range check (batch_size between 1 and 500),
  constraint analysis_jobs_batch_counts_are_consistent check (
    batches_total >= 0 and batches_done >= 0 and batches_failed >= 0
    and batches_done + batches_failed <= batches_total
  ),
  constraint analysis_jobs_transcript_counts_are_consistent check (
    transcripts_total >= 0 and transcripts_done >= 0 and transcripts_failed >= 0
    and transcripts_done + transcripts_failed <= transcripts_total
  ),
  constraint analysis_jobs_distribution_is_object check (jsonb_typeof(distribution) = 'object'),
  constraint analysis_jobs_error_length check (char_length(error) <= 2000),
  constraint analysis_jobs_idempotency_key_format check (
    char_length(idempotency_key) between 1 and 200 and private.is_single_line_text(idempotency_key)
  )
);

comment on table public.analysis_jobs is
  'One analysis run over a client''s transcripts. Progress is broadcast on the private Realtime topic job:<id>.';
comment on column public.analysis_jobs.distribution is
  'Awareness distribution so far: {"problem": n, "solution": n, "product": n}.';

create index analysis_jobs_agency_id_idx on public.analysis_jobs (agency_id);
create index analysis_jobs_client_id_created_at_idx on public.analysis_jobs (client_id, agency_id, created_at desc);
create index analysis_jobs_requested_by_idx on public.analysis_jobs (requested_by);
create index analysis_jobs_unfinished_idx on public.analysis_jobs (created_at) where status in ('queued', 'running');

create trigger set_updated_at
  before update on public.analysis_jobs
  for each row execute function private.set_updated_at();

create trigger keep_columns_unchanged
  before update on public.analysis_jobs
  for each row execute function private.keep_columns_unchanged(
    'id', 'agency_id', 'client_id', 'requested_by', 'batch_size', 'idempotency_key', 'created_at'
  );

/*
 * Job status moves forward only: queued -> running -> completed | failed | cancelled, and
 * queued -> completed | failed | cancelled. Timestamps follow the status.
 */
create function private.check_analysis_job_status()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status is distinct from old.status then
    if old.status in ('completed', 'failed', 'cancelled')
       or (old.status = 'running' and new.status = 'queued') then
      raise exception 'an analysis job cannot go from % to %', old.status, new.status
        using errcode = '23514';
    end if;
    if new.status = 'running' and new.started_at is null then
      new.started_at := now();
    end if;
    if new.status in ('completed', 'failed', 'cancelled') and new.finished_at is null then
      new.finished_at := now();
    end if;
  end if;
  return new;
end;
$$;
revoke all on function private.check_analysis_job_status() from public;

create trigger check_status
  before update of status on public.analysis_jobs
  for each row execute function private.check_analysis_job_status();

create table public.analysis_batches (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null,
  job_id uuid not null,
  batch_index integer not null,
  transcript_ids uuid[] not null,
  status text not null default 'pending',
  lease_owner text,
  lease_expires_at timestamptz,
  attempts integer not null default 0,
  last_error text,
  result jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint analysis_batches_job_belongs_to_agency foreign key (job_id, agency_id)
    references public.analysis_jobs (id, agency_id) on delete cascade,
  constraint analysis_batches_index_is_unique_per_job unique (job_id, batch_index),
  constraint analysis_batches_batch_index_is_not_negative check (batch_index >= 0),
  constraint analysis_batches_transcript_ids_count check (cardinality(transcript_ids) between 1 and 500),
  constraint analysis_batches_status_is_known check (status in ('pending', 'running', 'done', 'failed')),
  constraint analysis_batches_running_has_lease check (
    status <> 'running' or (lease_owner is not null and lease_expires_at is not null)
  ),
  constraint analysis_batches_lease_owner_length check (char_length(lease_owner) between 1 and 200),
  constraint analysis_batches_attempts_is_not_negative check (attempts >= 0),
  constraint analysis_batches_last_error_length check (char_length(last_error) <= 2000),
  constraint analysis_batches_result_is_object check (jsonb_typeof(result) = 'object')
);

comment on table public.analysis_batches is 'A bounded slice of a job, claimed by a worker with a lease.';

create index analysis_batches_agency_id_idx on public.analysis_batches (agency_id, job_id);
create index analysis_batches_claimable_idx on public.analysis_batches (job_id, batch_index)
  where status in ('pending', 'running');

create trigger set_updated_at
  before update on public.analysis_batches
  for each row execute function private.set_updated_at();

create trigger keep_columns_unchanged
  before update on public.analysis_batches
  for each row execute function private.keep_columns_unchanged(
    'id', 'agency_id', 'job_id', 'batch_index', 'transcript_ids', 'created_at'
  );

create table public.transcript_insights (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null,
  job_id uuid not null,
  transcript_id uuid not null,
  awareness_level text not null,
  confidence numeric(4, 3) not null,
  insights jsonb not null default '{}',
  created_at timestamptz not null default now(),
  constraint transcript_insights_job_belongs_to_agency foreign key (job_id, agency_id)
    references public.analysis_jobs (id, agency_id) on delete cascade,
  constraint transcript_insights_transcript_belongs_to_agency foreign key (transcript_id, agency_id)
    references public.transcripts (id, agency_id) on delete cascade,
  constraint transcript_insights_one_per_transcript_and_job unique (job_id, transcript_id),
  constraint transcript_insights_awareness_level_is_known check (awareness_level in ('problem', 'solution', 'product')),
  constraint transcript_insights_confidence_between_0_and_1 check (confidence between 0 and 1),
  constraint transcript_insights_insights_is_object check (jsonb_typeof(insights) = 'object')
);

comment on table public.transcript_insights is
  'Per-transcript result of a job: awareness level, confidence, and the quotes and signals that decided it.';

create index transcript_insights_agency_id_idx on public.transcript_insights (agency_id, job_id);
create index transcript_insights_transcript_id_idx on public.transcript_insights (transcript_id, agency_id);

create trigger keep_columns_unchanged
  before update on public.transcript_insights
  for each row execute function private.keep_columns_unchanged('id', 'agency_id', 'job_id', 'transcript_id', 'created_at');

create table public.analysis_results (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null,
  client_id uuid not null,
  job_id uuid not null,
  awareness_distribution jsonb not null,
  segment_profiles jsonb not null default '[]',
  outcome_phrases jsonb not null default '[]',
  recommendations jsonb not null default '[]',
  created_at timestamptz not null default now(),
  constraint analysis_results_client_belongs_to_agency foreign key (client_id, agency_id)
    references public.clients (id, agency_id) on delete cascade,
  constraint analysis_results_job_belongs_to_agency foreign key (job_id, agency_id)
    references public.analysis_jobs (id, agency_id) on delete cascade,
  -- job_id alone determines agency_id, so this is one result per job.
  constraint analysis_results_one_per_job unique (job_id, agency_id),
  constraint analysis_results_awareness_distribution_is_object check (jsonb_typeof(awareness_distribution) = 'object'),
  constraint analysis_results_segment_profiles_is_array check (jsonb_typeof(segment_profiles) = 'array'),
  constraint analysis_results_outcome_phrases_is_array check (jsonb_typeof(outcome_phrases) = 'array'),
  constraint analysis_results_recommendations_is_array check (jsonb_typeof(recommendations) = 'array')
);

comment on table public.analysis_results is 'The forensic report of one completed job.';

create index analysis_results_agency_id_idx on public.analysis_results (agency_id);
create index analysis_results_client_id_created_at_idx on public.analysis_results (client_id, agency_id, created_at desc);

create trigger keep_columns_unchanged
  before update on public.analysis_results
  for each row execute function private.keep_columns_unchanged('id', 'agency_id', 'client_id', 'job_id', 'created_at');

/*
 * The job's client must be the results' client.
 */
create function private.check_analysis_result_client()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if not exists (select 1 from public.analysis_jobs where id = new.job_id and client_id = new.client_id) then
    raise exception 'analysis result must belong to the client of its job' using errcode = '23514';
  end if;
  return new;
end;
$$;
revoke all on function private.check_analysis_result_client() from public;

create trigger check_client
  before insert on public.analysis_results
  for each row execute function private.check_analysis_result_client();

alter table public.analysis_jobs enable row level security;
alter table public.analysis_batches enable row level security;
alter table public.transcript_insights enable row level security;
alter table public.analysis_results enable row level security;

create policy "Analysis jobs are viewable by members of their agency"
  on public.analysis_jobs for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Analysis batches are viewable by members of their agency"
  on public.analysis_batches for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Transcript insights are viewable by members of their agency"
  on public.transcript_insights for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Analysis results are viewable by members of their agency"
  on public.analysis_results for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

grant select on table public.analysis_jobs, public.analysis_batches, public.transcript_insights,
  public.analysis_results to authenticated;
grant select, insert, update, delete on table public.analysis_jobs, public.analysis_batches,
  public.transcript_insights, public.analysis_results to service_role;
