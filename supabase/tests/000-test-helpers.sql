/*
 * Test helpers in the spirit of basejump's supabase-test-helpers, written for this repository
 * (supabase-contract.md §7). This file runs first and COMMITS: the later files use the
 * `tests` schema. It is idempotent (create or replace), so it can run again on the same
 * database. Nothing here is reachable through the Data API (`tests` is not an exposed schema),
 * and nothing here is SECURITY DEFINER.
 *
 *   tests.create_supabase_user(identifier, email, phone, metadata) -> uuid   (run as postgres)
 *   tests.get_supabase_uid(identifier) -> uuid
 *   tests.authenticate_as(identifier)      role authenticated + full JWT claims
 *   tests.authenticate_as_service_role()   role service_role, no user
 *   tests.clear_authentication()           role anon, no claims
 *   tests.rls_enabled(schema[, table])     pgTAP assertions
 *   tests.freeze_time(at) / tests.unfreeze_time()
 *   tests.create_agency(owner, slug, plan) / tests.add_member(agency, identifier, role)
 *   tests.run_concurrently(...)            real concurrent connections through dblink
 */
begin;
set local client_min_messages = warning;
select plan(1);

create schema if not exists tests;
create schema if not exists test_overrides;
grant usage on schema tests, test_overrides to anon, authenticated, service_role;

-- Test users by identifier. Readable by the API roles so helpers work whoever is signed in.
create table if not exists tests.users (
  identifier text primary key,
  id uuid not null unique,
  email text not null,
  phone text,
  user_metadata jsonb not null default '{}',
  app_metadata jsonb not null default '{}',
  -- The user's sign-in: a row of auth.sessions, named by the session_id claim of their tokens.
  session_id uuid
);
alter table tests.users add column if not exists session_id uuid;
grant select on tests.users to anon, authenticated, service_role;

/*
 * Creates a confirmed email user in auth.users (and its identity), signed in once (a row of
 * auth.sessions, as GoTrue writes at sign-in), remembered by `identifier`.
 */
create or replace function tests.create_supabase_user(
  identifier text, email text default null, phone text default null, metadata jsonb default null
)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  user_id uuid := gen_random_uuid();
  session_id uuid := gen_random_uuid();
  user_email text := lower(coalesce(email, identifier || '-' || user_id::text || '@test.local'));
  user_metadata jsonb := jsonb_build_object('test_identifier', identifier) || coalesce(metadata, '{}');
  app_metadata jsonb := '{"provider": "email", "providers": ["email"]}';
begin
  insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, phone,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
    confirmation_token, recovery_token, email_change_token_new, email_change
  )
  values (
    '00000000-0000-0000-0000-000000000000', user_id, 'authenticated', 'authenticated', user_email, '',
    now(), phone, app_metadata, user_metadata, now(), now(), '', '', '', ''
  );
  insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
  values (
    user_id::text, user_id,
    jsonb_build_object('sub', user_id::text, 'email', user_email, 'email_verified', true),
    'email', now(), now()
  );
  insert into auth.sessions (id, user_id, created_at, updated_at, aal)
  values (session_id, user_id, now(), now(), 'aal1');
  insert into tests.users (identifier, id, email, phone, user_metadata, app_metadata, session_id)
  values (identifier, user_id, user_email, phone, user_metadata, app_metadata, session_id);
  return user_id;
end;
$$;

