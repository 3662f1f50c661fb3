/*
 * Agency A's owner (the most rights anyone in A has) tries every command on every tenant table
 * against agency B, and tries to move A's rows into B. Every attempt sees nothing, changes
 * nothing or is refused; B's rows are unchanged afterwards.
 */
begin;
select plan(78);
select tests.create_two_agencies();

select tests.authenticate_as('a_owner');

-- Reads: with no filter only A's rows; B's ids give nothing (no error).
select is((select count(*) from agencies), 1::bigint, 'A sees exactly one agency: its own');
select is((select count(*) from agencies where id = tests.id('b.agency')), 0::bigint, 'A cannot see agency B');
select is((select count(*) from agency_members where agency_id = tests.id('b.agency')), 0::bigint, 'A cannot see B''s members');
select is((select count(*) from invitations where agency_id = tests.id('b.agency')), 0::bigint, 'A cannot see B''s invitations');
select is((select count(*) from clients where agency_id = tests.id('b.agency')), 0::bigint, 'A cannot see B''s clients');
select is((select count(*) from transcripts where id = tests.id('b.transcript')), 0::bigint, 'A cannot see B''s transcripts');
select is((select count(*) from analysis_jobs where id = tests.id('b.job')), 0::bigint, 'A cannot see B''s analysis jobs');
select is((select count(*) from analysis_batches where id = tests.id('b.batch')), 0::bigint, 'A cannot see B''s batches');
select is((select count(*) from transcript_insights where id = tests.id('b.insight')), 0::bigint, 'A cannot see B''s insights');
select is((select count(*) from analysis_results where id = tests.id('b.result')), 0::bigint, 'A cannot see B''s results');
select is((select count(*) from content_versions where id = tests.id('b.content')), 0::bigint, 'A cannot see B''s content');
select is((select count(*) from performance_tracking where id = tests.id('b.booking')), 0::bigint, 'A cannot see B''s bookings');
select is((select count(*) from feedback_loop where id = tests.id('b.feedback')), 0::bigint, 'A cannot see B''s feedback');
select is((select count(*) from usage_tracking where agency_id = tests.id('b.agency')), 0::bigint, 'A cannot see B''s usage');
select is((select count(*) from client_summaries where agency_id = tests.id('b.agency')), 0::bigint, 'A cannot see B''s client summaries');
select is(
  (select array_agg(distinct agency_id) from (
     select agency_id from clients union all select agency_id from transcripts
     union all select agency_id from content_versions union all select agency_id from analysis_jobs) as visible),
  array[tests.id('a.agency')],
  'unfiltered reads of clients, transcripts, content and jobs return only A''s rows'
);

-- Updates of B's rows: nothing matches (RLS) or the command is not granted at all.
select is(tests.try(format('update agencies set name = %L where id = %L', 'Taken over', tests.id('b.agency'))), '0 rows', 'A cannot rename agency B');
select is(tests.try(format('update agencies set plan_id = %L where id = %L', 'starter', tests.id('b.agency'))), '0 rows', 'A cannot change B''s plan');
select is(tests.try(format('update agency_members set role = %L where agency_id = %L', 'member', tests.id('b.agency'))), '0 rows', 'A cannot change B''s member roles');
select is(tests.try(format('update invitations set expires_at = now() where agency_id = %L', tests.id('b.agency'))), '42501: permission denied for table invitations', 'nobody updates invitations directly');
select is(tests.try(format('update clients set name = %L where id = %L', 'Mine now', tests.id('b.client'))), '0 rows', 'A cannot change B''s clients');
select is(tests.try(format('update transcripts set outcome = %L where id = %L', 'lost', tests.id('b.transcript'))), '0 rows', 'A cannot change B''s transcripts');
select is(tests.try(format('update analysis_jobs set status = %L where id = %L', 'cancelled', tests.id('b.job'))), '42501: permission denied for table analysis_jobs', 'members do not update jobs directly');
select is(tests.try(format('update analysis_batches set status = %L where id = %L', 'failed', tests.id('b.batch'))), '42501: permission denied for table analysis_batches', 'members do not update batches');
select is(tests.try(format('update transcript_insights set confidence = 0 where id = %L', tests.id('b.insight'))), '42501: permission denied for table transcript_insights', 'members do not update insights');
select is(tests.try(format('update analysis_results set recommendations = %L where id = %L', '[]', tests.id('b.result'))), '42501: permission denied for table analysis_results', 'members do not update results');
select is(tests.try(format('update content_versions set status = %L where id = %L', 'in_review', tests.id('b.content'))), '0 rows', 'A cannot change B''s content');
select is(tests.try(format('update performance_tracking set outcome = %L, status = %L where id = %L', 'no_show', 'completed', tests.id('b.booking'))), '0 rows', 'A cannot change B''s bookings');
select is(tests.try(format('update feedback_loop set rating = 1 where id = %L', tests.id('b.feedback'))), '0 rows', 'A cannot change B''s feedback');
select is(tests.try(format('update usage_tracking set credits = 0 where agency_id = %L', tests.id('b.agency'))), '42501: permission denied for table usage_tracking', 'nobody but the service role writes usage');

