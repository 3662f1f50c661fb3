/*
 * Agencies (the tenants) and their members. Every tenant row in the schema carries the
 * agency_id of one agency; membership in agency_members is the only source of access.
 * Roles rank member < admin < owner:
 *   member: reads and works with clients, transcripts, analyses and content;
 *   admin:  also manages clients' settings and invitations, approves content, removes members;
 *   owner:  also the plan and member roles; an agency always keeps at least one owner.
 */
create table public.agencies (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug text not null,
  plan_id text not null default 'starter' references public.plans (id),
  subscription_status text not null default 'trialing',
  billing_customer_id text,
  billing_subscription_id text,
  current_period_ends_at timestamptz,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agencies_slug_is_taken unique (slug),
  constraint agencies_name_length check (char_length(btrim(name)) between 1 and 200),
  constraint agencies_name_is_plain_text check (private.is_single_line_text(name)),
  constraint agencies_slug_format check (
    char_length(slug) between 3 and 63 and slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'
  ),
  constraint agencies_subscription_status_is_known check (
    subscription_status in ('trialing', 'active', 'past_due', 'canceled')
  ),
  constraint agencies_billing_ids_length check (
    char_length(billing_customer_id) <= 255 and char_length(billing_subscription_id) <= 255
  )
);

comment on table public.agencies is 'Tenants. Created with public.create_agency(name, slug).';
comment on column public.agencies.slug is 'URL name: lower-case letters, digits and single hyphens, 3-63 characters.';
comment on column public.agencies.subscription_status is
  'Set by billing webhooks (service role). past_due and canceled lock new analyses; data is never deleted.';

create index agencies_plan_id_idx on public.agencies (plan_id);
create index agencies_created_by_idx on public.agencies (created_by);

create trigger set_updated_at
  before update on public.agencies
  for each row execute function private.set_updated_at();

create trigger keep_columns_unchanged
  before update on public.agencies
  for each row execute function private.keep_columns_unchanged('id', 'created_by', 'created_at');

create table public.agency_members (
  agency_id uuid not null references public.agencies (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null default 'member',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (agency_id, user_id),
  constraint agency_members_role_is_known check (role in ('owner', 'admin', 'member'))
);

comment on table public.agency_members is
  'Who belongs to which agency, with which role. Rows are created only by create_agency and accept_invitation.';

-- The helpers below look memberships up by user: user_id must lead an index.
create index agency_members_user_id_idx on public.agency_members (user_id) include (agency_id, role);

create trigger set_updated_at
  before update on public.agency_members
  for each row execute function private.set_updated_at();

create trigger keep_columns_unchanged
  before update on public.agency_members
  for each row execute function private.keep_columns_unchanged('agency_id', 'user_id', 'created_at');

/*
 * Role rank for comparisons: member 1 < admin 2 < owner 3 (NULL for anything else).
 */
create function private.role_rank(role text)
returns integer
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case role when 'member' then 1 when 'admin' then 2 when 'owner' then 3 end;
$$;

/*
 * The agencies the signed-in user belongs to with at least `minimum_role`. Policies call it
 * as `agency_id = any (array(select private.agency_ids_of_current_user()))`, so it runs once
 * per statement (InitPlan) and the agency_id index does the rest.
 */
create function private.agency_ids_of_current_user(minimum_role text default 'member')
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select member.agency_id
  from public.agency_members as member
  where member.user_id = (select auth.uid())
    and private.role_rank(member.role) >= private.role_rank(minimum_role);
$$;

/*
 * Whether the signed-in user belongs to `agency_id` with at least `minimum_role`.
 * For RPCs and triggers that look at one agency; policies use agency_ids_of_current_user.
 */
create function private.has_agency_role(agency_id uuid, minimum_role text default 'member')
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.agency_members as member
    where member.user_id = (select auth.uid())
      and member.agency_id = has_agency_role.agency_id
      and private.role_rank(member.role) >= private.role_rank(minimum_role)
  );
$$;

revoke all on function private.role_rank(text) from public;
revoke all on function private.agency_ids_of_current_user(text) from public;
revoke all on function private.has_agency_role(uuid, text) from public;
grant execute on function private.role_rank(text) to authenticated, service_role;
grant execute on function private.agency_ids_of_current_user(text) to authenticated, service_role;
grant execute on function private.has_agency_role(uuid, text) to authenticated, service_role;

/*
 * Locks an agency row against concurrent limit checks (clients, seats, analyses) and returns
 * its plan. FOR NO KEY UPDATE serialises the limit checks without blocking the foreign-key
 * checks of ordinary inserts that reference the agency.
 */
