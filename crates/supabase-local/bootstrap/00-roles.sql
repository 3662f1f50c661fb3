-- LOCAL ONLY: never shipped to hosted Supabase, never part of supabase/migrations.
--
-- Mirrors the roles of a hosted Supabase project (supabase/postgres init scripts
-- 00000000000000-initial-schema, 10000000000000_demote-postgres,
-- 20221028101028_set_authenticator_timeout, 20230201083204_grant_auth_roles_to_postgres,
-- 20230529180330_alter_api_roles_for_inherit, 20231130133139_set_lock_timeout_to_authenticator_role,
-- 20260821154147_revoke_createrole_from_auth_admin).
--
-- Applied by `cargo xtask` as the bootstrap superuser `supabase_admin` (created by initdb),
-- in one transaction. Every login role has the local password `postgres`.

-- The bootstrap superuser, with the attributes hosted gives it.
alter role supabase_admin with superuser createdb createrole replication bypassrls;
alter role supabase_admin set search_path to "$user", public, auth, extensions;

-- The role migrations, the seed and the SQL tests run as. On hosted it is demoted from
-- superuser after the platform is installed: exactly these attributes, never SUPERUSER, so
-- superuser-only DDL fails here as it would on deploy.
create role postgres with nosuperuser createdb createrole login replication bypassrls password 'postgres';
alter role postgres set search_path to "$user", public, extensions;

-- The Data API roles. PostgREST switches to one of them per request (`set local role`).
create role anon nologin inherit;
create role authenticated nologin inherit;
create role service_role nologin inherit bypassrls;
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- The role the API servers log in as; it can only become one of the API roles.
create role authenticator with login noinherit password 'postgres';
grant anon, authenticated, service_role to authenticator;
alter role authenticator set statement_timeout = '8s';
alter role authenticator set lock_timeout = '8s';

-- `postgres` may impersonate the API roles (the SQL tests do `set local role authenticated`).
grant anon, authenticated, service_role to postgres;

-- Service roles. The local stand-in (crates/supabase-local) connects as the first three.
create role supabase_auth_admin with noinherit nocreaterole login noreplication password 'postgres';
alter role supabase_auth_admin set search_path to auth;
create role supabase_storage_admin with noinherit createrole login noreplication password 'postgres';
alter role supabase_storage_admin set search_path to storage;
create role supabase_realtime_admin with noinherit createrole login replication password 'postgres';
alter role supabase_realtime_admin set search_path to public, extensions, realtime;
grant anon, authenticated, service_role to supabase_realtime_admin;

-- Placeholders for the other platform roles, so a grant or policy naming them applies
-- unchanged. None can log in locally.
create role supabase_replication_admin with nologin replication;
create role supabase_etl_admin with nologin replication;
create role supabase_read_only_user with nologin bypassrls;
grant pg_read_all_data to supabase_read_only_user;
create role dashboard_user with nologin createdb createrole replication;
create role pgbouncer with nologin;
create role supabase_functions_admin with nologin noinherit createrole;
create role supabase_superuser with nologin;

-- Database-level rights as on hosted: `postgres` may create schemas and trusted extensions;
-- the service roles create their own objects.
grant all on database postgres to postgres, dashboard_user;
grant create on database postgres to supabase_auth_admin, supabase_storage_admin, supabase_realtime_admin;

-- The `public` schema belongs to `postgres`, as on hosted; the API roles may use it.
alter schema public owner to postgres;
grant usage on schema public to anon, authenticated, service_role;
grant usage, create on schema public to supabase_realtime_admin;
