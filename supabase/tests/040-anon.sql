/*
 * anon (the publishable key without a session) sees nothing and writes nothing: no table or
 * view of the app is readable or writable, no RPC executable (case 8).
 */
begin;
select plan(10);
select tests.create_two_agencies();
select tests.clear_authentication();

select is(tests.try('select * from agencies'), '42501: permission denied for table agencies', 'anon cannot read agencies');
select is(tests.try('select * from clients'), '42501: permission denied for table clients', 'anon cannot read clients');
select is(tests.try('select * from transcripts'), '42501: permission denied for table transcripts', 'anon cannot read transcripts');
select is(tests.try('select * from client_summaries'), '42501: permission denied for view client_summaries', 'anon cannot read the dashboard view');
select is(tests.try('select * from plans'), '42501: permission denied for table plans', 'anon cannot read plans');
select is(tests.try('select * from successful_patterns'), '42501: permission denied for table successful_patterns', 'anon cannot read the pattern library');
select is(tests.try(format($$insert into clients (agency_id, name) values (%L, 'x')$$, tests.id('a.agency'))),
  '42501: permission denied for table clients', 'anon cannot insert');
select is(tests.try(format($$delete from transcripts where id = %L$$, tests.id('a.transcript'))),
  '42501: permission denied for table transcripts', 'anon cannot delete');
select is(tests.try(format($$select start_analysis(%L)$$, tests.id('a.client'))),
  '42501: permission denied for function start_analysis', 'anon cannot start an analysis');
select is(
  (select count(*) from storage.objects where bucket_id = 'transcripts'),
  0::bigint,
  'anon sees no transcript files'
);

select * from finish();
rollback;
