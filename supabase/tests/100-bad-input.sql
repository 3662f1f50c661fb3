/*
 * Bad input gets a clear error from the database itself: each CHECK has a name that says
 * what is wrong (23514, HTTP 400), duplicates are 23505 (HTTP 409).
 */
begin;
select plan(30);
select tests.create_two_agencies();
select tests.authenticate_as('a_owner');

create function pg_temp.check_error(relation text, constraint_name text)
returns text
language sql
as $$ select format('new row for relation "%s" violates check constraint "%s"', relation, constraint_name) $$;

-- Agencies: names and slugs.
select throws_ok(format($$update agencies set name = %L where id = %L$$, repeat('x', 201), tests.id('a.agency')),
  '23514', pg_temp.check_error('agencies', 'agencies_name_length'), 'an agency name over 200 characters');
select throws_ok(format($$update agencies set name = %L where id = %L$$, 'Acme' || chr(8238) || 'emca', tests.id('a.agency')),
  '23514', pg_temp.check_error('agencies', 'agencies_name_is_plain_text'), 'an agency name with a BiDi override');
select throws_ok($$select create_agency('Acme', 'аcme')$$,
  '23514', pg_temp.check_error('agencies', 'agencies_slug_format'), 'a slug with a Cyrillic letter (confusable)');
select throws_ok($$select create_agency('Acme', 'ac--me')$$,
  '23514', pg_temp.check_error('agencies', 'agencies_slug_format'), 'a slug with a double hyphen');
select throws_ok($$select create_agency('Acme', 'ab')$$,
  '23514', pg_temp.check_error('agencies', 'agencies_slug_format'), 'a slug shorter than 3 characters');

-- Clients: the questionnaire.
select throws_ok(format($$update clients set current_show_rate = 1.5 where id = %L$$, tests.id('a.client')),
  '23514', pg_temp.check_error('clients', 'clients_current_show_rate_between_0_and_1'), 'a show rate above 1');
select throws_ok(format($$update clients set target_show_rate = -0.1 where id = %L$$, tests.id('a.client')),
  '23514', pg_temp.check_error('clients', 'clients_target_show_rate_between_0_and_1'), 'a negative show rate');
select throws_ok(format($$update clients set price_min_cents = 5000, price_max_cents = 100 where id = %L$$, tests.id('a.client')),
  '23514', pg_temp.check_error('clients', 'clients_price_range_is_valid'), 'a price range upside down');
select throws_ok(format($$update clients set who_books = 'robot' where id = %L$$, tests.id('a.client')),
  '23514', pg_temp.check_error('clients', 'clients_who_books_is_known'), 'an unknown booker');
select throws_ok(format($$update clients set competitors = array_fill('Rival'::text, array[51]) where id = %L$$, tests.id('a.client')),
  '23514', pg_temp.check_error('clients', 'clients_competitors_are_short_names'), 'more than 50 competitors');
select throws_ok(format($$update clients set banned_words = array['fine', E'two\nlines'] where id = %L$$, tests.id('a.client')),
  '23514', pg_temp.check_error('clients', 'clients_banned_words_are_short'), 'a banned word with a line break');
select throws_ok(format($$update clients set status = 'archived' where id = %L$$, tests.id('a.client')),
  '23514', pg_temp.check_error('clients', 'clients_status_is_known'), 'an unknown client status');
select throws_ok(format($$update clients set name = '' where id = %L$$, tests.id('a.client')),
  '23514', pg_temp.check_error('clients', 'clients_name_length'), 'an empty client name');

-- Transcripts: file names, hashes, enums, duplicates.
create function pg_temp.insert_transcript(file_name text, sha text, extra_columns text default '', extra_values text default '')
returns text
language sql
as $$
  select format(
    'insert into transcripts (agency_id, client_id, file_name, content_sha256, size_bytes%s) values (%L, %L, %L, %L, 10%s)',
    extra_columns, tests.id('a.agency'), tests.id('a.client'), file_name, sha, extra_values)
$$;
select throws_ok(pg_temp.insert_transcript(repeat('n', 252) || '.txt', repeat('1', 64)),
  '23514', pg_temp.check_error('transcripts', 'transcripts_file_name_length'), 'a file name over 255 characters');
select throws_ok(pg_temp.insert_transcript('call' || chr(8203) || '.vtt', repeat('1', 64)),
  '23514', pg_temp.check_error('transcripts', 'transcripts_file_name_is_plain_text'), 'a file name with a zero-width space');
