/*
 * Deleting: a client takes its transcripts, analyses and content with it, but its usage stays
 * counted (deleting clients never gives analyses back); deleting a job keeps the content that
 * was generated from it.
 */
begin;
select plan(6);
select tests.create_two_agencies();

select tests.authenticate_as_service_role();
select is(tests.try(format('delete from analysis_jobs where id = %L', tests.id('b.job'))), '1 rows', 'the service role deletes a job');
select is((select job_id from content_versions where id = tests.id('b.content')), null, 'content generated from it stays, unlinked');

select tests.authenticate_as('a_admin');
select is(tests.try(format('delete from clients where id = %L', tests.id('a.client'))), '1 rows', 'an admin deletes a client');
select is(
  (select count(*) from (
     select id from transcripts where client_id = tests.id('a.client')
     union all select id from analysis_jobs where client_id = tests.id('a.client')
     union all select id from content_versions where client_id = tests.id('a.client')
     union all select id from performance_tracking where client_id = tests.id('a.client')) as rows),
  0::bigint,
  'its transcripts, analyses, content and bookings are gone'
);
select is(
  (select count(*) from usage_tracking where agency_id = tests.id('a.agency') and action = 'analysis_started' and client_id is null),
  1::bigint,
  'its usage is still counted, without the client'
);
select is(
  (select analyses_this_month from agency_usage where agency_id = tests.id('a.agency')),
  1::bigint,
  'so the month''s analysis count does not go down'
);

select * from finish();
rollback;
