/*
 * Invitations to join an agency. The token is 30 random bytes (URL-safe base64), returned once
 * by create_invitation; only its SHA-256 is stored. Every invitation expires after 24 hours.
 *   one_time: accepted once, then inactive;   24_hour: any number of people within 24 hours.
 * An invitation with an email can only be accepted by a user whose confirmed email matches.
 * Seats are checked when an invitation is accepted (the agency row is locked), so a refused
 * accept leaves the invitation usable, e.g. after an upgrade.
 */
create table public.invitations (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null references public.agencies (id) on delete cascade,
  role text not null default 'member',
  invitation_type text not null default 'one_time',
  email text,
  token_hash bytea not null,
  invited_by uuid default auth.uid(),
  expires_at timestamptz not null default now() + interval '24 hours',
  accepted_by uuid,
  accepted_at timestamptz,
  created_at timestamptz not null default now(),
  constraint invitations_token_hash_is_unique unique (token_hash),
  constraint invitations_role_is_known check (role in ('owner', 'admin', 'member')),
  constraint invitations_type_is_known check (invitation_type in ('one_time', '24_hour')),
  constraint invitations_email_format check (
    char_length(email) <= 320 and email = lower(email) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'
  ),
  constraint invitations_token_hash_is_sha256 check (octet_length(token_hash) = 32),
  constraint invitations_expire_after_creation check (expires_at > created_at)
);

comment on table public.invitations is
  'Pending invitations. Create with create_invitation, accept with accept_invitation(token).';

create index invitations_agency_id_idx on public.invitations (agency_id);
create index invitations_invited_by_idx on public.invitations (invited_by);

create trigger keep_columns_unchanged
  before update on public.invitations
  for each row execute function private.keep_columns_unchanged(
    'id', 'agency_id', 'role', 'invitation_type', 'email', 'token_hash', 'invited_by', 'created_at'
  );

alter table public.invitations enable row level security;

create policy "Invitations are viewable by admins and owners of their agency"
  on public.invitations for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user('admin'))));

create policy "Invitations can be revoked by admins and owners of their agency"
  on public.invitations for delete
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user('admin'))));

grant select, delete on table public.invitations to authenticated;
grant select, insert, update, delete on table public.invitations to service_role;

/*
 * A URL-safe random token of `byte_count` random bytes.
 */
create function private.random_token(byte_count integer)
returns text
language sql
volatile
set search_path = ''
as $$
  select rtrim(translate(encode(extensions.gen_random_bytes(byte_count), 'base64'), E'+/\n', '-_'), '=');
$$;
revoke all on function private.random_token(integer) from public;

create function private.invitation_token_hash(token text)
returns bytea
language sql
immutable
set search_path = ''
as $$
  select extensions.digest(convert_to(coalesce(token, ''), 'UTF8'), 'sha256');
$$;
revoke all on function private.invitation_token_hash(text) from public;

/*
 * create_invitation: admins and owners invite; nobody invites above their own role.
 * Returns {id, token, expires_at}; the token is shown only here.
 */
create function private.create_invitation(
  target_agency_id uuid, invited_role text, kind text, invited_email text
)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  token text := private.random_token(30);
  invitation public.invitations;
begin
  if not private.has_agency_role(target_agency_id, 'admin') then
    raise exception 'only admins and owners of this agency can invite people' using errcode = '42501';
  end if;
  if private.role_rank(invited_role) > private.role_rank('admin')
     and not private.has_agency_role(target_agency_id, invited_role) then
    raise exception 'only owners can invite owners' using errcode = '42501';
  end if;
  insert into public.invitations (agency_id, role, invitation_type, email, token_hash, invited_by)
  values (
    target_agency_id, invited_role, kind, lower(btrim(invited_email)),
    private.invitation_token_hash(token), (select auth.uid())
  )
  returning * into invitation;
  return jsonb_build_object('id', invitation.id, 'token', token, 'expires_at', invitation.expires_at);
