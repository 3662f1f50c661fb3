/*
 * The role matrix (security-tests.md cases 6, 7, 11, 12): what a member, an admin and an owner
 * may do to members, invitations, the plan and the agency; creating an agency; the last
 * owner; claims in user_metadata; a removed member's still-valid token.
 */
begin;
select plan(42);
select tests.create_two_agencies();
do $$
begin
  perform tests.create_supabase_user('newcomer');
  perform tests.create_supabase_user('metadata_forger', null, null,
    jsonb_build_object('agency_id', tests.id('b.agency'), 'role', 'owner', 'agency_role', 'owner'));
end
$$;

-- Creating an agency.
select tests.authenticate_as('newcomer');
select is((select slug from create_agency('Fresh Leads', 'fresh-leads')), 'fresh-leads', 'a signed-in user creates an agency');
select is(
  (select role from agency_members where user_id = tests.get_supabase_uid('newcomer')),
  'owner',
  'the creator is its owner'
);
select is(
  (select plan_id || '/' || subscription_status from agencies where slug = 'fresh-leads'),
  'starter/trialing',
  'a new agency starts on the starter plan, trialing'
);
select is(tests.try($$select create_agency('Copycat', 'fresh-leads')$$),
  '23505: the agency address "fresh-leads" is already taken', 'a taken slug is refused with 409');
select is(tests.try($$select create_agency('Bad', 'Not A Slug')$$),
  '23514: new row for relation "agencies" violates check constraint "agencies_slug_format"', 'a malformed slug is refused');
select tests.clear_authentication();
select is(tests.try($$select create_agency('Anon Inc', 'anon-inc')$$),
  '42501: permission denied for function create_agency', 'anon cannot create agencies');

-- A member.
select tests.authenticate_as('a_member');
select is(tests.try(format($$select create_invitation(%L, 'member')$$, tests.id('a.agency'))),
  '42501: only admins and owners of this agency can invite people', 'a member cannot invite');
select is(tests.try(format($$update agency_members set role = 'owner' where user_id = %L$$, tests.id('a.member'))),
  '0 rows', 'a member cannot promote themselves (case 7)');
select is(tests.try(format($$update agency_members set role = 'member' where user_id = %L and agency_id = %L$$, tests.id('a.admin'), tests.id('a.agency'))),
  '0 rows', 'a member cannot change roles');
select is(tests.try(format($$delete from agency_members where user_id = %L$$, tests.id('a.admin'))),
  '0 rows', 'a member cannot remove others');
select is(tests.try(format($$update agencies set plan_id = 'agency' where id = %L$$, tests.id('a.agency'))),
  '0 rows', 'a member cannot change the plan');
select is(tests.try(format($$update agencies set name = 'Renamed' where id = %L$$, tests.id('a.agency'))),
  '0 rows', 'a member cannot rename the agency');
select is(tests.try(format($$delete from agencies where id = %L$$, tests.id('a.agency'))),
  '0 rows', 'a member cannot delete the agency');
select is(tests.try(format($$update clients set target_show_rate = 0.9 where id = %L$$, tests.id('a.client'))),
  '0 rows', 'a member cannot change a client''s settings');
select is(tests.try('select count(*) from invitations'), '1 rows', 'a member''s query on invitations runs');
select is((select count(*) from invitations), 0::bigint, 'but a member sees no invitations');

-- An admin.
select tests.authenticate_as('a_admin');
select is(tests.try(format($$select create_invitation(%L, 'admin')$$, tests.id('a.agency'))),
  '1 rows', 'an admin invites an admin');
select is(tests.try(format($$select create_invitation(%L, 'owner')$$, tests.id('a.agency'))),
  '42501: only owners can invite owners', 'an admin cannot invite an owner');
select is((select count(*) from invitations where agency_id = tests.id('a.agency')), 2::bigint, 'an admin sees the agency''s invitations');
select is(tests.try(format($$update agency_members set role = 'owner' where user_id = %L$$, tests.id('a.admin'))),
  '0 rows', 'an admin cannot promote themselves');
select is(tests.try(format($$delete from agency_members where user_id = %L$$, tests.id('a.owner'))),
  '0 rows', 'an admin cannot remove the owner');