-- Deletes of B's rows.
select is(tests.try(format('delete from agencies where id = %L', tests.id('b.agency'))), '0 rows', 'A cannot delete agency B');
select is(tests.try(format('delete from agency_members where agency_id = %L', tests.id('b.agency'))), '0 rows', 'A cannot remove B''s members');
select is(tests.try(format('delete from invitations where agency_id = %L', tests.id('b.agency'))), '0 rows', 'A cannot revoke B''s invitations');
select is(tests.try(format('delete from clients where id = %L', tests.id('b.client'))), '0 rows', 'A cannot delete B''s clients');
select is(tests.try(format('delete from transcripts where id = %L', tests.id('b.transcript'))), '0 rows', 'A cannot delete B''s transcripts');
select is(tests.try(format('delete from analysis_jobs where id = %L', tests.id('b.job'))), '42501: permission denied for table analysis_jobs', 'members do not delete jobs');
select is(tests.try(format('delete from content_versions where id = %L', tests.id('b.content'))), '42501: permission denied for table content_versions', 'nobody deletes content versions');
select is(tests.try(format('delete from performance_tracking where id = %L', tests.id('b.booking'))), '0 rows', 'A cannot delete B''s bookings');
select is(tests.try(format('delete from feedback_loop where id = %L', tests.id('b.feedback'))), '0 rows', 'A cannot delete B''s feedback');

-- Inserts into B.
select is(tests.try(format('insert into agency_members (agency_id, user_id, role) values (%L, %L, %L)', tests.id('b.agency'), tests.id('a.owner'), 'owner')), '42501: permission denied for table agency_members', 'A cannot add itself to agency B');
select is(tests.try(format('insert into clients (agency_id, name) values (%L, %L)', tests.id('b.agency'), 'Planted')), '42501: new row violates row-level security policy for table "clients"', 'A cannot create a client in B');
select is(tests.try(format($$insert into transcripts (agency_id, client_id, file_name, content_sha256, size_bytes) values (%L, %L, 'x.txt', repeat('a', 64), 1)$$, tests.id('b.agency'), tests.id('b.client'))), '42501: new row violates row-level security policy for table "transcripts"', 'A cannot add a transcript to B');
select is(tests.try(format($$insert into transcripts (agency_id, client_id, file_name, content_sha256, size_bytes) values (%L, %L, 'x.txt', repeat('a', 64), 1)$$, tests.id('a.agency'), tests.id('b.client'))), '23503: insert or update on table "transcripts" violates foreign key constraint "transcripts_client_belongs_to_agency"', 'A cannot attach its transcript to B''s client');
select is(tests.try(format($$insert into content_versions (agency_id, client_id, awareness_level, content_type, body) values (%L, %L, 'problem', 'sms', '{}')$$, tests.id('b.agency'), tests.id('b.client'))), '42501: new row violates row-level security policy for table "content_versions"', 'A cannot save content into B');
select is(tests.try(format($$insert into performance_tracking (agency_id, client_id, booking_ref, scheduled_call_at) values (%L, %L, 'x', now())$$, tests.id('b.agency'), tests.id('b.client'))), '42501: new row violates row-level security policy for table "performance_tracking"', 'A cannot record a booking in B');
select is(tests.try(format($$insert into feedback_loop (agency_id, content_version_id, rating) values (%L, %L, 5)$$, tests.id('b.agency'), tests.id('b.content'))), '42501: new row violates row-level security policy for table "feedback_loop"', 'A cannot rate B''s content');
select is(tests.try(format($$insert into analysis_jobs (agency_id, client_id, batch_size) values (%L, %L, 1)$$, tests.id('b.agency'), tests.id('b.client'))), '42501: permission denied for table analysis_jobs', 'jobs are created only by start_analysis');
select is(tests.try(format($$insert into usage_tracking (agency_id, action) values (%L, 'analysis_started')$$, tests.id('b.agency'))), '42501: permission denied for table usage_tracking', 'A cannot write B''s usage');

-- Tables only the service role (or an RPC) writes: no INSERT, UPDATE or DELETE for anyone else.
select is(
  tests.try(format(statement, tests.id('b.agency'))),
  '42501: permission denied for table ' || table_name,
  format('a member cannot %s %s', command, table_name)
)
from unnest(array['analysis_batches', 'transcript_insights', 'analysis_results', 'usage_tracking']) as table_name,
     lateral (values
       ('insert into', format('insert into %I (agency_id) values (%%L)', table_name)),
       ('update', format('update %I set agency_id = agency_id where agency_id = %%L', table_name)),
       ('delete from', format('delete from %I where agency_id = %%L', table_name))
     ) as attempt (command, statement);
