-- LOCAL ONLY: never shipped to hosted Supabase, never part of supabase/migrations.
--
-- Mirrors what hosted Realtime installs for Broadcast from the database (supabase/postgres init
-- script 00000000000003-realtime-schema; supabase/realtime migrations for realtime.messages,
-- realtime.topic(), realtime.send() and realtime.broadcast_changes(); contract §3.4), plus the
-- `supabase_realtime` publication of the initial schema. Owned by `supabase_realtime_admin`,
-- which the stand-in logs in as.
--
-- One deliberate local difference: hosted Realtime streams realtime.messages through logical
-- replication; the stand-in instead LISTENs on channel `realtime_messages`, fed by the
-- trigger at the end of this file.

create schema realtime authorization supabase_admin;
grant all on schema realtime to supabase_realtime_admin with grant option;
grant usage on schema realtime to postgres with grant option;
grant usage on schema realtime to anon, authenticated, service_role;
grant usage on schema auth to supabase_realtime_admin;
grant execute on all functions in schema auth to supabase_realtime_admin;
grant usage on schema extensions to supabase_realtime_admin;

set local role supabase_realtime_admin;

-- Broadcast and presence messages. Hosted partitions this table by day; a plain table
-- behaves the same for RLS. Policies on it decide who may join a private channel (read) and
-- who may send to it (insert).
create table realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default true,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  binary_payload bytea,
  primary key (id, inserted_at)
);
create index messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;
alter table realtime.messages enable row level security;

-- The sub-topic of the channel being authorized (set by Realtime, and by realtime.send()).
create function realtime.topic() returns text
language sql stable
as $$
  select nullif(current_setting('realtime.topic', true), '')::text
$$;

-- Broadcast `payload` as `event` on `topic`. Like hosted it never fails the caller's
-- transaction: any error (typically an RLS denial on realtime.messages) becomes a WARNING
-- 'ErrorSendingBroadcastMessage: …' and nothing is sent. The payload gets an `id` when it
-- has none, equal to the message id.
create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
declare
  message_id uuid := gen_random_uuid();
begin
  begin
    perform set_config('realtime.topic', topic, true);
    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (
      message_id,
      case when payload ? 'id' then payload else payload || jsonb_build_object('id', message_id) end,
      event,
      topic,
      private,
      'broadcast'
    );
  exception when others then
    raise warning 'ErrorSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;

-- Broadcast a row change from a row-level trigger:
-- `perform realtime.broadcast_changes('job:' || new.id, tg_op, tg_op, tg_table_name,
--  tg_table_schema, new, old)`. The payload is {record, old_record, operation, table, schema}.
create function realtime.broadcast_changes(
  topic_name text,
  event_name text,
  operation text,
  table_name text,
  table_schema text,
  new record,
  old record,
  level text default 'ROW'
) returns void
language plpgsql
as $$
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  if operation not in ('INSERT', 'UPDATE', 'DELETE') then
    raise exception 'Unexpected operation type: %', operation;
  end if;
  perform realtime.send(
    jsonb_build_object(
      'old_record', old,
      'record', new,
      'operation', operation,
      'table', table_name,
      'schema', table_schema
    ),
    event_name,
    topic_name,
    true
  );
exception when others then
  raise exception 'Failed to process the row: %', sqlerrm;
end;
$$;

-- LOCAL ONLY (no hosted counterpart): announce each committed message to the stand-in.
-- NOTIFY is delivered at COMMIT and dropped on ROLLBACK, which matches what logical
-- replication delivers on hosted (the join-authorization probes are rolled back).
create function realtime.local_notify_message() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_catalog.pg_notify('realtime_messages', new.id::text);
  return null;
end;
$$;

create trigger local_notify_message
  after insert on realtime.messages
  for each row execute function realtime.local_notify_message();

reset role;

grant select, insert, update on realtime.messages to postgres, anon, authenticated, service_role;
grant execute on function realtime.topic(), realtime.send(jsonb, text, text, boolean),
  realtime.broadcast_changes(text, text, text, text, text, record, record, text)
  to postgres, anon, authenticated, service_role;

-- The publication postgres_changes reads. Empty: migrations add their tables
-- (`alter publication supabase_realtime add table ...`), so `postgres` owns it, as on hosted.
set local role postgres;
create publication supabase_realtime;
reset role;
