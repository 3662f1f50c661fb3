/*
 * Bookings and their outcomes per content version: each booked call from the CRM or scheduler
 * (or a CSV import or manual entry) with its awareness level, content variant, scheduled time
 * in the prospect's time zone, status, outcome and engagement. Show rate is outcome-based;
 * opens are recorded but unreliable. Members record and correct bookings; admins delete them.
 */
create table public.performance_tracking (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null,
  client_id uuid not null,
  content_version_id uuid,
  booking_ref text not null,
  prospect_ref text,
  awareness_level text,
  variant text,
  scheduled_call_at timestamptz not null,
  time_zone text not null default 'UTC',
  status text not null default 'scheduled',
  outcome text,
  clicks integer not null default 0,
  replies integer not null default 0,
  opens integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint performance_tracking_client_belongs_to_agency foreign key (client_id, agency_id)
    references public.clients (id, agency_id) on delete cascade,
  constraint performance_tracking_content_version_belongs_to_agency foreign key (content_version_id, agency_id)
    references public.content_versions (id, agency_id) on delete set null (content_version_id),
  constraint performance_tracking_booking_is_unique_per_client unique (client_id, booking_ref),
  constraint performance_tracking_booking_ref_format check (
    char_length(booking_ref) between 1 and 200 and private.is_single_line_text(booking_ref)
  ),
  constraint performance_tracking_prospect_ref_format check (
    char_length(prospect_ref) between 1 and 200 and private.is_single_line_text(prospect_ref)
  ),
  constraint performance_tracking_awareness_level_is_known check (awareness_level in ('problem', 'solution', 'product')),
  constraint performance_tracking_variant_format check (
    char_length(variant) between 1 and 100 and private.is_single_line_text(variant)
  ),
  constraint performance_tracking_time_zone_format check (
    char_length(time_zone) <= 64 and time_zone ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$'
  ),
  constraint performance_tracking_status_is_known check (status in ('scheduled', 'rescheduled', 'cancelled', 'completed')),
  constraint performance_tracking_outcome_is_known check (outcome in ('showed', 'no_show')),
  constraint performance_tracking_outcome_only_when_completed check (outcome is null or status = 'completed'),
  constraint performance_tracking_engagement_is_not_negative check (clicks >= 0 and replies >= 0 and opens >= 0)
);

comment on table public.performance_tracking is 'One booked call: which content it got and whether the prospect showed.';
comment on column public.performance_tracking.booking_ref is 'The booking''s id in the CRM or scheduler (no personal data).';
comment on column public.performance_tracking.prospect_ref is 'An opaque reference to the prospect in the CRM (no personal data).';

create index performance_tracking_agency_id_idx on public.performance_tracking (agency_id, client_id);
create index performance_tracking_client_id_scheduled_idx on public.performance_tracking (client_id, scheduled_call_at desc);
create index performance_tracking_content_version_id_idx on public.performance_tracking (content_version_id, agency_id);

create trigger set_updated_at
  before update on public.performance_tracking
  for each row execute function private.set_updated_at();

create trigger keep_columns_unchanged
  before update on public.performance_tracking
  for each row execute function private.keep_columns_unchanged('id', 'agency_id', 'client_id', 'created_at');

alter table public.performance_tracking enable row level security;

create policy "Bookings are viewable by members of their agency"
  on public.performance_tracking for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Bookings can be recorded by members of their agency"
  on public.performance_tracking for insert
  to authenticated
  with check (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Bookings can be updated by members of their agency"
  on public.performance_tracking for update
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())))
  with check (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Bookings can be deleted by admins and owners of their agency"
  on public.performance_tracking for delete
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user('admin'))));

grant select, delete on table public.performance_tracking to authenticated;
grant insert (
  id, agency_id, client_id, content_version_id, booking_ref, prospect_ref, awareness_level, variant,
  scheduled_call_at, time_zone, status, outcome, clicks, replies, opens
) on table public.performance_tracking to authenticated;
grant update (
  content_version_id, awareness_level, variant, scheduled_call_at, time_zone, status, outcome, clicks, replies, opens
) on table public.performance_tracking to authenticated;
grant select, insert, update, delete on table public.performance_tracking to service_role;
