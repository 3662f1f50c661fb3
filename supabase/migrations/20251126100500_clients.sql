/*
 * Clients: the agency's client businesses, with the onboarding profile and questionnaire of
 * PRODUCT.md (workflow step 1) as structured, checked columns. Members read them; admins and
 * owners create, edit and delete them. The plan's client limit is enforced on insert with the
 * agency row locked. `status` and `last_activity_at` are kept current by triggers on
 * transcripts, analysis jobs and content versions.
 */
create table public.clients (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references public.agencies (id) on delete cascade,
  name text not null,
  status text not null default 'onboarding',
  industry text,
  offer text,
  price_min_cents bigint,
  price_max_cents bigint,
  currency text not null default 'usd',
  current_show_rate numeric(4, 3),
  target_show_rate numeric(4, 3),
  who_books text,
  booking_lead_time_hours integer,
  current_reminders text,
  competitors text[] not null default '{}',
  banned_words text[] not null default '{}',
  notes text,
  last_activity_at timestamptz not null default now(),
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Composite foreign keys of child tables point here, so no child can reference a client of
  -- another agency.
  constraint clients_id_agency_id_key unique (id, agency_id),
  constraint clients_name_length check (char_length(btrim(name)) between 1 and 200),
  constraint clients_name_is_plain_text check (private.is_single_line_text(name)),
  constraint clients_status_is_known check (status in ('onboarding', 'analyzing', 'ready', 'live')),
  constraint clients_industry_length check (char_length(industry) <= 100 and private.is_single_line_text(industry)),
  constraint clients_offer_length check (char_length(offer) <= 2000 and private.is_multi_line_text(offer)),
  constraint clients_price_range_is_valid check (
    price_min_cents >= 0 and price_max_cents >= 0 and price_min_cents <= price_max_cents
  ),
  constraint clients_currency_is_iso_code check (currency ~ '^[a-z]{3}$'),
  constraint clients_current_show_rate_between_0_and_1 check (current_show_rate between 0 and 1),
  constraint clients_target_show_rate_between_0_and_1 check (target_show_rate between 0 and 1),
  constraint clients_who_books_is_known check (who_books in ('prospect', 'setter', 'closer', 'assistant', 'other')),
  constraint clients_booking_lead_time_is_at_most_a_year check (booking_lead_time_hours between 0 and 8760),
  constraint clients_current_reminders_length check (
    char_length(current_reminders) <= 2000 and private.is_multi_line_text(current_reminders)
  ),
  constraint clients_competitors_are_short_names check (private.is_short_text_list(competitors, 50, 200)),
  constraint clients_banned_words_are_short check (private.is_short_text_list(banned_words, 200, 100)),
  constraint clients_notes_length check (char_length(notes) <= 5000 and private.is_multi_line_text(notes))
);

comment on table public.clients is 'An agency''s client business with its onboarding profile.';
comment on column public.clients.who_books is 'Who books the sales call: prospect (self-serve link), setter, closer, assistant, other.';
comment on column public.clients.booking_lead_time_hours is 'How far ahead calls are typically booked.';
comment on column public.clients.current_reminders is 'What the client sends before calls today.';
comment on column public.clients.banned_words is 'Words the client never wants used in generated content.';

create index clients_agency_id_idx on public.clients (agency_id, last_activity_at desc);
create index clients_created_by_idx on public.clients (created_by);

create trigger set_updated_at
  before update on public.clients
  for each row execute function private.set_updated_at();

create trigger keep_columns_unchanged
  before update on public.clients
  for each row execute function private.keep_columns_unchanged('id', 'agency_id', 'created_by', 'created_at');

/*
 * Client limit of the plan, with the agency row locked so concurrent inserts cannot overshoot.
 * Inserts by non-members skip the count: row level security refuses them right after.
 */
create function private.enforce_client_limit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  plan public.plans;
  client_count integer;
begin
  if (select auth.uid()) is not null and not private.has_agency_role(new.agency_id, 'member') then
    return new;
  end if;
  plan := private.lock_agency_for_limits(new.agency_id);
  if plan.max_clients is null then
    return new;
  end if;
  select count(*) into client_count from public.clients where agency_id = new.agency_id;
  if client_count >= plan.max_clients then
    raise exception 'client limit reached: the % plan allows % clients', plan.name, plan.max_clients
      using errcode = 'PT402',
            hint = 'Upgrade the plan or delete a client before adding another.';
  end if;
  return new;
end;
$$;
revoke all on function private.enforce_client_limit() from public;

create trigger enforce_client_limit
  before insert on public.clients
  for each row execute function private.enforce_client_limit();

/*
 * Marks clients as recently active. Statement-level trigger for tables with a client_id
 * column, reading the transition table `changed_rows`.
 */
create function private.touch_clients_of_changed_rows()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.clients
  set last_activity_at = now()
  where id in (select distinct client_id from changed_rows)
    and last_activity_at < now();
  return null;
end;
$$;
revoke all on function private.touch_clients_of_changed_rows() from public;

alter table public.clients enable row level security;

create policy "Clients are viewable by members of their agency"
  on public.clients for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Clients can be created by admins and owners of their agency"
  on public.clients for insert
  to authenticated
  with check (agency_id = any (array(select private.agency_ids_of_current_user('admin'))));

create policy "Clients can be updated by admins and owners of their agency"
  on public.clients for update
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user('admin'))))
  with check (agency_id = any (array(select private.agency_ids_of_current_user('admin'))));

create policy "Clients can be deleted by admins and owners of their agency"
  on public.clients for delete
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user('admin'))));

grant select, delete on table public.clients to authenticated;
grant insert (
  id, agency_id, name, industry, offer, price_min_cents, price_max_cents, currency,
  current_show_rate, target_show_rate, who_books, booking_lead_time_hours, current_reminders,
  competitors, banned_words, notes
) on table public.clients to authenticated;
grant update (
  name, status, industry, offer, price_min_cents, price_max_cents, currency,
  current_show_rate, target_show_rate, who_books, booking_lead_time_hours, current_reminders,
  competitors, banned_words, notes
) on table public.clients to authenticated;
grant select, insert, update, delete on table public.clients to service_role;
