-- An INSERT, UPDATE, DELETE (or ALL) policy whose condition is constant true lets every anon
-- or authenticated caller write any row: RLS is on but does nothing. (A constant SELECT
-- policy can be intended, e.g. a public catalogue, so reads are not checked.) Constant means
-- the expression refers to no column, calls no function and has no subquery, e.g. `true` or
-- `1 = 1`.
with policies as (
  select p.polname, p.polrelid, p.polcmd, p.polroles, 'USING' as clause, p.polqual as tree,
         pg_catalog.pg_get_expr(p.polqual, p.polrelid) as expression
  from pg_catalog.pg_policy p
  where p.polpermissive and p.polcmd in ('w', 'd', '*') and p.polqual is not null
  union all
  select p.polname, p.polrelid, p.polcmd, p.polroles, 'WITH CHECK', p.polwithcheck,
         pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)
  from pg_catalog.pg_policy p
  where p.polpermissive and p.polcmd in ('a', 'w', '*') and p.polwithcheck is not null
)
select format('policy %I on %I.%I', p.polname, n.nspname, c.relname) as object,
       format('%s policy with %s (%s) is always true for %s: restrict it to the rows the caller may write',
              case p.polcmd when 'a' then 'INSERT' when 'w' then 'UPDATE' when 'd' then 'DELETE' else 'ALL' end,
              p.clause, p.expression,
              (select pg_catalog.string_agg(case when target = 0 then 'public' else pg_catalog.pg_get_userbyid(target)::text end, ', ')
                 from pg_catalog.unnest(p.polroles) target)) as message
from policies p
join pg_catalog.pg_class c on c.oid = p.polrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where pg_catalog.lower(p.expression) <> 'false'
  and p.tree::text !~ '\{(VAR|SUBLINK|FUNCEXPR|PARAM|SQLVALUEFUNCTION|NEXTVALEXPR|CURRENTOFEXPR) '
  and exists (
    select 1 from pg_catalog.unnest(p.polroles) target
    where target = 0
       or pg_catalog.pg_has_role('anon', target, 'MEMBER')
       or pg_catalog.pg_has_role('authenticated', target, 'MEMBER')
  )
order by 1, 2
