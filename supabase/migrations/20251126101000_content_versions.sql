/*
 * Generated and edited content per client, awareness level and content type. Every save is a
 * new row (version = previous + 1 in the same lineage, parent_id = the version it came from);
 * a body is never updated. Status moves along allowed transitions only:
 *   draft -> in_review | archived
 *   in_review -> draft | approved | archived
 *   approved -> live | archived
 *   live -> archived
 * Members write drafts and move them to and from review; approving and going live take an
 * admin or owner (approved_by/approved_at are stamped). Making a version live archives the
 * lineage's previous live version.
 */
create table public.content_versions (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null,
  client_id uuid not null,
  job_id uuid, -- the analysis it was generated from; NULL when written by hand or the job was deleted
  awareness_level text not null,
  content_type text not null,
  version integer not null default 1,
  parent_id uuid,
  status text not null default 'draft',
  body jsonb not null,
  lint_findings jsonb not null default '[]',
  predicted_show_rate numeric(4, 3),
  predicted_show_rate_low numeric(4, 3),
  predicted_show_rate_high numeric(4, 3),
  created_by uuid default auth.uid(),
  approved_by uuid,
  approved_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint content_versions_client_belongs_to_agency foreign key (client_id, agency_id)
    references public.clients (id, agency_id) on delete cascade,
  constraint content_versions_job_belongs_to_agency foreign key (job_id, agency_id)
    references public.analysis_jobs (id, agency_id) on delete set null (job_id),
  constraint content_versions_parent_belongs_to_agency foreign key (parent_id, agency_id)
    references public.content_versions (id, agency_id) on delete cascade,
  constraint content_versions_id_agency_id_key unique (id, agency_id),
  constraint content_versions_version_is_unique_in_lineage unique (client_id, awareness_level, content_type, version),
  constraint content_versions_awareness_level_is_known check (awareness_level in ('problem', 'solution', 'product')),
  constraint content_versions_content_type_is_known check (content_type in ('email_sequence', 'sms', 'deck_outline')),
  constraint content_versions_version_is_positive check (version >= 1),
  constraint content_versions_status_is_known check (status in ('draft', 'in_review', 'approved', 'live', 'archived')),
  constraint content_versions_body_is_object check (jsonb_typeof(body) = 'object'),
  constraint content_versions_lint_findings_is_array check (jsonb_typeof(lint_findings) = 'array'),
  constraint content_versions_predicted_show_rate_between_0_and_1 check (
    predicted_show_rate between 0 and 1
    and predicted_show_rate_low between 0 and predicted_show_rate
    and predicted_show_rate_high between predicted_show_rate and 1
  ),
  constraint content_versions_prediction_interval_is_complete check (
    (predicted_show_rate is null) = (predicted_show_rate_low is null)
    and (predicted_show_rate is null) = (predicted_show_rate_high is null)
  ),
  constraint content_versions_approval_is_stamped check ((approved_by is null) or (approved_at is not null))
);

comment on table public.content_versions is
  'Every saved version of a piece of content; a save inserts a new row, bodies never change.';
comment on column public.content_versions.body is
  'The content (email sequence, SMS set or deck outline) as produced by crates/engine, as JSON.';

create index content_versions_agency_id_idx on public.content_versions (agency_id, client_id);
create index content_versions_lineage_idx on public.content_versions (client_id, awareness_level, content_type, version desc);
create index content_versions_job_id_idx on public.content_versions (job_id, agency_id);
create index content_versions_parent_id_idx on public.content_versions (parent_id, agency_id);
create index content_versions_created_by_idx on public.content_versions (created_by);
create unique index content_versions_one_live_per_lineage
  on public.content_versions (client_id, awareness_level, content_type) where status = 'live';

create trigger set_updated_at
  before update on public.content_versions
  for each row execute function private.set_updated_at();

create trigger keep_columns_unchanged
  before update on public.content_versions
  for each row execute function private.keep_columns_unchanged(
    'id', 'agency_id', 'client_id', 'awareness_level', 'content_type', 'version', 'parent_id',
    'body', 'created_by', 'created_at'
  );

create trigger touch_clients
  after insert on public.content_versions
  referencing new table as changed_rows
  for each statement execute function private.touch_clients_of_changed_rows();

