/*
 * One row per client with what the dashboard shows: transcript count, latest job and its
 * status, and the measured show rate from tracked bookings. A security_invoker view: the
 * caller's row level security applies to every table it reads.
 */
create view public.client_summaries
with (security_invoker = true)
as
select
  client.id,
  client.agency_id,
  client.name,
  client.industry,
  client.status,
  client.current_show_rate,
  client.target_show_rate,
  client.last_activity_at,
  (select count(*) from public.transcripts as t where t.client_id = client.id) as transcripts_count,
  latest_job.id as latest_job_id,
  latest_job.status as latest_job_status,
  latest_job.created_at as latest_job_created_at,
  bookings.showed as bookings_showed,
  bookings.no_show as bookings_no_show,
  case when bookings.showed + bookings.no_show > 0
    then round(bookings.showed::numeric / (bookings.showed + bookings.no_show), 3)
  end as measured_show_rate
from public.clients as client
left join lateral (
  select job.id, job.status, job.created_at
  from public.analysis_jobs as job
  where job.client_id = client.id
  order by job.created_at desc
  limit 1
) as latest_job on true
cross join lateral (
  select
    count(*) filter (where booking.outcome = 'showed') as showed,
    count(*) filter (where booking.outcome = 'no_show') as no_show
  from public.performance_tracking as booking
  where booking.client_id = client.id
) as bookings;

comment on view public.client_summaries is 'Dashboard rows: one per client, with counts and the measured show rate.';

grant select on public.client_summaries to authenticated, service_role;
