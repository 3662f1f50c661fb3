-- Extensions installed into an exposed schema put their functions and tables on the Data API.
-- Install them `with schema extensions`.
select e.extname::text as object,
       format('extension installed in exposed schema %I: drop and recreate it with schema extensions', n.nspname) as message
from pg_catalog.pg_extension e
join pg_catalog.pg_namespace n on n.oid = e.extnamespace
where n.nspname = any (pg_catalog.string_to_array(pg_catalog.current_setting('lint.exposed_schemas'), ','))
  and e.extname <> 'plpgsql'
order by 1