select is(tests.try($$insert into agencies (name, slug) values ('Direct', 'direct-insert')$$),
  '42501: permission denied for table agencies', 'agencies are created only by create_agency');
select is(tests.try(format($$select create_invitation(%L, 'owner')$$, tests.id('b.agency'))),
  '42501: only admins and owners of this agency can invite people', 'A cannot invite people into B');

-- Moving A's own rows into B.
select is(tests.try(format('update clients set agency_id = %L where id = %L', tests.id('b.agency'), tests.id('a.client'))), '42501: permission denied for table clients', 'A cannot move its client into B');
select is(tests.try(format('update transcripts set client_id = %L where id = %L', tests.id('b.client'), tests.id('a.transcript'))), '42501: permission denied for table transcripts', 'A cannot move its transcript to B''s client');
select is(tests.try(format('update transcripts set agency_id = %L, client_id = %L where id = %L', tests.id('b.agency'), tests.id('b.client'), tests.id('a.transcript'))), '42501: permission denied for table transcripts', 'A cannot move its transcript into B');
select is(tests.try(format('update content_versions set agency_id = %L where id = %L', tests.id('b.agency'), tests.id('a.content'))), '42501: permission denied for table content_versions', 'A cannot move its content into B');
select is(tests.try(format('update performance_tracking set content_version_id = %L where id = %L', tests.id('b.content'), tests.id('a.booking'))), '23503: insert or update on table "performance_tracking" violates foreign key constraint "performance_tracking_content_version_belongs_to_agency"', 'A cannot point its booking at B''s content');
select is(tests.try(format('update agency_members set agency_id = %L where agency_id = %L', tests.id('b.agency'), tests.id('a.agency'))), '42501: permission denied for table agency_members', 'A cannot move its memberships into B');

-- Even the service role cannot move rows between agencies or cross-link them.
select tests.authenticate_as_service_role();
select is(tests.try(format('update transcripts set agency_id = %L, client_id = %L where id = %L', tests.id('b.agency'), tests.id('b.client'), tests.id('a.transcript'))), '42501: transcripts.agency_id cannot be changed', 'the service role cannot move a transcript into B');
select is(tests.try(format('update clients set agency_id = %L where id = %L', tests.id('b.agency'), tests.id('a.client'))), '42501: clients.agency_id cannot be changed', 'the service role cannot move a client into B');
select is(tests.try(format($$insert into transcript_insights (agency_id, job_id, transcript_id, awareness_level, confidence) values (%L, %L, %L, 'problem', 0.5)$$, tests.id('a.agency'), tests.id('a.job'), tests.id('b.transcript'))), '23503: insert or update on table "transcript_insights" violates foreign key constraint "transcript_insights_transcript_belongs_to_agency"', 'an insight of A''s job cannot point at B''s transcript');
select is(tests.try(format($$insert into analysis_batches (agency_id, job_id, batch_index, transcript_ids) values (%L, %L, 9, '{}'::uuid[] || %L::uuid)$$, tests.id('a.agency'), tests.id('b.job'), tests.id('a.transcript'))), '23503: insert or update on table "analysis_batches" violates foreign key constraint "analysis_batches_job_belongs_to_agency"', 'a batch of A cannot belong to B''s job');
select is(tests.try(format($$insert into feedback_loop (agency_id, content_version_id, rating, created_by) values (%L, %L, 3, %L)$$, tests.id('a.agency'), tests.id('b.content'), tests.id('a.owner'))), '23503: insert or update on table "feedback_loop" violates foreign key constraint "feedback_loop_content_version_belongs_to_agency"', 'feedback of A cannot point at B''s content');
select is(tests.try(format($$insert into usage_tracking (agency_id, client_id, action) values (%L, %L, 'analysis_started')$$, tests.id('a.agency'), tests.id('b.client'))), '23503: insert or update on table "usage_tracking" violates foreign key constraint "usage_tracking_client_belongs_to_agency"', 'usage of A cannot point at B''s client');

-- B is untouched.
select tests.authenticate_as('b_owner');
select is((select name from clients where id = tests.id('b.client')), 'Client of b', 'B''s client is unchanged, as B sees it');
select is(
  (select count(*) from (
     select user_id from agency_members where agency_id = tests.id('b.agency')
     union all select id from invitations where agency_id = tests.id('b.agency')
     union all select id from transcripts where agency_id = tests.id('b.agency')
     union all select id from content_versions where agency_id = tests.id('b.agency')
     union all select id from performance_tracking where agency_id = tests.id('b.agency')
     union all select id from feedback_loop where agency_id = tests.id('b.agency')) as rows),
  0::bigint + 3 + 1 + 1 + 1 + 1 + 1,
  'B still has its members, invitation, transcript, content, booking and feedback'
);
select is((select plan_id from agencies where id = tests.id('b.agency')), 'growth', 'B''s plan is unchanged');
select is((select outcome from transcripts where id = tests.id('b.transcript')), 'showed', 'B''s transcript is unchanged');

select * from finish();
rollback;
