-- Tables in a schema the Data API exposes must have row-level security on: without it, anyone
-- holding the public anon key can read (and, with a grant, write) every row. Materialized
-- views and foreign tables cannot have RLS at all, so the API roles must not be able to read
-- them there.
select format('%I.%I', n.nspname, c.relname) as object,
       case c.relkind
         when 'm' then 'materialized view in an exposed schema, readable by the API roles (it cannot have RLS): move it to a private schema'
         when 'f' then 'foreign table in an exposed schema, readable by the API roles (it ignores RLS): move it to a private schema'
         else 'table in an exposed schema without row level security: alter table ... enable row level security, then add policies'
       end as message
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = any (pg_catalog.string_to_array(pg_catalog.current_setting('lint.exposed_schemas'), ','))
  and (
    (c.relkind in ('r', 'p') and not c.relrowsecurity)
    or (c.relkind in ('m', 'f') and (
          pg_catalog.has_table_privilege('anon', c.oid, 'SELECT')
          or pg_catalog.has_table_privilege('authenticated', c.oid, 'SELECT')))
  )
  and not exists (
    select 1 from pg_catalog.pg_depend d
    where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e'
  )
order by 1
