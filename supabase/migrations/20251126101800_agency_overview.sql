/*
 * What the agency settings screen shows.
 * - public.agency_usage (view): per agency the caller belongs to, the plan, the subscription
 *   status and usage against the plan's limits (clients, analyses this month in UTC, seats).
 * - public.list_agency_members(agency_id): the agency's members with their email and name
 *   (auth.users is not exposed, so this reads it on the member's behalf).
 *   Errors: 42501 when the caller is not a member of the agency.
 */
create view public.agency_usage
with (security_invoker = true)
as
select
  agency.id as agency_id,
  agency.plan_id,
  plan.name as plan_name,
  agency.subscription_status,
  (select count(*) from public.clients as client where client.agency_id = agency.id) as clients_count,
  plan.max_clients,
  (select count(*) from public.usage_tracking as usage
   where usage.agency_id = agency.id and usage.action = 'analysis_started'
     and usage.occurred_at >= (date_trunc('month', now() at time zone 'utc') at time zone 'utc')) as analyses_this_month,
  plan.max_analyses_per_month,
  (select count(*) from public.agency_members as member where member.agency_id = agency.id) as seats_used,
  plan.max_seats,
  plan.white_label
from public.agencies as agency
join public.plans as plan on plan.id = agency.plan_id;

comment on view public.agency_usage is 'Plan and usage against its limits, per agency the caller belongs to (NULL limit = unlimited).';

grant select on public.agency_usage to authenticated, service_role;

create function private.list_agency_members(target_agency_id uuid)
returns table (user_id uuid, email text, full_name text, role text, joined_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  if not private.has_agency_role(target_agency_id, 'member') then
    raise exception 'you are not a member of this agency' using errcode = '42501';
  end if;
  return query
    select member.user_id, u.email::text, (u.raw_user_meta_data ->> 'full_name')::text, member.role, member.created_at
    from public.agency_members as member
    join auth.users as u on u.id = member.user_id
    where member.agency_id = target_agency_id
    order by private.role_rank(member.role) desc, member.created_at;
end;
$$;
revoke all on function private.list_agency_members(uuid) from public;
grant execute on function private.list_agency_members(uuid) to authenticated;

create function public.list_agency_members(agency_id uuid)
returns table (user_id uuid, email text, full_name text, role text, joined_at timestamptz)
language sql
stable
security invoker
set search_path = ''
as $$
  select * from private.list_agency_members(agency_id);
$$;
revoke all on function public.list_agency_members(uuid) from public;
grant execute on function public.list_agency_members(uuid) to authenticated;
