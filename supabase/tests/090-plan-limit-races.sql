/*
 * Plan limits under real concurrency (security-tests.md cases 17-19), and concurrent saves of
 * one piece of content. The other connections
 * only see committed data, so the setup below commits (before `begin`) and the end of the file
 * deletes it again. tests.run_concurrently opens one connection per attempt through dblink,
 * holds them all behind a lock on the agency row, then releases them at once.
 */

-- Leftovers of an interrupted earlier run.
delete from public.agencies where slug like 'race-%';
delete from auth.users where id in (select id from tests.users where identifier like 'race\_%');
delete from tests.users where identifier like 'race\_%';
delete from tests.fixture where name like 'race.%';

-- Committed setup.
do $$
declare
  analyses_agency uuid := tests.create_agency('race_owner', 'race-analyses', 'starter');
  clients_agency uuid := tests.create_agency('race_client_owner', 'race-clients', 'starter');
  seats_agency uuid := tests.create_agency('race_seat_owner', 'race-seats', 'growth');
  client_id uuid;
begin
  -- Case 17: a starter agency with 9 of its 10 monthly analyses used.
  insert into public.clients (agency_id, name) values (analyses_agency, 'Race Client') returning id into client_id;
  insert into public.transcripts (agency_id, client_id, file_name, content_sha256, size_bytes, parse_status, canonical)
  values (analyses_agency, client_id, 'race.txt', repeat('f', 64), 10, 'parsed', '{}');
  insert into public.usage_tracking (agency_id, action) select analyses_agency, 'analysis_started' from generate_series(1, 9);
  -- Concurrent saves of one piece of content.
  insert into public.content_versions (agency_id, client_id, awareness_level, content_type, body)
  values (analyses_agency, client_id, 'problem', 'sms', '{"messages": ["v1"]}');
  -- Case 18: a starter agency with 4 of its 5 clients.
  insert into public.clients (agency_id, name) select clients_agency, 'Client ' || n from generate_series(1, 4) as n;
  -- Case 19: a growth agency with 2 of its 3 seats taken, and two invitations out.
  perform tests.add_member(seats_agency, 'race_seat_member', 'member');
  perform tests.create_supabase_user('race_joiner_1');
  perform tests.create_supabase_user('race_joiner_2');
  insert into public.invitations (agency_id, role, token_hash, invited_by)
  values (seats_agency, 'member', sha256(convert_to('race-token-1', 'UTF8')), tests.get_supabase_uid('race_seat_owner')),
         (seats_agency, 'member', sha256(convert_to('race-token-2', 'UTF8')), tests.get_supabase_uid('race_seat_owner'));
  insert into tests.fixture values
    ('race.analyses_agency', analyses_agency), ('race.client', client_id),
    ('race.clients_agency', clients_agency), ('race.seats_agency', seats_agency);
end
$$;

begin;
select plan(13);

-- Case 17: 10 concurrent starts with 1 analysis left.
create temporary table analysis_race on commit drop as
select * from tests.run_concurrently(
  array(select format('select id::text from public.start_analysis(%L)', tests.id('race.client')) from generate_series(1, 10)),
  array_fill('race_owner'::text, array[10]),
  format('select 1 from public.agencies where id = %L for update', tests.id('race.analyses_agency'))
);
select is((select count(*) from analysis_race where outcome like 'ok: %'), 1::bigint, '10 concurrent starts with 1 analysis left: exactly one starts');
select is(
  (select count(*) from analysis_race
   where outcome = 'PT402: monthly analysis limit reached: the Starter plan allows 10 analyses per month'),
  9::bigint,
  'the other 9 get the plan-limit error'
);
select is(
  (select count(*) from usage_tracking where agency_id = tests.id('race.analyses_agency') and action = 'analysis_started'),
  10::bigint,
  'the stored count is exactly 10'
);

