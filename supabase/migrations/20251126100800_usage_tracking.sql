/*
 * Usage per agency and client: what was done, how many credits it used, when. Rows are
 * written by start_analysis and by the service role; members read them for the plan and
 * usage screen. Deleting a client keeps its usage (client_id becomes NULL), so deleting
 * clients never gives analyses back.
 */
create table public.usage_tracking (
  id bigint generated always as identity primary key,
  agency_id uuid not null references public.agencies (id) on delete cascade,
  client_id uuid,
  job_id uuid,
  user_id uuid default auth.uid(),
  action text not null,
  credits integer not null default 1,
  occurred_at timestamptz not null default now(),
  constraint usage_tracking_client_belongs_to_agency foreign key (client_id, agency_id)
    references public.clients (id, agency_id) on delete set null (client_id),
  constraint usage_tracking_job_belongs_to_agency foreign key (job_id, agency_id)
    references public.analysis_jobs (id, agency_id) on delete set null (job_id),
  constraint usage_tracking_action_is_known check (
    action in ('analysis_started', 'transcript_uploaded', 'content_generated')
  ),
  constraint usage_tracking_credits_range check (credits between 1 and 1000000)
);

comment on table public.usage_tracking is 'Metered actions per agency and client (analyses count against the plan).';

create index usage_tracking_agency_id_action_occurred_at_idx
  on public.usage_tracking (agency_id, action, occurred_at desc);
create index usage_tracking_client_id_idx on public.usage_tracking (client_id, agency_id);
create index usage_tracking_job_id_idx on public.usage_tracking (job_id, agency_id);
create index usage_tracking_user_id_idx on public.usage_tracking (user_id);

alter table public.usage_tracking enable row level security;

create policy "Usage is viewable by members of its agency"
  on public.usage_tracking for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

grant select on table public.usage_tracking to authenticated;
grant select, insert, update, delete on table public.usage_tracking to service_role;

/*
 * Analyses started in the current calendar month (UTC) by an agency.
 */
create function private.analyses_this_month(agency_id uuid)
returns integer
language sql
stable
security definer
set search_path = ''
as $$
  select count(*)::integer
  from public.usage_tracking as usage
  where usage.agency_id = analyses_this_month.agency_id
    and usage.action = 'analysis_started'
    and usage.occurred_at >= (date_trunc('month', now() at time zone 'utc') at time zone 'utc');
$$;
revoke all on function private.analyses_this_month(uuid) from public;
