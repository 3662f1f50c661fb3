/*
 * Starting analyses (membership, subscription, monthly limit, idempotency, batches) and the
 * worker's batch protocol (claims with leases, completion, retries, expired leases), with the
 * progress broadcasts the jobs send.
 */
begin;
select plan(46);
select tests.create_two_agencies();

-- Five more parsed transcripts and one still pending for A's client.
do $$
begin
  insert into public.transcripts (agency_id, client_id, file_name, content_sha256, size_bytes, parse_status, canonical, call_date)
  select tests.id('a.agency'), tests.id('a.client'), 'call-' || n || '.txt',
         encode(sha256(convert_to('extra ' || n, 'UTF8')), 'hex'), 100, 'parsed', '{}', date '2025-10-01' + n
  from generate_series(1, 5) as n;
  insert into public.transcripts (agency_id, client_id, file_name, content_sha256, size_bytes)
  values (tests.id('a.agency'), tests.id('a.client'), 'pending.txt', repeat('e', 64), 10);
end
$$;

-- Starting.
select tests.authenticate_as('a_member');
create temporary table started on commit drop as
  select * from start_analysis(tests.id('a.client'), null, null, 4);
grant select on started to authenticated, service_role;
select is((select status from started), 'queued', 'a member starts an analysis: the job is queued');
select is((select transcripts_total || ' in ' || batches_total from started), '6 in 2',
  'over every parsed transcript not yet in a completed analysis, in batches of 4');
select is(
  (select array_agg(cardinality(transcript_ids) order by batch_index) from analysis_batches where job_id = (select id from started)),
  array[4, 2],
  'the batches split the transcripts'
);
select is((select requested_by from started), tests.id('a.member'), 'the job records who asked');
select is((select count(*) from usage_tracking where job_id = (select id from started) and action = 'analysis_started'), 1::bigint, 'the analysis is counted');
select is((select status from clients where id = tests.id('a.client')), 'analyzing', 'the client is analyzing');

select is(
  (select (select id from start_analysis(tests.id('a.client'), null, 'retry-key')) = (select id from start_analysis(tests.id('a.client'), null, 'retry-key'))),
  true,
  'a retry with the same idempotency key returns the same job'
);
select is((select count(*) from usage_tracking where agency_id = tests.id('a.agency') and action = 'analysis_started'), 3::bigint,
  'and is counted once (fixture 1 + 2 started here)');
reset role;
insert into clients (agency_id, name) values (tests.id('a.agency'), 'Second client');
select tests.authenticate_as('a_member');
select is(tests.try(format('select start_analysis(%L, null, %L)', (select id from clients where name = 'Second client'), 'retry-key')),
  'PT409: this idempotency key was already used for another client''s analysis', 'the same key for another client is a conflict');

select is(tests.try(format('select start_analysis(%L, array[%L]::uuid[])', tests.id('a.client'), tests.id('b.transcript'))),
  '22023: some transcripts do not belong to this client', 'another agency''s transcript cannot be slipped in');
select is(tests.try(format($$select start_analysis(%L, array[(select id from transcripts where file_name = 'pending.txt')])$$, tests.id('a.client'))),
  '22023: some transcripts are not parsed yet', 'unparsed transcripts cannot be analyzed');
select is(tests.try(format('select start_analysis(%L, null, null, 0)', tests.id('a.client'))),
  '22023: batch_size must be between 1 and 500', 'a batch size of 0 is refused');
select is(tests.try(format('select start_analysis(%L, %L::uuid[])', tests.id('a.client'), '{}')),
  '22023: no transcripts to analyze', 'an empty selection is refused');

select tests.authenticate_as('b_owner');
select is(tests.try(format('select start_analysis(%L)', tests.id('a.client'))),
  '42501: you are not a member of this client''s agency', 'a member of another agency cannot start it');
select is(tests.try(format('select cancel_analysis(%L)', (select id from started))),
  '42501: you are not a member of this analysis job''s agency', 'nor cancel A''s job');

