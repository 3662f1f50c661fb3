-- auth.uid(), auth.jwt(), auth.role(), auth.email(), realtime.topic() and current_setting()
-- do not depend on the row, but called bare in a policy they are evaluated once per row.
-- Wrapped in a scalar subquery, `(select auth.uid())`, PostgreSQL evaluates them once per
-- statement (an InitPlan): on 100k rows, ~100 ms becomes ~1 ms. A call counts as wrapped
-- when `SELECT` (and only parentheses) comes right before it.
with expressions as (
  select p.polname, c.relname, n.nspname, 'USING' as clause, pg_catalog.pg_get_expr(p.polqual, p.polrelid) as expression
  from pg_catalog.pg_policy p
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where p.polqual is not null
  union all
  select p.polname, c.relname, n.nspname, 'WITH CHECK', pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)
  from pg_catalog.pg_policy p
  join pg_catalog.pg_class c on c.oid = p.polrelid
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where p.polwithcheck is not null
),
calls as (
  select e.*,
         pg_catalog.regexp_replace(
           e.expression,
           'SELECT\s+[(\s]*(auth\.(uid|jwt|role|email)|realtime\.topic|(pg_catalog\.)?current_setting)\(',
           'SELECT wrapped(',
           'gi'
         ) as unwrapped
  from expressions e
)
select format('policy %I on %I.%I', polname, nspname, relname) as object,
       format('%s calls %s per row: wrap it as (select %s(...))',
              clause,
              (pg_catalog.regexp_match(unwrapped, '(auth\.(uid|jwt|role|email)|realtime\.topic|(pg_catalog\.)?current_setting)\(', 'i'))[1],
              (pg_catalog.regexp_match(unwrapped, '(auth\.(uid|jwt|role|email)|realtime\.topic|(pg_catalog\.)?current_setting)\(', 'i'))[1]) as message
from calls
where unwrapped ~* '(auth\.(uid|jwt|role|email)|realtime\.topic|(pg_catalog\.)?current_setting)\('
order by 1, 2
