-- The local platform bootstrap behaves like hosted Supabase where our migrations, seed, tests
-- and the local stand-in depend on it. Run by `cargo xtask test --only db-bootstrap` with
-- pg_prove as `postgres` (as `supabase test db` does); everything is rolled back.
begin;
select plan(58);

-- Roles ---------------------------------------------------------------------------------
select is(
  (select rolsuper from pg_roles where rolname = current_user), false,
  'tests and migrations run as a non-superuser'
);
select is(current_user::text, 'postgres', 'pg_prove connects as postgres');
select ok(
  (select rolcreatedb and rolcreaterole and rolcanlogin and rolreplication and rolbypassrls
     from pg_roles where rolname = 'postgres'),
  'postgres has the hosted attributes: CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS'
);
select ok(
  pg_has_role('postgres', 'anon', 'member') and pg_has_role('postgres', 'authenticated', 'member')
    and pg_has_role('postgres', 'service_role', 'member'),
  'postgres is a member of the three API roles'
);
select is(
  (select array_agg(rolname::text order by rolname) from pg_roles
    where rolname in ('anon', 'authenticated', 'service_role') and not rolcanlogin and rolinherit),
  array['anon', 'authenticated', 'service_role'],
  'the API roles cannot log in and inherit'
);
select ok((select rolbypassrls from pg_roles where rolname = 'service_role'), 'service_role bypasses RLS');
select ok(
  not (select rolbypassrls from pg_roles where rolname = 'anon')
    and not (select rolbypassrls from pg_roles where rolname = 'authenticated'),
  'anon and authenticated are subject to RLS'
);
select ok(
  (select rolcanlogin and not rolinherit from pg_roles where rolname = 'authenticator')
    and pg_has_role('authenticator', 'authenticated', 'member')
    and not pg_has_role('authenticator', 'authenticated', 'usage'),
  'authenticator logs in, is granted the API roles but does not inherit their rights'
);
select is(
  (select array_agg(setting order by setting) from pg_db_role_setting s
     join pg_roles r on r.oid = s.setrole, unnest(s.setconfig) setting
    where r.rolname in ('anon', 'authenticated', 'authenticator')
      and setting ~ '^(statement|lock)_timeout'),
  array['lock_timeout=8s', 'statement_timeout=3s', 'statement_timeout=8s', 'statement_timeout=8s'],
  'API role timeouts: anon 3s, authenticated 8s, authenticator 8s statement and lock'
);
select is(
  (select setting from pg_db_role_setting s join pg_roles r on r.oid = s.setrole, unnest(s.setconfig) setting
    where r.rolname = 'postgres' and setting like 'search_path=%'),
  'search_path="$user", public, extensions',
  'postgres has the hosted search_path'
);
select is(
  (select nspowner::regrole::text from pg_namespace where nspname = 'public'), 'postgres',
  'postgres owns the public schema'
);
select ok(
  (select bool_and(rolcanlogin) from pg_roles
    where rolname in ('supabase_auth_admin', 'supabase_storage_admin', 'supabase_realtime_admin')),
  'the stand-in can log in as the auth, storage and realtime admins'
);
select is(
  (select count(*)::int from pg_roles where rolname in (
    'supabase_replication_admin', 'supabase_read_only_user', 'dashboard_user', 'pgbouncer',
    'supabase_functions_admin', 'supabase_etl_admin', 'supabase_superuser')
    and not rolcanlogin),
  7,
  'the other platform roles exist as NOLOGIN placeholders'
);

-- Schemas, extensions and default privileges ----------------------------------------------
select ok(
  (select bool_and(has_schema_privilege(role, schema, 'USAGE'))
     from unnest(array['anon', 'authenticated', 'service_role', 'postgres']) role,
          unnest(array['public', 'extensions', 'auth', 'storage', 'realtime', 'graphql_public']) schema),
  'the API roles and postgres may use public, extensions, auth, storage, realtime, graphql_public'
);
select throws_ok('create table auth.probe (id int)', '42501', null, 'postgres cannot create tables in auth');
select throws_ok('create table storage.probe (id int)', '42501', null, 'postgres cannot create tables in storage');
select throws_ok(
  'create function realtime.probe() returns int language sql as ''select 1''', '42501', null,
  'postgres cannot create functions in realtime'
);
select is(
  (select array_agg(extname::text order by extname) from pg_extension e
     join pg_namespace n on n.oid = e.extnamespace
    where n.nspname = 'extensions' and extname in ('uuid-ossp', 'pgcrypto')),
  array['pgcrypto', 'uuid-ossp'],
  'uuid-ossp and pgcrypto live in the extensions schema'
);
select is(
  (select tableowner::text from pg_tables where schemaname = 'supabase_migrations' and tablename = 'schema_migrations'),
  'postgres',
  'postgres owns the migration history'
);

