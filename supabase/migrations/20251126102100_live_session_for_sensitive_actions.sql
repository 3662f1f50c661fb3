/*
 * Sensitive actions need a live session (security-tests.md case 25).
 *
 * After a sign-out, or a password change that ends the other sessions, an access token stays
 * valid until it expires (up to an hour): it still reads ordinary data, as on hosted Supabase.
 * The actions that hand out or take away power check that the token's session still exists:
 * changing the plan, deleting the agency, changing a member's role,
 * removing a member (or leaving) and inviting people.
 *
 * A token without a `session_id` claim is not a person's sign-in (GoTrue names the session in
 * every token it issues); only a holder of the JWT secret can make one (the service role, the
 * billing webhook), and it passes.
 */

create function private.current_session_is_live()
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  session_claim text := (select auth.jwt()) ->> 'session_id';
begin
  if session_claim is null then
    return true;
  end if;
  if session_claim !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    return false;
  end if;
  return exists (
    select 1
    from auth.sessions as session
    where session.id = session_claim::uuid
      and session.user_id = (select auth.uid())
      and (session.not_after is null or session.not_after > now())
  );
end;
$$;
revoke all on function private.current_session_is_live() from public;
grant execute on function private.current_session_is_live() to authenticated, service_role;

comment on function private.current_session_is_live() is
  'Whether the caller''s token names a session that still exists (true for tokens that name none).';

create function private.require_live_session()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if not private.current_session_is_live() then
    raise exception 'your session has ended: sign in again to do this'
      using errcode = '42501',
            hint = 'Signing out (or changing the password) ends a session; this action needs a current one.';
  end if;
  if tg_op = 'DELETE' then
    return old;
  end if;
  return new;
end;
$$;
revoke all on function private.require_live_session() from public;

create trigger require_live_session
  before update of plan_id or delete on public.agencies
  for each row execute function private.require_live_session();

create trigger require_live_session
  before update of role or delete on public.agency_members
  for each row execute function private.require_live_session();

create trigger require_live_session
  before insert on public.invitations
  for each row execute function private.require_live_session();
