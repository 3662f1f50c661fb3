-- Policies on a table whose row-level security is off do nothing: the author believed the
-- table was protected, but every row is visible to whoever has a grant.
select format('%I.%I', n.nspname, c.relname) as object,
       format('has %s polic%s (%s) but row level security is disabled: alter table ... enable row level security',
              pg_catalog.count(*), case when pg_catalog.count(*) = 1 then 'y' else 'ies' end,
              pg_catalog.string_agg(pg_catalog.quote_ident(p.polname), ', ' order by p.polname)) as message
from pg_catalog.pg_policy p
join pg_catalog.pg_class c on c.oid = p.polrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where not c.relrowsecurity
group by n.nspname, c.relname
order by 1