create function private.lock_agency_for_limits(agency_id uuid)
returns public.plans
language plpgsql
security definer
set search_path = ''
as $$
declare
  plan public.plans;
begin
  perform 1 from public.agencies as agency where agency.id = lock_agency_for_limits.agency_id
    for no key update;
  select p.* into plan
  from public.agencies as agency
  join public.plans as p on p.id = agency.plan_id
  where agency.id = lock_agency_for_limits.agency_id;
  return plan;
end;
$$;
revoke all on function private.lock_agency_for_limits(uuid) from public;

/*
 * Seat limit: a new member needs a free seat on the agency's plan. Runs with the agency row
 * locked, so concurrent accepts cannot overshoot.
 */
create function private.enforce_seat_limit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  plan public.plans := private.lock_agency_for_limits(new.agency_id);
  seats_taken integer;
begin
  select count(*) into seats_taken from public.agency_members where agency_id = new.agency_id;
  if seats_taken >= plan.max_seats then
    raise exception 'seat limit reached: the % plan allows % seats', plan.name, plan.max_seats
      using errcode = 'PT402',
            hint = 'Upgrade the plan or remove a member before adding another.';
  end if;
  return new;
end;
$$;
revoke all on function private.enforce_seat_limit() from public;

create trigger enforce_seat_limit
  before insert on public.agency_members
  for each row execute function private.enforce_seat_limit();

/*
 * An agency always keeps at least one owner: the last owner can be neither demoted nor
 * removed (deleting the whole agency is fine). The agency row is locked first, so two owners
 * demoting each other at the same time cannot both succeed.
 */
create function private.keep_one_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.role <> 'owner' or (tg_op = 'UPDATE' and new.role = 'owner') then
    return coalesce(new, old);
  end if;
  perform 1 from public.agencies where id = old.agency_id for no key update;
  if not found then
    return coalesce(new, old); -- the agency itself is being deleted
  end if;
  if not exists (
    select 1 from public.agency_members
    where agency_id = old.agency_id and role = 'owner' and user_id <> old.user_id
  ) then
    raise exception 'an agency must keep at least one owner'
      using errcode = 'PT409',
            hint = 'Make another member an owner first.';
  end if;
  return coalesce(new, old);
end;
$$;
revoke all on function private.keep_one_owner() from public;

create trigger keep_one_owner
  before update of role or delete on public.agency_members
  for each row execute function private.keep_one_owner();

/*
 * Only owners change the plan. (subscription_status and billing ids are not even updatable by
 * `authenticated`: only the billing webhooks, as service role, write them.)
 */
create function private.only_owners_change_the_plan()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.plan_id is distinct from old.plan_id
     and current_user = 'authenticated'
     and not private.has_agency_role(new.id, 'owner') then
    raise exception 'only owners can change the plan' using errcode = '42501';
  end if;
  return new;
end;
$$;
revoke all on function private.only_owners_change_the_plan() from public;

create trigger only_owners_change_the_plan
  before update of plan_id on public.agencies
  for each row execute function private.only_owners_change_the_plan();

-- Row level security -------------------------------------------------------------------------

alter table public.agencies enable row level security;
alter table public.agency_members enable row level security;

create policy "Agencies are viewable by their members"
  on public.agencies for select
  to authenticated
  using (id = any (array(select private.agency_ids_of_current_user())));

create policy "Agencies can be updated by their admins and owners"
  on public.agencies for update
  to authenticated
  using (id = any (array(select private.agency_ids_of_current_user('admin'))))
  with check (id = any (array(select private.agency_ids_of_current_user('admin'))));

create policy "Agencies can be deleted by their owners"
  on public.agencies for delete
  to authenticated
  using (id = any (array(select private.agency_ids_of_current_user('owner'))));

create policy "Memberships are viewable by members of the same agency"
  on public.agency_members for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Member roles can be changed by owners"
  on public.agency_members for update
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user('owner'))))
  with check (agency_id = any (array(select private.agency_ids_of_current_user('owner'))));

create policy "Members can leave or be removed by admins and owners"
  on public.agency_members for delete
  to authenticated
  using (
    user_id = (select auth.uid())
    or agency_id = any (array(select private.agency_ids_of_current_user('owner')))
    or (role = 'member' and agency_id = any (array(select private.agency_ids_of_current_user('admin'))))
  );

-- No INSERT policy on either table: agencies and memberships are created by create_agency and
-- accept_invitation only.
grant select, delete on table public.agencies to authenticated;
grant update (name, slug, plan_id) on table public.agencies to authenticated;
grant select, insert, update, delete on table public.agencies to service_role;

grant select, delete on table public.agency_members to authenticated;
grant update (role) on table public.agency_members to authenticated;
grant select, insert, update, delete on table public.agency_members to service_role;