-- Subscription and monthly limit.
reset role;
update agencies set subscription_status = 'past_due' where id = tests.id('a.agency');
select tests.authenticate_as('a_member');
select is(tests.try(format('select start_analysis(%L, array[%L]::uuid[])', tests.id('a.client'), tests.id('a.transcript'))),
  'PT402: new analyses are locked: the subscription is past_due', 'a failed payment locks new analyses');
select is((select count(*) from transcripts where client_id = tests.id('a.client')), 7::bigint, 'and deletes nothing');
reset role;
update agencies set subscription_status = 'active', plan_id = 'starter' where id = tests.id('a.agency');
insert into usage_tracking (agency_id, action, occurred_at)
select tests.id('a.agency'), 'analysis_started', now() - interval '40 days' from generate_series(1, 20);
insert into usage_tracking (agency_id, action)
select tests.id('a.agency'), 'analysis_started' from generate_series(1, 6);
select tests.authenticate_as('a_member');
select is(tests.try(format('select start_analysis(%L, array[%L]::uuid[])', tests.id('a.client'), tests.id('a.transcript'))),
  '1 rows', 'the 10th analysis of the month still starts (last month''s do not count)');
select is(tests.try(format('select start_analysis(%L, array[%L]::uuid[])', tests.id('a.client'), tests.id('a.transcript'))),
  'PT402: monthly analysis limit reached: the Starter plan allows 10 analyses per month', 'the 11th is refused with the plan''s limit');

-- Cancelling.
select is((select status from cancel_analysis(tests.id('a.job'))), 'cancelled', 'a member cancels a queued job');
select is((select status from cancel_analysis(tests.id('a.job'))), 'cancelled', 'cancelling again is harmless');

-- The worker protocol, as the service role.
select tests.authenticate_as('a_member');
select is(tests.try($$select claim_analysis_batch((select id from started), 'worker-1')$$),
  '42501: permission denied for function claim_analysis_batch', 'members cannot claim batches');
select tests.authenticate_as_service_role();
create temporary table claim_1 on commit drop as select * from claim_analysis_batch((select id from started), 'worker-1', 30);
select is((select batch_index || '/' || status || '/' || attempts || '/' || lease_owner from claim_1), '0/running/1/worker-1', 'a worker claims the first batch');
select is((select status from analysis_jobs where id = (select id from started)), 'running', 'the job is running');
create temporary table claim_2 on commit drop as select * from claim_analysis_batch((select id from started), 'worker-2', 30);
select is((select batch_index from claim_2), 1, 'a second worker gets the next batch, not the leased one');
select is((select count(*) from claim_analysis_batch((select id from started), 'worker-3', 30)), 0::bigint, 'nothing is left to claim');

select is(
  tests.try(format($$select complete_analysis_batch(%L, 'worker-2', '[]')$$, (select id from claim_1))),
  'PT409: the lease on this batch was lost (status running, owner worker-1)', 'only the lease owner completes a batch'
);
select is(
  (select transcripts_done || '/' || transcripts_failed || '/' || batches_done || ' ' || distribution::text
   from complete_analysis_batch(
     (select id from claim_1), 'worker-1',
     (select jsonb_agg(jsonb_build_object('transcript_id', t, 'awareness_level', case when n = 1 then 'product' else 'problem' end, 'confidence', 0.7))
      from unnest((select transcript_ids from claim_1)) with ordinality as ids (t, n) where n <= 3),
     '{"partial": true}')),
  '3/1/1 {"problem": 2, "product": 1}',
  'completing a batch records its insights, counts the transcript without one as failed, and updates the distribution'
);
select is((select count(*) from transcript_insights where job_id = (select id from started)), 3::bigint, 'one insight row per analyzed transcript');

select is((select status || '/' || coalesce(last_error, '') from fail_analysis_batch((select id from claim_2), 'worker-2', 'engine crashed')),
  'pending/engine crashed', 'a failed attempt goes back to pending with its error');
