/*
 * The agency settings screen: usage against the plan's limits, and the member list with
 * emails, for members of the agency only.
 */
begin;
select plan(5);
select tests.create_two_agencies();

select tests.authenticate_as('a_member');
select is(
  (select row(plan_id, clients_count, max_clients, analyses_this_month, max_analyses_per_month, seats_used, max_seats)::text
   from agency_usage),
  '(growth,1,20,1,50,3,3)',
  'a member sees their agency''s plan and usage against its limits'
);
select is((select count(*) from agency_usage where agency_id = tests.id('b.agency')), 0::bigint, 'but not another agency''s');
select is(
  (select array_agg(role || ' ' || split_part(email, '-', 1) order by role) from list_agency_members(tests.id('a.agency'))),
  array['admin a_admin', 'member a_member', 'owner a_owner'],
  'a member lists the agency''s members with their emails'
);
select is(tests.try(format('select * from list_agency_members(%L)', tests.id('b.agency'))),
  '42501: you are not a member of this agency', 'but not another agency''s');
select tests.clear_authentication();
select is(tests.try(format('select * from list_agency_members(%L)', tests.id('a.agency'))),
  '42501: permission denied for function list_agency_members', 'anon cannot list members');

select * from finish();
rollback;