create table public.platform_probe (id int primary key, owner_id uuid);
insert into public.platform_probe values (1, '00000000-0000-4000-8000-000000000001');
create function public.platform_probe_fn() returns int language sql as 'select 1';
create sequence public.platform_probe_seq;

set local role authenticated;
select throws_ok(
  'select * from public.platform_probe', '42501', 'permission denied for table platform_probe',
  'a new table grants nothing to authenticated (revoked default privileges, as on new hosted projects)'
);
reset role;
set local role anon;
select throws_ok(
  'insert into public.platform_probe values (2, null)', '42501', null,
  'a new table grants nothing to anon'
);
reset role;
set local role service_role;
select throws_ok(
  'select * from public.platform_probe', '42501', null,
  'a new table grants nothing to service_role either: migrations grant explicitly'
);
reset role;
select ok(
  not has_sequence_privilege('anon', 'public.platform_probe_seq', 'USAGE')
    and not has_sequence_privilege('authenticated', 'public.platform_probe_seq', 'SELECT'),
  'a new sequence grants neither USAGE nor SELECT to the API roles'
);
select ok(
  has_function_privilege('anon', 'public.platform_probe_fn()', 'EXECUTE'),
  'a new function stays executable through PUBLIC (PostgreSQL''s default, as on hosted)'
);
grant select on public.platform_probe to authenticated;
set local role authenticated;
select results_eq(
  'select id from public.platform_probe', array[1],
  'after an explicit GRANT, authenticated reads the table (no RLS on it yet)'
);
reset role;

-- auth ----------------------------------------------------------------------------------
select is(
  (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'auth' and c.relname in ('users', 'identities', 'sessions', 'refresh_tokens')
      and c.relrowsecurity and pg_get_userbyid(c.relowner) = 'supabase_auth_admin'),
  4,
  'auth tables are owned by supabase_auth_admin, with RLS on'
);
select is(
  (select array_agg(p.proname::text order by p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'auth' and pg_get_userbyid(p.proowner) = 'supabase_auth_admin'
      and p.provolatile = 's' and has_function_privilege('anon', p.oid, 'EXECUTE')),
  array['email', 'jwt', 'role', 'uid'],
  'auth.uid/role/email/jwt are STABLE, owned by supabase_auth_admin, executable by anon'
);
set local request.jwt.claims =
  '{"sub":"00000000-0000-4000-8000-00000000000a","role":"authenticated","email":"ana@example.com","aud":"authenticated"}';
select is(auth.uid(), '00000000-0000-4000-8000-00000000000a'::uuid, 'auth.uid() reads sub from request.jwt.claims');
select is(auth.role(), 'authenticated', 'auth.role() reads role');
select is(auth.email(), 'ana@example.com', 'auth.email() reads email');
select is(auth.jwt() ->> 'aud', 'authenticated', 'auth.jwt() returns the claims');
set local request.jwt.claim.sub = '00000000-0000-4000-8000-00000000000b';
select is(auth.uid(), '00000000-0000-4000-8000-00000000000b'::uuid, 'the legacy request.jwt.claim.sub wins when set');
set local request.jwt.claim.sub = '';
set local request.jwt.claims = '';
select is(auth.uid(), null, 'no claims: auth.uid() is null');

insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
values ('00000000-0000-0000-0000-000000000000', '00000000-0000-4000-8000-00000000000a', 'authenticated',
        'authenticated', 'ana@example.com', extensions.crypt('correct horse battery', extensions.gen_salt('bf')),
        '2026-01-02 03:04:05+00', '{"provider":"email","providers":["email"]}', '{}', now(), now());
insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
values ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000a',
        '{"sub":"00000000-0000-4000-8000-00000000000a","email":"Ana@Example.com"}', 'email', now(), now());
