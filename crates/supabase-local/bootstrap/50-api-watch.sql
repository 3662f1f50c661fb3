-- LOCAL ONLY: never shipped to hosted Supabase, never part of supabase/migrations.
--
-- Mirrors the PostgREST schema-cache watch of hosted projects (supabase/postgres
-- 20260923021047_update_pgrst_watch_triggers): after DDL outside the platform schemas,
-- `NOTIFY pgrst, 'reload schema'`. The local stand-in LISTENs on `pgrst` and re-introspects,
-- as PostgREST does. Event triggers need a superuser, so they live here, not in migrations.

-- DDL that changes what the Data API can see: tables, views, functions, types, schemas,
-- comments, and triggers (a trigger can change what a write returns).
create function extensions.pgrst_ddl_watch() returns event_trigger
language plpgsql
as $$
declare
  command record;
begin
  for command in select * from pg_catalog.pg_event_trigger_ddl_commands() loop
    if (
      command.command_tag in (
        'CREATE SCHEMA', 'ALTER SCHEMA',
        'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE',
        'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE',
        'CREATE VIEW', 'ALTER VIEW',
        'CREATE MATERIALIZED VIEW', 'ALTER MATERIALIZED VIEW',
        'CREATE FUNCTION', 'ALTER FUNCTION',
        'CREATE TYPE', 'ALTER TYPE',
        'CREATE RULE', 'COMMENT'
      )
      and coalesce(command.schema_name, '') not in ('pg_temp', 'auth', 'realtime', '_realtime', 'storage')
    ) or (
      command.command_tag = 'CREATE TRIGGER' and command.object_identity not like '% pg\_temp.%'
    ) then
      notify pgrst, 'reload schema';
    end if;
  end loop;
end;
$$;

-- Dropped objects of the same kinds.
create function extensions.pgrst_drop_watch() returns event_trigger
language plpgsql
as $$
declare
  dropped record;
begin
  for dropped in select * from pg_catalog.pg_event_trigger_dropped_objects() loop
    if (
      dropped.object_type in (
        'schema', 'table', 'foreign table', 'view', 'materialized view', 'function', 'type', 'rule'
      )
      and not dropped.is_temporary
      and coalesce(dropped.schema_name, '') not in ('auth', 'realtime', '_realtime', 'storage')
    ) or (
      dropped.object_type = 'trigger' and dropped.object_identity not like '% pg\_temp.%'
    ) then
      notify pgrst, 'reload schema';
    end if;
  end loop;
end;
$$;

create event trigger pgrst_ddl_watch on ddl_command_end
  execute function extensions.pgrst_ddl_watch();
create event trigger pgrst_drop_watch on sql_drop
  execute function extensions.pgrst_drop_watch();