select throws_ok(pg_temp.insert_transcript('call' || chr(7) || '.vtt', repeat('1', 64)),
  '23514', pg_temp.check_error('transcripts', 'transcripts_file_name_is_plain_text'), 'a file name with a control character');
select throws_ok(pg_temp.insert_transcript('call.vtt', 'not-a-hash'),
  '23514', pg_temp.check_error('transcripts', 'transcripts_content_sha256_is_hex'), 'a hash that is not SHA-256 hex');
select throws_ok(pg_temp.insert_transcript('call.vtt', repeat('1', 64), ', outcome', ', ''maybe'''),
  '23514', pg_temp.check_error('transcripts', 'transcripts_outcome_is_known'), 'an unknown outcome');
select throws_ok(pg_temp.insert_transcript('call.vtt', repeat('1', 64), ', parse_status', ', ''failed'''),
  '23514', pg_temp.check_error('transcripts', 'transcripts_failed_parse_has_error'), 'a failed parse without its error');
select throws_ok(pg_temp.insert_transcript('call.vtt', repeat('1', 64), ', speakers', ', ''{"name": "x"}'''),
  '23514', pg_temp.check_error('transcripts', 'transcripts_speakers_is_array'), 'speakers that are not a list');
select throws_ok(pg_temp.insert_transcript('call.vtt', repeat('1', 64), ', storage_path', format(', %L', tests.id('b.agency') || '/' || tests.id('b.client') || '/' || gen_random_uuid())),
  '23514', pg_temp.check_error('transcripts', 'transcripts_storage_path_in_client_folder'), 'a storage path outside the client''s folder');
select throws_ok(pg_temp.insert_transcript('again.vtt', (select content_sha256 from transcripts where id = tests.id('a.transcript'))),
  '23505', 'duplicate key value violates unique constraint "transcripts_same_file_already_uploaded_for_client"',
  're-uploading the same file for the same client');

-- Ratings, predictions, bookings, invitations, jobs.
select throws_ok(format($$insert into feedback_loop (agency_id, content_version_id, rating) values (%L, %L, 6)$$, tests.id('a.agency'), tests.id('a.content')),
  '23514', pg_temp.check_error('feedback_loop', 'feedback_loop_rating_between_1_and_5'), 'a rating of 6');
select throws_ok(format($$insert into content_versions (agency_id, client_id, awareness_level, content_type, body, predicted_show_rate, predicted_show_rate_low, predicted_show_rate_high) values (%L, %L, 'problem', 'sms', '{}', 1.2, 0.5, 1)$$, tests.id('a.agency'), tests.id('a.client')),
  '23514', pg_temp.check_error('content_versions', 'content_versions_predicted_show_rate_between_0_and_1'), 'a predicted show rate above 1');
select throws_ok(format($$insert into content_versions (agency_id, client_id, awareness_level, content_type, body) values (%L, %L, 'unaware', 'sms', '{}')$$, tests.id('a.agency'), tests.id('a.client')),
  '23514', pg_temp.check_error('content_versions', 'content_versions_awareness_level_is_known'), 'an unknown awareness level');
select throws_ok(format($$update performance_tracking set outcome = 'showed' where id = %L$$, tests.id('a.booking')),
  '23514', pg_temp.check_error('performance_tracking', 'performance_tracking_outcome_only_when_completed'), 'an outcome for a call that has not happened');
select throws_ok(format($$update performance_tracking set time_zone = 'Mars/Olympus Mons' where id = %L$$, tests.id('a.booking')),
  '23514', pg_temp.check_error('performance_tracking', 'performance_tracking_time_zone_format'), 'a time zone that is not an IANA name');
select throws_ok(format($$select create_invitation(%L, 'god')$$, tests.id('a.agency')),
  '23514', pg_temp.check_error('invitations', 'invitations_role_is_known'), 'an unknown role');
select throws_ok(format($$select create_invitation(%L, 'member', 'one_time', 'not an email')$$, tests.id('a.agency')),
  '23514', pg_temp.check_error('invitations', 'invitations_email_format'), 'a malformed email');
select throws_ok(format($$select start_analysis(%L, null, %L)$$, tests.id('a.client'), repeat('k', 201)),
  '23514', pg_temp.check_error('analysis_jobs', 'analysis_jobs_idempotency_key_format'), 'an idempotency key over 200 characters');

select * from finish();
rollback;