-- Case 18: client limit.
create temporary table client_race on commit drop as
select * from tests.run_concurrently(
  array(select format($$insert into public.clients (agency_id, name) values (%L, 'Concurrent %s') returning name$$, tests.id('race.clients_agency'), n)
        from generate_series(1, 3) as n),
  array_fill('race_client_owner'::text, array[3]),
  format('select 1 from public.agencies where id = %L for update', tests.id('race.clients_agency'))
);
select is((select count(*) from client_race where outcome like 'ok: %'), 1::bigint, '3 concurrent inserts with 1 client slot left: exactly one succeeds');
select is((select count(*) from client_race where outcome = 'PT402: client limit reached: the Starter plan allows 5 clients'), 2::bigint, 'the others get the client-limit error');
create temporary table client_race_full on commit drop as
select * from tests.run_concurrently(
  array(select format($$insert into public.clients (agency_id, name) values (%L, 'Late %s') returning name$$, tests.id('race.clients_agency'), n)
        from generate_series(1, 3) as n),
  array_fill('race_client_owner'::text, array[3]),
  format('select 1 from public.agencies where id = %L for update', tests.id('race.clients_agency'))
);
select is((select count(*) from client_race_full where outcome like 'ok: %'), 0::bigint, 'with 5 of 5 clients, 3 concurrent inserts are all refused');
select is((select count(*) from clients where agency_id = tests.id('race.clients_agency')), 5::bigint, 'the agency has exactly 5 clients');
update agencies set plan_id = 'growth' where id = tests.id('race.clients_agency');
select tests.authenticate_as('race_client_owner');
select is(tests.try(format($$insert into clients (agency_id, name) values (%L, 'Sixth')$$, tests.id('race.clients_agency'))),
  '1 rows', 'after an upgrade to growth the 6th client is created');
reset role;

-- Case 19: seat limit.
create temporary table seat_race on commit drop as
select * from tests.run_concurrently(
  array[$$select public.accept_invitation('race-token-1')::text$$, $$select public.accept_invitation('race-token-2')::text$$],
  array['race_joiner_1', 'race_joiner_2'],
  format('select 1 from public.agencies where id = %L for update', tests.id('race.seats_agency'))
);
select is((select count(*) from seat_race where outcome like 'ok: %'), 1::bigint, 'two concurrent accepts with 1 seat left: exactly one joins');
select is((select count(*) from seat_race where outcome = 'PT402: seat limit reached: the Growth plan allows 3 seats'), 1::bigint, 'the other gets the seat-limit error');
select is(
  (select count(*) from invitations where agency_id = tests.id('race.seats_agency') and accepted_at is null),
  1::bigint,
  'the refused invitation stays usable'
);
update agencies set plan_id = 'agency' where id = tests.id('race.seats_agency');
create temporary table refused on commit drop as
  select 'race_joiner_' || attempt as identifier, 'race-token-' || attempt as token from seat_race where outcome not like 'ok: %';
grant select on refused to authenticated;
select tests.authenticate_as((select identifier from refused));
select is(
  accept_invitation((select token from refused)) ->> 'role',
  'member',
  'after an upgrade the refused person joins with the same invitation'
);

-- Concurrent saves in one content lineage get consecutive version numbers.
reset role;
create temporary table save_race on commit drop as
select * from tests.run_concurrently(
  array(select format($$insert into public.content_versions (agency_id, client_id, awareness_level, content_type, body)
                        values (%L, %L, 'problem', 'sms', '{"messages": ["edit %s"]}') returning version::text$$,
                      tests.id('race.analyses_agency'), tests.id('race.client'), n)
        from generate_series(1, 5) as n),
  array_fill('race_owner'::text, array[5]),
  format($$select pg_advisory_xact_lock(hashtextextended(%L, 0))$$, tests.id('race.client') || ':problem:sms')
);
select is(
  (select array_agg(outcome order by outcome) from save_race),
  array['ok: 2', 'ok: 3', 'ok: 4', 'ok: 5', 'ok: 6'],
  '5 concurrent saves of the same content become versions 2 to 6'
);

select * from finish();
rollback;

-- Clean up the committed setup.
delete from public.agencies where slug like 'race-%';
delete from auth.users where id in (select id from tests.users where identifier like 'race\_%');
delete from tests.users where identifier like 'race\_%';
delete from tests.fixture where name like 'race.%';
