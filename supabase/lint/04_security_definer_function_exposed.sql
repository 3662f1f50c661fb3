-- A SECURITY DEFINER function runs with its owner's rights. In an exposed schema it is an RPC
-- anyone can call over the Data API; elsewhere it is still callable by anon when EXECUTE was
-- left to PUBLIC (PostgreSQL's default). Keep such helpers in a private schema and
-- `revoke execute ... from public, anon`. Trigger functions cannot be called directly, so only
-- their schema matters.
select p.oid::pg_catalog.regprocedure::text as object,
       case
         when n.nspname = any (pg_catalog.string_to_array(pg_catalog.current_setting('lint.exposed_schemas'), ','))
           then 'SECURITY DEFINER function in an exposed schema (callable as an RPC with its owner''s rights): move it to a private schema'
         else 'SECURITY DEFINER function executable by anon: revoke execute on function ... from public, anon (grant it to authenticated only if needed)'
       end as message
from pg_catalog.pg_proc p
join pg_catalog.pg_namespace n on n.oid = p.pronamespace
where p.prosecdef
  and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('lint.platform_schemas'), ','))
  and n.nspname !~ '^pg_'
  and (
    n.nspname = any (pg_catalog.string_to_array(pg_catalog.current_setting('lint.exposed_schemas'), ','))
    or (
      pg_catalog.has_function_privilege('anon', p.oid, 'EXECUTE')
      and p.prorettype not in ('pg_catalog.trigger'::pg_catalog.regtype, 'pg_catalog.event_trigger'::pg_catalog.regtype)
    )
  )
  and not exists (
    select 1 from pg_catalog.pg_depend d
    where d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass and d.objid = p.oid and d.deptype = 'e'
  )
order by 1