create or replace function tests.get_supabase_uid(identifier text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  user_id uuid;
begin
  select u.id into user_id from tests.users as u where u.identifier = get_supabase_uid.identifier;
  if user_id is null then
    raise exception 'test user % not found', identifier;
  end if;
  return user_id;
end;
$$;

/*
 * The claims of a real GoTrue access token for a test user (supabase-contract.md §2.2).
 */
create or replace function tests.jwt_claims(identifier text)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  test_user tests.users;
begin
  select * into test_user from tests.users as u where u.identifier = jwt_claims.identifier;
  if not found then
    raise exception 'test user % not found', identifier;
  end if;
  return jsonb_build_object(
    'sub', test_user.id,
    'role', 'authenticated',
    'aud', 'authenticated',
    'email', test_user.email,
    'phone', coalesce(test_user.phone, ''),
    'user_metadata', test_user.user_metadata,
    'app_metadata', test_user.app_metadata,
    'aal', 'aal1',
    'session_id', test_user.session_id,
    'is_anonymous', false,
    'iat', extract(epoch from now())::bigint,
    'exp', extract(epoch from now())::bigint + 3600
  );
end;
$$;

create or replace function tests.authenticate_as(identifier text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  claims jsonb := tests.jwt_claims(identifier);
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', claims::text, true);
  perform set_config('request.jwt.claim.sub', '', true);
end;
$$;

create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
end;
$$;

create or replace function tests.clear_authentication()
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', '', true);
end;
$$;

create or replace function tests.rls_enabled(testing_schema text)
returns text
language sql
as $$
  select extensions.is(
    (
      select coalesce(array_agg(class.relname::text order by class.relname), '{}')
      from pg_catalog.pg_class as class
      join pg_catalog.pg_namespace as namespace on namespace.oid = class.relnamespace
      where namespace.nspname = testing_schema
        and class.relkind in ('r', 'p')
        and not class.relrowsecurity
    ),
    '{}'::text[],
    'every table in schema ' || testing_schema || ' has row level security enabled'
  );
$$;

create or replace function tests.rls_enabled(testing_schema text, testing_table text)
returns text
language sql
as $$
  select extensions.ok(
    coalesce((
      select class.relrowsecurity
      from pg_catalog.pg_class as class
      join pg_catalog.pg_namespace as namespace on namespace.oid = class.relnamespace
      where namespace.nspname = testing_schema and class.relname = testing_table
    ), false),
    testing_schema || '.' || testing_table || ' has row level security enabled'
  );
$$;

/*
 * now() for SQL that resolves names through search_path; SECURITY DEFINER functions with a
 * pinned search_path keep the real clock (as with basejump's helpers).
 */
create or replace function test_overrides.now()
returns timestamptz
language plpgsql
stable
as $$
begin
  if nullif(current_setting('tests.frozen_time', true), '') is not null then
    return current_setting('tests.frozen_time')::timestamptz;
  end if;
  return pg_catalog.now();
end;
$$;

create or replace function tests.freeze_time(frozen_time timestamptz)
returns void
language plpgsql
as $$
begin
  if current_setting('search_path') not like 'test_overrides,%' then
    perform set_config('tests.original_search_path', current_setting('search_path'), true);
    perform set_config('search_path', 'test_overrides,' || current_setting('search_path') || ',pg_catalog', true);
  end if;
  perform set_config('tests.frozen_time', frozen_time::text, true);
end;
$$;

create or replace function tests.unfreeze_time()
returns void
language plpgsql
as $$
begin
  perform set_config('tests.frozen_time', '', true);
  if nullif(current_setting('tests.original_search_path', true), '') is not null then
    perform set_config('search_path', current_setting('tests.original_search_path'), true);
  end if;
end;
$$;

/*
 * An agency with `owner_identifier` (created if missing) as owner, on `plan_id`. Run as postgres.
 */
create or replace function tests.create_agency(owner_identifier text, slug text, plan_id text default 'growth')
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  owner_id uuid;
  agency_id uuid;
begin
  select u.id into owner_id from tests.users as u where u.identifier = owner_identifier;
  if owner_id is null then
    owner_id := tests.create_supabase_user(owner_identifier);
  end if;
  insert into public.agencies (name, slug, plan_id, subscription_status, created_by)
  values (initcap(replace(slug, '-', ' ')), slug, create_agency.plan_id, 'active', owner_id)
  returning id into agency_id;
  insert into public.agency_members (agency_id, user_id, role) values (agency_id, owner_id, 'owner');
  return agency_id;
end;
$$;

/*
 * Adds `identifier` (created if missing) to an agency with `role`. Run as postgres.
 */
create or replace function tests.add_member(agency_id uuid, identifier text, role text default 'member')
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  user_id uuid;
begin
  select u.id into user_id from tests.users as u where u.identifier = add_member.identifier;
  if user_id is null then
    user_id := tests.create_supabase_user(identifier);
  end if;
  insert into public.agency_members (agency_id, user_id, role) values (add_member.agency_id, user_id, add_member.role);
  return user_id;
end;
$$;

/*
 * A libpq connection string back to this database as postgres, for dblink (a non-superuser
 * must connect with a password; local clusters use the password `postgres`).
 */
create or replace function tests.dblink_connection_string(application_name text)
returns text
language sql
stable
as $$
  select format(
    'host=127.0.0.1 port=%s dbname=%s user=%s password=postgres application_name=%s',
    current_setting('port'), current_database(), session_user, application_name
  );
$$;

/*
 * Runs `statements` at the same time on separate, committed connections, each signed in as the
 * test user in `identifiers` (same position; NULL = postgres) and each returning one text
 * column. A gate connection first runs the query `gate_sql` in an open transaction (e.g. a
 * SELECT ... FOR UPDATE of the row the statements will lock); once every statement is waiting
 * on a lock, the gate commits and they race. Returns each statement's outcome: 'ok: <value>' or '<SQLSTATE>: <message>'.
 */
create or replace function tests.run_concurrently(statements text[], identifiers text[], gate_sql text)
returns table (attempt integer, outcome text)
language plpgsql
as $$
declare
  attempts integer := cardinality(statements);
  connection text;
  waiting integer;
  deadline timestamptz := clock_timestamp() + interval '10 seconds';
  value text;
begin
  perform extensions.dblink_connect('tests_gate', tests.dblink_connection_string('tests_gate'));
  perform extensions.dblink_exec('tests_gate', 'begin');
  perform * from extensions.dblink('tests_gate', format('select count(*)::text from (%s) as gate', gate_sql))
    as locked (rows text);
  for i in 1 .. attempts loop
    connection := 'tests_race_' || i;
    perform extensions.dblink_connect(connection, tests.dblink_connection_string('tests_race'));
    if identifiers[i] is not null then
      perform extensions.dblink_exec(connection, 'set role authenticated');
      perform extensions.dblink_exec(
        connection, format('set request.jwt.claims = %L', tests.jwt_claims(identifiers[i])::text)
      );
    end if;
    perform extensions.dblink_send_query(connection, statements[i]);
  end loop;
  loop
    -- pg_stat_activity is read once per transaction unless the snapshot is cleared.
    perform pg_catalog.pg_stat_clear_snapshot();
    select count(*) into waiting
    from pg_catalog.pg_stat_activity
    where application_name = 'tests_race' and wait_event_type = 'Lock';
    exit when waiting = attempts;
    if clock_timestamp() > deadline then
      raise exception 'only % of % statements were waiting behind the gate after 10 s', waiting, attempts
        using hint = 'The gate must lock what the statements lock; call this as postgres (reset role).';
    end if;
    perform pg_catalog.pg_sleep(0.01);
  end loop;
  perform extensions.dblink_exec('tests_gate', 'commit');
  perform extensions.dblink_disconnect('tests_gate');
  for i in 1 .. attempts loop
    connection := 'tests_race_' || i;
    attempt := i;
    begin
      select result into value from extensions.dblink_get_result(connection) as t (result text);
      outcome := 'ok: ' || coalesce(value, '');
    exception when others then
      outcome := sqlstate || ': ' || sqlerrm;
    end;
    perform extensions.dblink_disconnect(connection);
    return next;
  end loop;
end;
$$;

/*
 * Runs one statement as the current role and says what happened, so a test can state the
 * exact expected outcome: 'N rows' (rows affected or returned) or '<SQLSTATE>: <message>'.
 */
create or replace function tests.try(statement text)
returns text
language plpgsql
as $$
declare
  affected bigint;
begin
  execute statement;
  get diagnostics affected = row_count;
  return affected || ' rows';
exception when others then
  return sqlstate || ': ' || sqlerrm;
end;
$$;

/*
 * Named ids of the fixture below ('a.client', 'b.transcript', ...).
 */
create table if not exists tests.fixture (name text primary key, id uuid not null);
grant select on tests.fixture to anon, authenticated, service_role;

create or replace function tests.id(name text)
returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  found_id uuid;
begin
  select f.id into found_id from tests.fixture as f where f.name = id.name;
  if found_id is null then
    raise exception 'fixture % not found', name;
  end if;
  return found_id;
end;
$$;

/*
 * Two agencies, `a` and `b` (growth plan, active), each with users <x>_owner, <x>_admin and
 * <x>_member and one row in every tenant table: client, transcript, analysis job with batch,
 * insight and result, content version, booking, feedback, usage, invitation and a Storage
 * object. Ids are in tests.fixture as '<x>.<thing>'. Run as postgres, inside the test's
 * transaction (it is rolled back with it).
 */
create or replace function tests.create_two_agencies()
returns void
language plpgsql
set search_path = ''
as $$
<<fixture>>
declare
  x text;
  agency_id uuid;
  client_id uuid;
  transcript_id uuid;
  job_id uuid;
  content_id uuid;
  object_key text;
begin
  foreach x in array array['a', 'b'] loop
    agency_id := tests.create_agency(x || '_owner', 'test-agency-' || x, 'growth');
    perform tests.add_member(agency_id, x || '_admin', 'admin');
    perform tests.add_member(agency_id, x || '_member', 'member');
    insert into tests.fixture values
      (x || '.agency', agency_id),
      (x || '.owner', tests.get_supabase_uid(x || '_owner')),
      (x || '.admin', tests.get_supabase_uid(x || '_admin')),
      (x || '.member', tests.get_supabase_uid(x || '_member'));

    insert into public.clients (agency_id, name, industry, created_by)
    values (agency_id, 'Client of ' || x, 'dental', tests.id(x || '.admin'))
    returning id into client_id;
    transcript_id := gen_random_uuid();
    object_key := agency_id || '/' || client_id || '/' || transcript_id || '.vtt';
    insert into public.transcripts (
      id, agency_id, client_id, file_name, storage_path, content_sha256, size_bytes, source_format,
      parse_status, canonical, speakers, outcome, created_by
    )
    values (
      transcript_id, agency_id, client_id, 'call-' || x || '.vtt', object_key,
      encode(sha256(convert_to('call ' || x, 'UTF8')), 'hex'), 120, 'webvtt', 'parsed',
      '{"format": "webvtt", "speakers": [], "turns": [], "metadata": {}}',
      '[{"name": "Rep", "role": "rep", "confidence": 0.9}, {"name": "Pat", "role": "prospect", "confidence": 0.9}]',
      'showed', tests.id(x || '.member')
    );
    insert into storage.objects (bucket_id, name, owner_id, metadata)
    values ('transcripts', object_key, tests.id(x || '.member')::text, '{"size": 120, "mimetype": "text/vtt"}');
    insert into public.analysis_jobs (agency_id, client_id, requested_by, batch_size, batches_total, transcripts_total)
    values (agency_id, client_id, tests.id(x || '.member'), 25, 1, 1)
    returning id into job_id;
    insert into public.analysis_batches (agency_id, job_id, batch_index, transcript_ids)
    values (agency_id, job_id, 0, array[transcript_id]);
    insert into public.transcript_insights (agency_id, job_id, transcript_id, awareness_level, confidence)
    values (agency_id, job_id, transcript_id, 'problem', 0.8);
    insert into public.analysis_results (agency_id, client_id, job_id, awareness_distribution)
    values (agency_id, client_id, job_id, '{"problem": 1}');
    insert into public.content_versions (agency_id, client_id, job_id, awareness_level, content_type, body, created_by)
    values (agency_id, client_id, job_id, 'problem', 'email_sequence', '{"emails": []}', tests.id(x || '.member'))
    returning id into content_id;
    insert into public.usage_tracking (agency_id, client_id, job_id, user_id, action)
    values (agency_id, client_id, job_id, tests.id(x || '.member'), 'analysis_started');
    insert into tests.fixture values
      (x || '.client', client_id),
      (x || '.transcript', transcript_id),
      (x || '.object', (select o.id from storage.objects as o where o.name = object_key)),
      (x || '.job', job_id),
      (x || '.batch', (select b.id from public.analysis_batches as b where b.job_id = fixture.job_id)),
      (x || '.insight', (select i.id from public.transcript_insights as i where i.job_id = fixture.job_id)),
      (x || '.result', (select r.id from public.analysis_results as r where r.job_id = fixture.job_id)),
      (x || '.content', content_id);
    insert into public.performance_tracking (agency_id, client_id, content_version_id, booking_ref, scheduled_call_at)
    values (agency_id, client_id, content_id, 'booking-' || x, now() + interval '1 day');
    insert into public.feedback_loop (agency_id, content_version_id, rating, created_by)
    values (agency_id, content_id, 4, tests.id(x || '.member'));
    insert into public.invitations (agency_id, role, token_hash, invited_by)
    values (agency_id, 'member', sha256(convert_to('token ' || x, 'UTF8')), tests.id(x || '.owner'));
    insert into tests.fixture values
      (x || '.booking', (select p.id from public.performance_tracking as p where p.booking_ref = 'booking-' || x and p.client_id = fixture.client_id)),
      (x || '.feedback', (select f.id from public.feedback_loop as f where f.content_version_id = content_id)),
      (x || '.invitation', (select i.id from public.invitations as i where i.agency_id = fixture.agency_id));
  end loop;
end;
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;
grant execute on all functions in schema test_overrides to anon, authenticated, service_role;

select ok(true, 'test helpers are installed');
select * from finish();
commit;
