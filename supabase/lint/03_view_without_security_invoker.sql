-- A view runs with its owner's rights unless it is created `with (security_invoker = true)`.
-- Owned by `postgres` (BYPASSRLS), such a view hands every row of its tables to any caller,
-- bypassing their policies. Checked for every view in an exposed schema, and for views in
-- other application schemas that the API roles can read.
select format('%I.%I', n.nspname, c.relname) as object,
       'view runs with its owner''s rights and bypasses RLS: recreate it with (security_invoker = true)' as message
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where c.relkind = 'v'
  and (
    n.nspname = any (pg_catalog.string_to_array(pg_catalog.current_setting('lint.exposed_schemas'), ','))
    or (
      n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('lint.platform_schemas'), ','))
      and n.nspname !~ '^pg_'
      and (pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
           or pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT'))
    )
  )
  and not exists (
    select 1 from pg_catalog.pg_options_to_table(c.reloptions) o
    where o.option_name = 'security_invoker'
      and pg_catalog.lower(o.option_value) in ('true', 'on', 'yes', '1', 't', 'y')
  )
  and not exists (
    select 1 from pg_catalog.pg_depend d
    where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e'
  )
order by 1