/*
 * Numbers a new version within its lineage (client, awareness level, content type) and links
 * it to its parent (by default the lineage's latest version). New versions start as drafts.
 * Runs as the caller: a lineage lives in one agency, so the caller's row level security lets
 * it see the whole lineage and nothing else.
 */
create function private.number_content_version()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  latest public.content_versions;
begin
  if new.status <> 'draft' then
    raise exception 'a new content version starts as a draft' using errcode = '23514';
  end if;
  -- Serialise saves in one lineage so two concurrent saves get consecutive numbers.
  perform pg_advisory_xact_lock(
    hashtextextended(new.client_id::text || ':' || new.awareness_level || ':' || new.content_type, 0)
  );
  select * into latest
  from public.content_versions
  where client_id = new.client_id and awareness_level = new.awareness_level and content_type = new.content_type
  order by version desc
  limit 1;
  new.version := coalesce(latest.version, 0) + 1;
  if new.parent_id is null then
    new.parent_id := latest.id;
  elsif not exists (
    select 1 from public.content_versions
    where id = new.parent_id and client_id = new.client_id
      and awareness_level = new.awareness_level and content_type = new.content_type
  ) then
    raise exception 'the parent version belongs to another client, awareness level or content type'
      using errcode = '23514';
  end if;
  new.approved_by := null;
  new.approved_at := null;
  return new;
end;
$$;
revoke all on function private.number_content_version() from public;

create trigger number_version
  before insert on public.content_versions
  for each row execute function private.number_content_version();

/*
 * Enforces the status transitions and who may make them, stamps approvals, and archives the
 * previous live version of the lineage when one goes live.
 */
create function private.check_content_version_status()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  transition text := old.status || '->' || new.status;
  caller_role text := current_setting('role', true);
begin
  if new.status = old.status then
    return new;
  end if;
  if transition not in (
    'draft->in_review', 'draft->archived',
    'in_review->draft', 'in_review->approved', 'in_review->archived',
    'approved->live', 'approved->archived',
    'live->archived'
  ) then
    raise exception 'content cannot go from % to %', old.status, new.status
      using errcode = '23514',
            hint = 'Allowed: draft -> in_review -> approved -> live -> archived, in_review -> draft, and archiving.';
  end if;
  if new.status in ('approved', 'live') and caller_role = 'authenticated'
     and not private.has_agency_role(new.agency_id, 'admin') then
    raise exception 'only admins and owners can % content', case new.status when 'approved' then 'approve' else 'publish' end
      using errcode = '42501';
  end if;
  if new.status = 'approved' then
    new.approved_by := (select auth.uid());
    new.approved_at := now();
  end if;
  if new.status = 'live' then
    update public.content_versions
    set status = 'archived'
    where client_id = new.client_id and awareness_level = new.awareness_level
      and content_type = new.content_type and status = 'live' and id <> new.id;
  end if;
  return new;
end;
$$;
revoke all on function private.check_content_version_status() from public;

create trigger check_status
  before update of status on public.content_versions
  for each row execute function private.check_content_version_status();

/*
 * approved_by/approved_at are written by the status trigger only.
 */
create function private.keep_approval_stamp()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.status = old.status
     and (new.approved_by is distinct from old.approved_by or new.approved_at is distinct from old.approved_at) then
    raise exception 'content_versions approval is stamped by approving' using errcode = '42501';
  end if;
  return new;
end;
$$;
revoke all on function private.keep_approval_stamp() from public;

create trigger keep_approval_stamp
  before update of approved_by, approved_at on public.content_versions
  for each row execute function private.keep_approval_stamp();

alter table public.content_versions enable row level security;

create policy "Content versions are viewable by members of their agency"
  on public.content_versions for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Content versions can be saved by members of their agency"
  on public.content_versions for insert
  to authenticated
  with check (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Content status can be changed by members of their agency"
  on public.content_versions for update
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())))
  with check (agency_id = any (array(select private.agency_ids_of_current_user())));

-- No DELETE policy: versions are kept (deleting the client removes them).
grant select on table public.content_versions to authenticated;
grant insert (
  id, agency_id, client_id, job_id, awareness_level, content_type, parent_id, body, lint_findings,
  predicted_show_rate, predicted_show_rate_low, predicted_show_rate_high
) on table public.content_versions to authenticated;
grant update (status) on table public.content_versions to authenticated;
grant select, insert, update, delete on table public.content_versions to service_role;