reset role;
update analysis_batches set status = 'running', lease_owner = 'worker-dead', lease_expires_at = now() - interval '1 second', attempts = 2
where id = (select id from claim_2);
select tests.authenticate_as_service_role();
select is((select attempts || '/' || lease_owner from claim_analysis_batch((select id from started), 'worker-4', 30, 3)),
  '3/worker-4', 'an expired lease is reclaimed by the next worker');
reset role;
update analysis_batches set lease_expires_at = now() - interval '1 second' where id = (select id from claim_2);
select tests.authenticate_as_service_role();
select is((select count(*) from claim_analysis_batch((select id from started), 'worker-5', 30, 3)), 0::bigint,
  'after max_attempts expired leases the batch is not handed out again');
select is(
  (select status || ': ' || last_error from analysis_batches where id = (select id from claim_2)),
  'failed: engine crashed; lease expired after 3 attempts',
  'it is failed, with its errors'
);
select is(
  (select batches_done || '/' || batches_failed || '/' || transcripts_done || '/' || transcripts_failed from analysis_jobs where id = (select id from started)),
  '1/1/3/3',
  'the job reports the failed batch'
);
select is((select status from clients where id = tests.id('a.client')), 'analyzing', 'the client is analyzing while jobs run');
select tests.authenticate_as_service_role();
select is(tests.try(format($$select finish_analysis_job(%L, '{}')$$, tests.id('a.job'))),
  'PT409: the analysis job was cancelled', 'a cancelled job cannot be finished');
select is(
  (select status from finish_analysis_job(
     (select id from started),
     '{"segment_profiles": [{"awareness_level": "problem", "share": 0.67}], "recommendations": ["Name the cost of waiting."]}',
     '[{"awareness_level": "problem", "content_type": "email_sequence", "body": {"emails": []}},
       {"awareness_level": "product", "content_type": "sms", "body": {"messages": []}, "predicted_show_rate": 0.7, "predicted_show_rate_low": 0.6, "predicted_show_rate_high": 0.8}]')),
  'completed',
  'the last step stores the report and the drafts and completes the job'
);
select is(
  (select awareness_distribution::text || ' ' || jsonb_array_length(segment_profiles) from analysis_results where job_id = (select id from started)),
  '{"problem": 2, "product": 1} 1',
  'the report keeps the job''s distribution'
);
select is(
  (select array_agg(awareness_level || '/' || content_type || '/' || status order by awareness_level) from content_versions where job_id = (select id from started)),
  array['problem/email_sequence/draft', 'product/sms/draft'],
  'one draft per awareness level and content type'
);
select is(
  (select status from finish_analysis_job((select id from started), '{}', '[{"awareness_level": "problem", "content_type": "sms", "body": {}}]')),
  'completed',
  'a retry returns the completed job'
);
select is(
  (select count(*) from analysis_results where job_id = (select id from started))
   + (select count(*) from content_versions where job_id = (select id from started)),
  3::bigint,
  'and writes nothing twice'
);
select is((select status from clients where id = tests.id('a.client')), 'ready', 'when a job completes the client is ready');
select is(tests.try(format($$update analysis_jobs set status = 'running' where id = %L$$, (select id from started))),
  '23514: an analysis job cannot go from completed to running', 'a finished job stays finished');

-- Progress went out on the job's private topic.
reset role;
select is(
  (select array_agg(distinct payload ->> 'status' order by payload ->> 'status') from realtime.messages
   where topic = 'job:' || (select id from started) and event = 'progress' and private),
  array['completed', 'queued', 'running'],
  'every status of the job was broadcast on job:<id>'
);
select is(
  (select array_agg(payload ->> 'status' order by payload ->> 'status') from realtime.messages
   where topic = 'agency:' || tests.id('a.agency') and event = 'analysis_job' and payload ->> 'job_id' = (select id::text from started)),
  array['completed', 'queued', 'running'],
  'status changes also went out on agency:<id> for dashboards'
);
select ok(
  exists (select 1 from realtime.messages
          where topic = 'job:' || (select id from started) and payload ->> 'transcripts_done' = '3'
            and payload -> 'distribution' = '{"problem": 2, "product": 1}'),
  'progress broadcasts carry the counts and the partial distribution'
);

select * from finish();
rollback;