select is(tests.try(format($$update agencies set plan_id = 'agency' where id = %L$$, tests.id('a.agency'))),
  '42501: only owners can change the plan', 'an admin cannot change the plan');
select is(tests.try(format($$update agencies set subscription_status = 'active' where id = %L$$, tests.id('a.agency'))),
  '42501: permission denied for table agencies', 'an admin cannot touch billing');
select is(tests.try(format($$update agencies set name = 'Agency A, Renamed' where id = %L$$, tests.id('a.agency'))),
  '1 rows', 'an admin renames the agency');
select is(tests.try(format($$update clients set target_show_rate = 0.9 where id = %L$$, tests.id('a.client'))),
  '1 rows', 'an admin changes a client''s settings');
select is(tests.try(format($$delete from agencies where id = %L$$, tests.id('a.agency'))),
  '0 rows', 'an admin cannot delete the agency');
select is(tests.try(format($$delete from agency_members where user_id = %L$$, tests.id('a.member'))),
  '1 rows', 'an admin removes a member');

-- The owner.
select tests.authenticate_as('a_owner');
select is(tests.try(format($$update agencies set subscription_status = 'active', billing_customer_id = 'cus_1' where id = %L$$, tests.id('a.agency'))),
  '42501: permission denied for table agencies', 'not even the owner writes the subscription status (only billing webhooks)');
select is(tests.try(format($$update agencies set plan_id = 'agency' where id = %L$$, tests.id('a.agency'))),
  '1 rows', 'the owner changes the plan');
select is(tests.try(format($$select create_invitation(%L, 'owner')$$, tests.id('a.agency'))),
  '1 rows', 'the owner invites an owner');
select is(tests.try(format($$update agency_members set role = 'member' where user_id = %L$$, tests.id('a.admin'))),
  '1 rows', 'the owner changes roles');
select is(tests.try(format($$update agency_members set role = 'admin' where user_id = %L$$, tests.id('a.owner'))),
  'PT409: an agency must keep at least one owner', 'the last owner cannot step down');
select is(tests.try(format($$delete from agency_members where user_id = %L and agency_id = %L$$, tests.id('a.owner'), tests.id('a.agency'))),
  'PT409: an agency must keep at least one owner', 'the last owner cannot leave');
select is(tests.try(format($$update agency_members set role = 'owner' where user_id = %L$$, tests.id('a.admin'))),
  '1 rows', 'the owner makes someone else an owner');
select is(tests.try(format($$update agency_members set role = 'admin' where user_id = %L$$, tests.id('a.owner'))),
  '1 rows', 'then the former owner can step down');

-- Claims in user_metadata give nothing (case 11).
select tests.authenticate_as('metadata_forger');
select is(
  (select count(*) from (
     select id from agencies union all select id from clients union all select id from transcripts
     union all select id from content_versions) as visible),
  0::bigint,
  'a user whose user_metadata names agency B as owner sees nothing'
);
select is(tests.try(format($$update agencies set name = 'Forged' where id = %L$$, tests.id('b.agency'))),
  '0 rows', 'and can change nothing in B');

-- A removed member's token stops working at once (case 12): access is read from the table.
select tests.authenticate_as('b_member');
select is((select count(*) from transcripts where agency_id = tests.id('b.agency')), 1::bigint, 'B''s member reads B''s transcripts');
select tests.authenticate_as('b_owner');
select is(tests.try(format($$delete from agency_members where user_id = %L$$, tests.id('b.member'))), '1 rows', 'B''s owner removes the member');
select tests.authenticate_as('b_member');
select is(
  (select count(*) from (
     select id from transcripts union all select id from clients union all select id from analysis_jobs) as visible),
  0::bigint,
  'with the same claims, the removed member now sees nothing'
);

-- Deleting the agency takes its memberships with it.
select tests.authenticate_as('b_owner');
select is(tests.try(format($$delete from agencies where id = %L$$, tests.id('b.agency'))), '1 rows', 'the owner deletes the agency');
select tests.authenticate_as_service_role();
select is((select count(*) from agency_members where agency_id = tests.id('b.agency')), 0::bigint, 'its memberships are gone with it');

select * from finish();
rollback;
