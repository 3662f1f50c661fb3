/*
 * Working with transcripts as a member: adding and correcting them, roles a user corrected
 * survive a re-parse, duplicates are detected per client, and the client shows the activity.
 */
begin;
select plan(9);
select tests.create_two_agencies();
reset role;
update clients set last_activity_at = now() - interval '1 day' where id = tests.id('a.client');

select tests.authenticate_as('a_member');
select is(tests.try(format($$insert into transcripts (agency_id, client_id, file_name, content_sha256, size_bytes, source_format, parse_status, canonical, speakers, outcome)
  values (%L, %L, 'zoom-call.vtt', %L, 2048, 'webvtt', 'parsed', '{"format": "webvtt"}',
          '[{"name": "Sam", "role": "rep", "confidence": 0.6}, {"name": "Alex", "role": "prospect", "confidence": 0.6}]', 'unknown')$$,
  tests.id('a.agency'), tests.id('a.client'), repeat('2', 64))),
  '1 rows', 'a member adds a parsed transcript');
select ok((select last_activity_at > now() - interval '1 minute' from clients where id = tests.id('a.client')), 'the client''s last activity moves');
select is(tests.try(format($$insert into transcripts (agency_id, client_id, file_name, content_sha256, size_bytes)
  values (%L, %L, 'zoom-call (1).vtt', %L, 2048)$$, tests.id('a.agency'), tests.id('a.client'), repeat('2', 64))),
  '23505: duplicate key value violates unique constraint "transcripts_same_file_already_uploaded_for_client"',
  're-uploading the same bytes for the same client is detected');

-- The user corrects the roles (the guess had them the wrong way round) and the outcome.
select is(tests.try($$update transcripts set
    speakers = '[{"name": "Sam", "role": "prospect", "confidence": 1, "corrected_by_user": true}, {"name": "Alex", "role": "rep", "confidence": 1, "corrected_by_user": true}]',
    outcome = 'no_show'
  where file_name = 'zoom-call.vtt'$$),
  '1 rows', 'a member corrects speaker roles and the outcome');
-- A re-parse writes its automatic guess again.
select is(tests.try($$update transcripts set
    speakers = '[{"name": "Sam", "role": "rep", "confidence": 0.7}, {"name": "Alex", "role": "prospect", "confidence": 0.7}, {"name": "Jo", "role": "unknown", "confidence": 0.2}]'
  where file_name = 'zoom-call.vtt'$$),
  '1 rows', 'a re-parse rewrites the speakers');
select is(
  (select speakers from transcripts where file_name = 'zoom-call.vtt'),
  '[{"name": "Sam", "role": "prospect", "confidence": 1, "corrected_by_user": true},
    {"name": "Alex", "role": "rep", "confidence": 1, "corrected_by_user": true},
    {"name": "Jo", "role": "unknown", "confidence": 0.2}]'::jsonb,
  'the user''s corrections win; new speakers keep the guess'
);
select is(tests.try($$update transcripts set
    speakers = '[{"name": "Sam", "role": "rep", "confidence": 1, "corrected_by_user": true}, {"name": "Alex", "role": "rep", "confidence": 1, "corrected_by_user": true}]'
  where file_name = 'zoom-call.vtt'$$),
  '1 rows', 'a user can correct a role again');
select is((select speakers -> 0 ->> 'role' from transcripts where file_name = 'zoom-call.vtt'), 'rep', 'and the newer correction wins');

select is(tests.try($$delete from transcripts where file_name = 'zoom-call.vtt'$$), '1 rows', 'a member deletes a transcript');

select * from finish();
rollback;
