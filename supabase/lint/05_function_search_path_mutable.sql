-- A function without a pinned search_path resolves unqualified names through the caller's
-- search_path, so a caller (or an object created later) can shadow a table or function it
-- uses; for SECURITY DEFINER functions that is a privilege escalation. Pin it:
-- `set search_path = ''` and qualify every name.
select p.oid::pg_catalog.regprocedure::text as object,
       'function without a pinned search_path: add `set search_path = ''''` and schema-qualify the names it uses' as message
from pg_catalog.pg_proc p
join pg_catalog.pg_namespace n on n.oid = p.pronamespace
where p.prokind in ('f', 'p')
  and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('lint.platform_schemas'), ','))
  and n.nspname !~ '^pg_'
  and not exists (
    select 1 from pg_catalog.unnest(p.proconfig) setting where setting like 'search\_path=%'
  )
  and not exists (
    select 1 from pg_catalog.pg_depend d
    where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.objid = p.oid and d.deptype = 'e'
  )
order by 1
