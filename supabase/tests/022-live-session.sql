/*
 * Sensitive actions need a live session (security-tests.md case 25): once a session has ended
 * (sign-out everywhere, a password change elsewhere, an expired time box), its still-unexpired
 * access token reads ordinary data but can no longer change the plan, delete the agency,
 * change roles, remove members or invite people. Tokens that name no session (minted with the
 * JWT secret: the service role, webhooks) are not affected.
 */
begin;
select plan(16);
select tests.create_two_agencies();

-- With a live session, the owner may do all of it (checked on one action; 020-roles has more).
select tests.authenticate_as('a_owner');
select is(tests.try(format($$update agency_members set role = 'admin' where user_id = %L and agency_id = %L$$,
  tests.id('a.member'), tests.id('a.agency'))), '1 rows', 'a live session changes a role');

-- The owner signs out everywhere: GoTrue deletes their sessions.
reset role;
delete from auth.sessions where user_id = tests.id('a.owner');
select tests.authenticate_as('a_owner');

select is((select count(*) from clients where agency_id = tests.id('a.agency')), 1::bigint,
  'the ended session''s token still reads ordinary data until it expires');
select is(tests.try(format($$update agencies set name = 'Renamed' where id = %L$$, tests.id('a.agency'))),
  '1 rows', 'and still edits ordinary things (the agency''s name)');

select is(tests.try(format($$update agencies set plan_id = 'agency' where id = %L$$, tests.id('a.agency'))),
  '42501: your session has ended: sign in again to do this', 'it cannot change the plan');
select is(tests.try(format($$delete from agencies where id = %L$$, tests.id('a.agency'))),
  '42501: your session has ended: sign in again to do this', 'nor delete the agency');
select is(tests.try(format($$update agency_members set role = 'owner' where user_id = %L and agency_id = %L$$,
  tests.id('a.admin'), tests.id('a.agency'))),
  '42501: your session has ended: sign in again to do this', 'nor change a role');
select is(tests.try(format($$delete from agency_members where user_id = %L and agency_id = %L$$,
  tests.id('a.member'), tests.id('a.agency'))),
  '42501: your session has ended: sign in again to do this', 'nor remove a member');
select is(tests.try(format($$select create_invitation(%L, 'admin')$$, tests.id('a.agency'))),
  '42501: your session has ended: sign in again to do this', 'nor invite anyone');

reset role;
select is(
  (select agency.plan_id || '/' || agency.subscription_status || '/' ||
     (select count(*) from agency_members where agency_id = agency.id) || '/' ||
     (select count(*) from invitations where agency_id = agency.id)
   from agencies as agency where agency.id = tests.id('a.agency')),
  'growth/active/3/1',
  'nothing changed: plan, status, members and invitations as before'
);

-- Another member's live session is not affected by the owner's sign-out.
select tests.authenticate_as('a_admin');
select is(tests.try(format($$select create_invitation(%L, 'member')$$, tests.id('a.agency'))),
  '1 rows', 'an admin with a live session still invites');

-- A session past its time box (not_after) has ended too.
reset role;
update auth.sessions set not_after = now() - interval '1 second' where user_id = tests.id('b.owner');
select tests.authenticate_as('b_owner');
select is(tests.try(format($$delete from agency_members where user_id = %L and agency_id = %L$$,
  tests.id('b.member'), tests.id('b.agency'))),
  '42501: your session has ended: sign in again to do this', 'a session past its time box cannot remove members');

-- A session of someone else does not count: the claim must name the caller's own session.
select set_config('request.jwt.claims',
  (tests.jwt_claims('b_owner') || jsonb_build_object('session_id',
    (select session_id from tests.users where identifier = 'b_admin')))::text, true);
select is(tests.try(format($$update agencies set plan_id = 'agency' where id = %L$$, tests.id('b.agency'))),
  '42501: your session has ended: sign in again to do this', 'another user''s session id does not pass');

-- A malformed session id is refused, not an error of another kind.
select set_config('request.jwt.claims',
  (tests.jwt_claims('b_owner') || '{"session_id": "not-a-uuid"}')::jsonb::text, true);
select is(tests.try(format($$update agencies set plan_id = 'agency' where id = %L$$, tests.id('b.agency'))),
  '42501: your session has ended: sign in again to do this', 'a malformed session id does not pass');

-- Tokens that name no session: the service role (e.g. the billing webhook).
select tests.authenticate_as_service_role();
select is(tests.try(format($$update agencies set subscription_status = 'past_due' where id = %L$$, tests.id('b.agency'))),
  '1 rows', 'the service role changes the billing status');

-- The check itself, as the API roles call it.
select tests.authenticate_as('a_admin');
select is(private.current_session_is_live(), true, 'a live session is live');
select tests.authenticate_as('a_owner');
select is(private.current_session_is_live(), false, 'an ended session is not');

select * from finish();
rollback;
