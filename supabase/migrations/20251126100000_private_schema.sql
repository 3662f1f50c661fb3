/*
 * The `private` schema holds the helpers that policies, triggers and RPCs call. It is not
 * exposed through the Data API (supabase/config.toml lists only `public` and
 * `graphql_public`), so nothing in it is reachable as an RPC. SECURITY DEFINER code lives here
 * and only here, always with `set search_path = ''` and fully qualified names.
 */
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

-- Functions are executable by nobody by default: every function below grants EXECUTE
-- explicitly, to the roles that need it.
alter default privileges in schema public revoke execute on functions from public;
alter default privileges in schema private revoke execute on functions from public;

/*
 * Keeps `updated_at` current on every UPDATE.
 */
create function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
revoke all on function private.set_updated_at() from public;

/*
 * Refuses any change to the columns named in the trigger arguments (ids, agency_id,
 * created_by...), for every role including service_role. Column-level grants already keep
 * `authenticated` away from these columns; this trigger is the second gate.
 */
create function private.keep_columns_unchanged()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  column_name text;
  old_row jsonb := to_jsonb(old);
  new_row jsonb := to_jsonb(new);
begin
  foreach column_name in array tg_argv loop
    if old_row -> column_name is distinct from new_row -> column_name then
      raise exception '%.% cannot be changed', tg_table_name, column_name
        using errcode = '42501',
              hint = 'Create a new row instead of moving or re-attributing an existing one.';
    end if;
  end loop;
  return new;
end;
$$;
revoke all on function private.keep_columns_unchanged() from public;

/*
 * True when a one-line text (a name, a file name, a slug) holds no control characters and no
 * invisible formatting characters (BiDi overrides and isolates, zero-width characters, BOM)
 * that could disguise what a person reads.
 */
create function private.is_single_line_text(value text)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select value is null
      or value !~ '[\x01-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]';
$$;

/*
 * Like private.is_single_line_text, but tabs and line breaks are allowed (comments, notes).
 */
create function private.is_multi_line_text(value text)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select value is null
      or value !~ '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]';
$$;

/*
 * True when a text array has at most `max_items` items, each non-empty, one line and at most
 * `max_length` characters (competitors, banned words...).
 */
create function private.is_short_text_list(items text[], max_items integer, max_length integer)
returns boolean
language sql
immutable
parallel safe
set search_path = ''
as $$
  select items is null
      or (
        coalesce(cardinality(items), 0) <= max_items
        and not exists (
          select 1
          from unnest(items) as item
          where item is null
             or char_length(btrim(item)) = 0
             or char_length(item) > max_length
             or not private.is_single_line_text(item)
        )
      );
$$;

-- CHECK constraints call these as the writing role.
revoke all on function private.is_single_line_text(text) from public;
revoke all on function private.is_multi_line_text(text) from public;
revoke all on function private.is_short_text_list(text[], integer, integer) from public;
grant execute on function private.is_single_line_text(text) to authenticated, service_role;
grant execute on function private.is_multi_line_text(text) to authenticated, service_role;
grant execute on function private.is_short_text_list(text[], integer, integer) to authenticated, service_role;