end;
$$;
revoke all on function private.create_invitation(uuid, text, text, text) from public;
grant execute on function private.create_invitation(uuid, text, text, text) to authenticated;

create function public.create_invitation(
  agency_id uuid, role text default 'member', invitation_type text default 'one_time', email text default null
)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
  select private.create_invitation(agency_id, role, invitation_type, email);
$$;
revoke all on function public.create_invitation(uuid, text, text, text) from public;
grant execute on function public.create_invitation(uuid, text, text, text) to authenticated;

/*
 * lookup_invitation: what an invitee may see before accepting. A fake, used or expired token
 * gives {"active": false} and nothing else.
 */
create function private.lookup_invitation(token text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(
    (
      select jsonb_build_object(
        'active', true,
        'agency_name', agency.name,
        'role', invitation.role,
        'email_bound', invitation.email is not null
      )
      from public.invitations as invitation
      join public.agencies as agency on agency.id = invitation.agency_id
      where invitation.token_hash = private.invitation_token_hash(lookup_invitation.token)
        and invitation.expires_at > now()
        and (invitation.invitation_type = '24_hour' or invitation.accepted_at is null)
    ),
    jsonb_build_object('active', false)
  );
$$;
revoke all on function private.lookup_invitation(text) from public;
grant execute on function private.lookup_invitation(text) to authenticated;

create function public.lookup_invitation(token text)
returns jsonb
language sql
stable
security invoker
set search_path = ''
as $$
  select private.lookup_invitation(token);
$$;
revoke all on function public.lookup_invitation(text) from public;
grant execute on function public.lookup_invitation(text) to authenticated;

/*
 * accept_invitation: joins the signed-in user to the invitation's agency with its role and
 * returns {agency_id, role, slug}.
 * Errors: PT404 invitation not found (fake, used or expired); 42501 email-bound to another
 * address; PT409 already a member; PT402 seat limit (the invitation stays usable).
 */
create function private.accept_invitation(token text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller_id uuid := (select auth.uid());
  invitation public.invitations;
  agency_slug text;
begin
  if caller_id is null then
    raise exception 'sign in to accept an invitation' using errcode = '42501';
  end if;
  -- Locking the row makes a concurrent second accept of a one_time invitation wait, then see
  -- it as used.
  select * into invitation
  from public.invitations as i
  where i.token_hash = private.invitation_token_hash(accept_invitation.token)
    and i.expires_at > now()
    and (i.invitation_type = '24_hour' or i.accepted_at is null)
  for update;
  if not found then
    raise exception 'invitation not found' using errcode = 'PT404',
      hint = 'The link may have expired or been used already; ask for a new invitation.';
  end if;
  if invitation.email is not null and not exists (
    select 1 from auth.users as u
    where u.id = caller_id and lower(u.email) = invitation.email and u.email_confirmed_at is not null
  ) then
    raise exception 'this invitation was sent to another email address' using errcode = '42501';
  end if;
  if exists (
    select 1 from public.agency_members as m where m.agency_id = invitation.agency_id and m.user_id = caller_id
  ) then
    raise exception 'you are already a member of this agency' using errcode = 'PT409';
  end if;
  insert into public.agency_members (agency_id, user_id, role)
  values (invitation.agency_id, caller_id, invitation.role);
  update public.invitations set accepted_by = caller_id, accepted_at = now() where id = invitation.id;
  select slug into agency_slug from public.agencies where id = invitation.agency_id;
  return jsonb_build_object('agency_id', invitation.agency_id, 'role', invitation.role, 'slug', agency_slug);
end;
$$;
revoke all on function private.accept_invitation(text) from public;
grant execute on function private.accept_invitation(text) to authenticated;

create function public.accept_invitation(token text)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
  select private.accept_invitation(token);
$$;
revoke all on function public.accept_invitation(text) from public;
grant execute on function public.accept_invitation(text) to authenticated;