select is(
  (select confirmed_at from auth.users where email = 'ana@example.com'),
  '2026-01-02 03:04:05+00'::timestamptz,
  'postgres seeds users; confirmed_at is generated from email_confirmed_at'
);
select is(
  (select array[confirmation_token, recovery_token, email_change_token_new, email_change, phone_change_token, reauthentication_token]
     from auth.users where email = 'ana@example.com'),
  array['', '', '', '', '', '']::varchar[],
  'token columns default to '''' (NULLs there break GoTrue sign-ins)'
);
select is(
  (select email from auth.identities where user_id = '00000000-0000-4000-8000-00000000000a'),
  'ana@example.com',
  'identities.email is generated, lower-cased'
);
select throws_ok(
  $$insert into auth.users (id, email) values ('00000000-0000-4000-8000-00000000000c', 'ana@example.com')$$,
  '23505', null,
  'an email belongs to one (non-SSO) user'
);
set local role authenticated;
select throws_ok('select * from auth.users', '42501', null, 'the API roles cannot read auth.users');
reset role;

-- storage -------------------------------------------------------------------------------
insert into storage.buckets (id, name) values ('platform-probe', 'platform-probe');
insert into storage.objects (bucket_id, name, owner_id) values ('platform-probe', 'agency/client/call.final.txt', 'x');
select is(
  (select array[path_tokens::text, storage.foldername(name)::text, storage.filename(name), storage.extension(name)]
     from storage.objects where bucket_id = 'platform-probe'),
  array['{agency,client,call.final.txt}', '{agency,client}', 'call.final.txt', 'txt'],
  'path_tokens, foldername, filename and extension split object names like hosted'
);
select ok(
  (select bool_and(has_table_privilege(role, 'storage.objects', 'SELECT,INSERT,UPDATE,DELETE'))
     from unnest(array['anon', 'authenticated', 'service_role']) role),
  'the API roles hold all rights on storage.objects (RLS is the gate)'
);
select ok(
  (select relrowsecurity from pg_class where oid = 'storage.objects'::regclass)
    and (select relrowsecurity from pg_class where oid = 'storage.buckets'::regclass),
  'RLS is on for storage.objects and storage.buckets'
);
select throws_ok(
  $$delete from storage.objects where bucket_id = 'platform-probe'$$,
  '42501', 'Direct deletion from storage tables is not allowed. Use the Storage API instead.',
  'direct deletes from storage.objects are refused'
);
select throws_ok(
  $$delete from storage.buckets where id = 'platform-probe'$$, '42501', null,
  'direct deletes from storage.buckets are refused'
);
set local storage.allow_delete_query = 'true';
select lives_ok(
  $$delete from storage.objects where bucket_id = 'platform-probe'$$,
  'deletes pass when the transaction sets storage.allow_delete_query (as the Storage API does)'
);
set local storage.allow_delete_query = '';

-- realtime ------------------------------------------------------------------------------
select is(
  (select relrowsecurity from pg_class where oid = 'realtime.messages'::regclass), true,
  'RLS is on for realtime.messages'
);
select lives_ok($$select realtime.send('{"step":1}'::jsonb, 'progress', 'platform-probe:1')$$, 'postgres broadcasts');
select is(
  (select payload ->> 'id' = id::text and topic = 'platform-probe:1' and event = 'progress'
            and private and extension = 'broadcast'
     from realtime.messages where topic = 'platform-probe:1'),
  true,
  'realtime.send stores a private broadcast and adds the message id to the payload'
);
set local role authenticated;
set local request.jwt.claims = '{"sub":"00000000-0000-4000-8000-00000000000a","role":"authenticated"}';
set local client_min_messages = error;
select lives_ok(
  $$select realtime.send('{"step":2}'::jsonb, 'progress', 'platform-probe:2')$$,
  'realtime.send never fails its caller, even when RLS refuses the insert'
);
reset role;
reset client_min_messages;
select is(
  (select count(*)::int from realtime.messages where topic = 'platform-probe:2'), 0,
  '... and then nothing is sent (hosted only logs a WARNING)'
);
select lives_ok(
  $$select realtime.broadcast_changes('platform-probe:3', 'UPDATE', 'UPDATE', 'platform_probe', 'public', p, p)
      from public.platform_probe p$$,
  'a row change is broadcast'
);
select is(
  (select payload - 'id' from realtime.messages where topic = 'platform-probe:3'),
  '{"operation":"UPDATE","table":"platform_probe","schema":"public",
    "record":{"id":1,"owner_id":"00000000-0000-4000-8000-000000000001"},
    "old_record":{"id":1,"owner_id":"00000000-0000-4000-8000-000000000001"}}'::jsonb,
  'realtime.broadcast_changes sends record, old_record, operation, table and schema'
);
select is(
  (select count(*)::int from pg_trigger where tgrelid = 'realtime.messages'::regclass and tgname = 'local_notify_message'),
  1,
  'new messages are announced on channel realtime_messages for the stand-in'
);
select is(
  (select pg_get_userbyid(pubowner)::text from pg_publication where pubname = 'supabase_realtime'),
  'postgres',
  'postgres owns the supabase_realtime publication (migrations add their tables to it)'
);

-- What postgres may do to platform tables ------------------------------------------------
select lives_ok(
  $$create policy "probe" on storage.objects for select to authenticated using (bucket_id = 'platform-probe')$$,
  'postgres may create policies on storage.objects, as on hosted'
);
select lives_ok(
  $$create policy "probe" on realtime.messages for select to authenticated using ((select realtime.topic()) = 'x')$$,
  'postgres may create policies on realtime.messages'
);
select throws_ok(
  'create index on storage.objects (owner_id)', '42501', null,
  'postgres may not add indexes to storage.objects'
);
select throws_ok(
  'alter table realtime.messages disable row level security', '42501', null,
  'postgres may not alter realtime.messages'
);
select is(
  (select array_agg(evtname::text order by evtname) from pg_event_trigger where evtname like 'pgrst_%'),
  array['pgrst_ddl_watch', 'pgrst_drop_watch'],
  'the PostgREST schema-cache event triggers are installed'
);

select * from finish();
rollback;
