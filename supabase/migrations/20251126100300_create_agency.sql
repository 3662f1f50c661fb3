/*
 * public.create_agency(name, slug): creates an agency on the starter plan (trialing) with the
 * signed-in user as its owner, and returns it.
 * Errors: 42501 when not signed in; 23505 (HTTP 409) when the slug is taken; 23514 (HTTP 400)
 * for a bad name or slug.
 */
create function private.create_agency(agency_name text, agency_slug text)
returns public.agencies
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller_id uuid := (select auth.uid());
  agency public.agencies;
begin
  if caller_id is null then
    raise exception 'sign in to create an agency' using errcode = '42501';
  end if;
  begin
    insert into public.agencies (name, slug, created_by)
    values (btrim(agency_name), lower(btrim(agency_slug)), caller_id)
    returning * into agency;
  exception when unique_violation then
    raise exception 'the agency address "%" is already taken', lower(btrim(agency_slug))
      using errcode = '23505', hint = 'Choose another slug.';
  end;
  insert into public.agency_members (agency_id, user_id, role) values (agency.id, caller_id, 'owner');
  return agency;
end;
$$;
revoke all on function private.create_agency(text, text) from public;
grant execute on function private.create_agency(text, text) to authenticated;

create function public.create_agency(name text, slug text)
returns public.agencies
language sql
security invoker
set search_path = ''
as $$
  select * from private.create_agency(name, slug);
$$;
revoke all on function public.create_agency(text, text) from public;
grant execute on function public.create_agency(text, text) to authenticated;
