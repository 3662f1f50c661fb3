/*
 * Invitations (security-tests.md case 20 and the seat limit of case 19, without the race):
 * tokens are shown once and stored hashed; one_time tokens work once; expired and fake tokens
 * are "not found"; email-bound invitations need the matching confirmed email; a full agency
 * refuses the accept and keeps the invitation usable.
 */
begin;
select plan(26);
select tests.create_two_agencies();
do $$
begin
  perform tests.create_supabase_user('invitee_1');
  perform tests.create_supabase_user('invitee_2');
  perform tests.create_supabase_user('pat', 'pat@example.com');
  perform tests.create_supabase_user('not_pat', 'someone.else@example.com');
  perform tests.create_supabase_user('unconfirmed_pat', 'pat.unconfirmed@example.com');
  update auth.users set email_confirmed_at = null where email = 'pat.unconfirmed@example.com';
  -- Agency A has a free seat for most of this file.
  update public.agencies set plan_id = 'agency' where id = tests.id('a.agency');
end
$$;

-- A one_time invitation.
select tests.authenticate_as('a_admin');
create temporary table invitation on commit drop as
  select create_invitation(tests.id('a.agency'), 'member') as created;
grant select on invitation to authenticated;
select ok((select created ->> 'token' ~ '^[A-Za-z0-9_-]{40}$' from invitation), 'the token is 30 random bytes, URL-safe');
select is(
  (select count(*) from invitations where token_hash = sha256(convert_to((select created ->> 'token' from invitation), 'UTF8'))),
  1::bigint,
  'only the token''s SHA-256 is stored'
);

select tests.authenticate_as('invitee_1');
select is(
  lookup_invitation((select created ->> 'token' from invitation)),
  jsonb_build_object('active', true, 'agency_name', 'Test Agency A', 'role', 'member', 'email_bound', false),
  'the invitee sees the agency name and role before accepting'
);
select is(
  lookup_invitation('not-a-real-token'),
  '{"active": false}'::jsonb,
  'a fake token looks up as inactive, with no detail'
);
select is(
  accept_invitation((select created ->> 'token' from invitation)) - 'agency_id',
  '{"role": "member", "slug": "test-agency-a"}'::jsonb,
  'the invitee accepts and joins as member'
);
select is((select count(*) from clients where agency_id = tests.id('a.agency')), 1::bigint, 'and now sees the agency''s clients');
select is(tests.try(format('select accept_invitation(%L)', (select created ->> 'token' from invitation))),
  'PT404: invitation not found', 'the used token is gone, even for the person who used it');

select tests.authenticate_as('invitee_2');
select is(tests.try(format('select accept_invitation(%L)', (select created ->> 'token' from invitation))),
  'PT404: invitation not found', 'a one_time token accepted a second time is not found');
select is(lookup_invitation((select created ->> 'token' from invitation)), '{"active": false}'::jsonb, 'and looks up as inactive');
select is(tests.try($$select accept_invitation('not-a-real-token')$$), 'PT404: invitation not found', 'a fake token is not found');

-- An invitation past its 24 hours (created 25 hours ago).
reset role;
insert into invitations (agency_id, role, token_hash, invited_by, created_at, expires_at)
values (tests.id('a.agency'), 'member', sha256(convert_to('stale-token', 'UTF8')), tests.id('a.owner'),
        now() - interval '25 hours', now() - interval '1 hour');
select tests.authenticate_as('invitee_2');
select is(tests.try($$select accept_invitation('stale-token')$$), 'PT404: invitation not found', 'an expired invitation is not found');
select is(lookup_invitation('stale-token'), '{"active": false}'::jsonb, 'and looks up as inactive');

-- A 24_hour invitation can be used by several people.
select tests.authenticate_as('a_owner');
create temporary table shared_invitation on commit drop as
  select create_invitation(tests.id('a.agency'), 'member', '24_hour') as created;
grant select on shared_invitation to authenticated;
select tests.authenticate_as('invitee_2');
select is(accept_invitation((select created ->> 'token' from shared_invitation)) ->> 'role', 'member', 'a 24_hour invitation lets one person in');
select is(tests.try(format('select accept_invitation(%L)', (select created ->> 'token' from shared_invitation))),
  'PT409: you are already a member of this agency', 'accepting it again says already a member');
select tests.authenticate_as('unconfirmed_pat');
select is(accept_invitation((select created ->> 'token' from shared_invitation)) ->> 'role', 'member', 'and another');

-- An email-bound invitation.
select tests.authenticate_as('a_owner');
create temporary table bound_invitation on commit drop as
  select create_invitation(tests.id('a.agency'), 'admin', 'one_time', 'Pat@Example.com') as created;
grant select on bound_invitation to authenticated;
select is((select email from invitations where id = (select (created ->> 'id')::uuid from bound_invitation)), 'pat@example.com', 'the email is stored lower-case');
select tests.authenticate_as('not_pat');
select is(tests.try(format('select accept_invitation(%L)', (select created ->> 'token' from bound_invitation))),
  '42501: this invitation was sent to another email address', 'another verified email cannot accept it');
select tests.authenticate_as('pat');
select is(accept_invitation((select created ->> 'token' from bound_invitation)) ->> 'role', 'admin', 'the invited email accepts it');

-- Revoking.
select tests.authenticate_as('a_member');
select is(tests.try(format('delete from invitations where id = %L', tests.id('a.invitation'))), '0 rows', 'a member cannot revoke invitations');
select tests.authenticate_as('a_admin');
select is(tests.try(format('delete from invitations where id = %L', tests.id('a.invitation'))), '1 rows', 'an admin revokes an invitation');

-- Seat limit: agency B (growth, 3 seats) is full.
select tests.authenticate_as('b_owner');
create temporary table full_invitation on commit drop as
  select create_invitation(tests.id('b.agency'), 'member') as created;
grant select on full_invitation to authenticated;
select tests.authenticate_as('invitee_1');
select is(tests.try(format('select accept_invitation(%L)', (select created ->> 'token' from full_invitation))),
  'PT402: seat limit reached: the Growth plan allows 3 seats', 'a full agency refuses the accept with the plan''s seat limit');
select is((lookup_invitation((select created ->> 'token' from full_invitation))) ->> 'active', 'true', 'the invitation stays usable');
reset role;
update agencies set plan_id = 'agency' where id = tests.id('b.agency');
select tests.authenticate_as('invitee_1');
select is(accept_invitation((select created ->> 'token' from full_invitation)) ->> 'role', 'member', 'after an upgrade the same invitation works');

-- anon can do nothing with invitations.
select tests.clear_authentication();
select is(tests.try($$select lookup_invitation('x')$$), '42501: permission denied for function lookup_invitation', 'anon cannot look invitations up');
select is(tests.try('select * from invitations'), '42501: permission denied for table invitations', 'anon cannot read invitations');

-- The Starter plan has one seat, and the message says so in the singular.
reset role;
create temporary table solo on commit drop as
  select tests.create_agency('solo_owner', 'solo-agency', 'starter') as agency_id;
grant select on solo to authenticated;
select tests.authenticate_as('solo_owner');
create temporary table solo_invitation on commit drop as
  select create_invitation((select agency_id from solo), 'member') as created;
grant select on solo_invitation to authenticated;
select tests.authenticate_as('invitee_1');
select is(tests.try(format('select accept_invitation(%L)', (select created ->> 'token' from solo_invitation))),
  'PT402: seat limit reached: the Starter plan allows 1 seat', 'a one-seat plan says "1 seat"');

select * from finish();
rollback;
