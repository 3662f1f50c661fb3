-- LOCAL ONLY: never shipped to hosted Supabase, never part of supabase/migrations.
--
-- Mirrors the schemas, extensions and default privileges of a hosted Supabase project
-- (supabase/postgres init script 00000000000000-initial-schema, the pg_graphql migrations for
-- `graphql_public`, and the Supabase CLI: the `supabase_migrations` history it keeps and the
-- default-privilege revoke it runs for `[api] auto_expose_new_tables = false`).

-- Extensions live in their own schema, owned by `postgres`, usable by the API roles.
create schema extensions authorization postgres;
grant usage on schema extensions to anon, authenticated, service_role, dashboard_user;

-- uuid-ossp and pgcrypto are trusted: created by `postgres`, as on hosted.
set local role postgres;
create extension if not exists "uuid-ossp" with schema extensions;
create extension if not exists pgcrypto with schema extensions;
reset role;
-- pg_stat_statements is not trusted; the server preloads it (see crates/xtask/src/pg.rs).
create extension if not exists pg_stat_statements with schema extensions;

-- The second schema PostgREST exposes on Supabase. It stays empty: pg_graphql is off by
-- default on new projects and Debian has no package for it.
create schema graphql_public authorization supabase_admin;
grant usage on schema graphql_public to postgres, anon, authenticated, service_role;

-- The migration history the Supabase CLI keeps (`supabase db push` / `migration list`),
-- owned by `postgres` because migrations run as `postgres`.
set local role postgres;
create schema supabase_migrations;
create table supabase_migrations.schema_migrations (
  version text primary key,
  statements text[],
  name text
);
create table supabase_migrations.seed_files (
  path text primary key,
  hash text not null
);
reset role;

-- Default privileges, in the mode of new hosted projects. The initial schema grants the API
-- roles everything on new objects `postgres` creates in `public`; the CLI then revokes table
-- reads and writes, sequence use and function execution again. What remains is exactly what
-- hosted keeps (TRUNCATE, REFERENCES and TRIGGER on tables; EXECUTE for PUBLIC, which is
-- PostgreSQL's own default for functions). So a migration that forgets
-- `grant select ... to authenticated` fails here with 42501, as it would after deploy.
alter default privileges for role postgres in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke select, insert, update, delete on tables from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke usage, select on sequences from anon, authenticated, service_role;
alter default privileges for role postgres in schema public
  revoke execute on functions from anon, authenticated, service_role;

-- Objects the platform itself (supabase_admin) creates in `public` are exposed, as on hosted.
alter default privileges for role supabase_admin in schema public
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_admin in schema public
  grant all on sequences to postgres, anon, authenticated, service_role;
