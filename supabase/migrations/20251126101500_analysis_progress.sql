/*
 * Live analysis progress and client status.
 * - Realtime: a member may join the private broadcast topics `agency:<agency_id>` and
 *   `job:<job_id>` of their own agencies, and nothing else (RLS on realtime.messages, checked by
 *   Realtime's join probe). Clients cannot broadcast themselves (no INSERT policy).
 * - Every insert and every progress or status change of an analysis job is sent as event
 *   `progress` on `job:<id>`; status changes are also sent as event `analysis_job` on
 *   `agency:<agency_id>` (for dashboards).
 * - Client status follows its jobs: analyzing while one runs, ready when one completed.
 */
create function private.can_join_topic(topic text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select case
    when topic ~ '^agency:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then exists (
      select 1 from public.agency_members as member
      where member.user_id = (select auth.uid()) and member.agency_id = substr(topic, 8)::uuid
    )
    when topic ~ '^job:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then exists (
      select 1
      from public.analysis_jobs as job
      join public.agency_members as member on member.agency_id = job.agency_id
      where job.id = substr(topic, 5)::uuid and member.user_id = (select auth.uid())
    )
    else false
  end;
$$;
revoke all on function private.can_join_topic(text) from public;
grant execute on function private.can_join_topic(text) to authenticated;

create policy "Members receive broadcasts of their agency and its jobs"
  on realtime.messages for select
  to authenticated
  using (
    extension = 'broadcast'
    and topic = (select realtime.topic())
    and (select private.can_join_topic((select realtime.topic())))
  );

/*
 * The progress payload of a job, as broadcast and as a late joiner would read it from the row.
 */
create function private.analysis_job_progress(job public.analysis_jobs)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'job_id', job.id,
    'client_id', job.client_id,
    'status', job.status,
    'batches_total', job.batches_total,
    'batches_done', job.batches_done,
    'batches_failed', job.batches_failed,
    'transcripts_total', job.transcripts_total,
    'transcripts_done', job.transcripts_done,
    'transcripts_failed', job.transcripts_failed,
    'distribution', job.distribution,
    'error', job.error,
    'updated_at', job.updated_at
  );
$$;
revoke all on function private.analysis_job_progress(public.analysis_jobs) from public;

/*
 * SECURITY DEFINER so that realtime.send can insert into realtime.messages whoever changed the
 * job (realtime.send swallows errors, so a missing right would silently drop the event).
 */
create function private.broadcast_analysis_job_progress()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform realtime.send(private.analysis_job_progress(new), 'progress', 'job:' || new.id::text, true);
  if tg_op = 'INSERT' or new.status is distinct from old.status then
    perform realtime.send(
      jsonb_build_object('job_id', new.id, 'client_id', new.client_id, 'status', new.status),
      'analysis_job', 'agency:' || new.agency_id::text, true
    );
  end if;
  return null;
end;
$$;
revoke all on function private.broadcast_analysis_job_progress() from public;

create trigger broadcast_progress
  after insert or update of status, batches_done, batches_failed, transcripts_done, transcripts_failed,
    distribution, error
  on public.analysis_jobs
  for each row execute function private.broadcast_analysis_job_progress();

create function private.follow_client_status()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.status = 'completed' then
    update public.clients set status = 'ready', last_activity_at = now()
    where id = new.client_id and status in ('onboarding', 'analyzing');
  elsif new.status in ('failed', 'cancelled') then
    update public.clients as client
    set status = case
          when exists (
            select 1 from public.analysis_jobs as job where job.client_id = client.id and job.status = 'completed'
          ) then 'ready'
          else 'onboarding'
        end,
        last_activity_at = now()
    where client.id = new.client_id
      and client.status = 'analyzing'
      and not exists (
        select 1 from public.analysis_jobs as job
        where job.client_id = client.id and job.status in ('queued', 'running') and job.id <> new.id
      );
  end if;
  return null;
end;
$$;
revoke all on function private.follow_client_status() from public;

create trigger follow_client_status
  after update of status on public.analysis_jobs
  for each row
  when (new.status is distinct from old.status)
  execute function private.follow_client_status();

/*
 * A client whose content goes live is live.
 */
create function private.mark_client_live()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.clients set status = 'live', last_activity_at = now()
  where id = new.client_id and status <> 'live';
  return null;
end;
$$;
revoke all on function private.mark_client_live() from public;

create trigger mark_client_live
  after update of status on public.content_versions
  for each row
  when (new.status = 'live' and old.status is distinct from 'live')
  execute function private.mark_client_live();
