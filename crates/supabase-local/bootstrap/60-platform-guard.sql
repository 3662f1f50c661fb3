-- LOCAL ONLY: never shipped to hosted Supabase, never part of supabase/migrations.
--
-- Mirrors what hosted lets `postgres` do to the platform's own tables. On hosted, `postgres`
-- does not own storage.objects or realtime.messages, yet migrations create policies on them:
-- the supautils extension grants exactly that ("policy grants") and nothing more. Debian has
-- no supautils, and plain PostgreSQL only lets a table's owner (or a member of the owner role)
-- create policies. So locally `postgres` is a member of the owning service roles, and the
-- event triggers below take back everything hosted would refuse: `postgres` may create, alter
-- and drop policies and triggers on objects in auth, storage and realtime (triggers it may
-- create on hosted too, through its TRIGGER privilege), and run GRANT/REVOKE there — but not
-- create, alter or drop tables, indexes, functions or types in those schemas.

grant supabase_storage_admin to postgres;
grant supabase_realtime_admin to postgres;

-- The functions live in xtask's bookkeeping schema `_local_platform` (see
-- crates/xtask/src/pg.rs). Event-trigger functions run with the rights of whoever ran the
-- DDL, so they reference nothing that `postgres` could not use.
create function _local_platform.guard_on_ddl() returns event_trigger
language plpgsql
set search_path = ''
as $$
declare
  command record;
begin
  if (select rolsuper from pg_catalog.pg_roles where rolname = current_user)
     or current_user in ('supabase_auth_admin', 'supabase_storage_admin', 'supabase_realtime_admin') then
    return;
  end if;
  for command in select * from pg_catalog.pg_event_trigger_ddl_commands() loop
    if command.schema_name in ('auth', 'storage', 'realtime')
       and command.command_tag not in (
         'CREATE POLICY', 'ALTER POLICY', 'CREATE TRIGGER', 'ALTER TRIGGER', 'GRANT', 'REVOKE'
       ) then
      raise exception 'permission denied: % on % (schema "%" belongs to the Supabase platform)',
        command.command_tag, command.object_identity, command.schema_name
        using errcode = '42501',
              hint = 'Hosted Supabase lets migrations add policies and triggers to platform tables, nothing else.';
    end if;
  end loop;
end;
$$;

create function _local_platform.guard_on_drop() returns event_trigger
language plpgsql
set search_path = ''
as $$
declare
  dropped record;
begin
  if (select rolsuper from pg_catalog.pg_roles where rolname = current_user)
     or current_user in ('supabase_auth_admin', 'supabase_storage_admin', 'supabase_realtime_admin') then
    return;
  end if;
  for dropped in select * from pg_catalog.pg_event_trigger_dropped_objects() loop
    if dropped.original
       and dropped.schema_name in ('auth', 'storage', 'realtime')
       and dropped.object_type not in ('policy', 'trigger') then
      raise exception 'permission denied: cannot drop % % (schema "%" belongs to the Supabase platform)',
        dropped.object_type, dropped.object_identity, dropped.schema_name
        using errcode = '42501';
    end if;
  end loop;
end;
$$;

create event trigger local_platform_guard_ddl on ddl_command_end
  execute function _local_platform.guard_on_ddl();
create event trigger local_platform_guard_drop on sql_drop
  execute function _local_platform.guard_on_drop();
