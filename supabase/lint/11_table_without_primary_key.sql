-- Every application table needs a primary key: PostgREST uses it for upserts and the
-- `Location` header, Realtime to identify rows, and replication to apply updates.
select format('%I.%I', n.nspname, c.relname) as object,
       'table without a primary key: add one' as message
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p')
  and not c.relispartition
  and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('lint.platform_schemas'), ','))
  and n.nspname !~ '^pg_'
  and not exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid and i.indisprimary)
  and not exists (
    select 1 from pg_catalog.pg_depend d
    where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass and d.objid = c.oid and d.deptype = 'e'
  )
order by 1
