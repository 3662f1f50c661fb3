-- Permissive policies for the same role and command are OR-ed, and PostgreSQL evaluates every
-- one of them for every row. Two of them usually mean a condition grew by accident (and the
-- wider one silently wins); merge them into one policy per role and command. Counted for the
-- roles RLS applies to through the Data API: anon and authenticated (a policy `to public`, or
-- to a role they belong to, applies to them too). FOR ALL counts for each command.
with policies as (
  select p.oid, p.polname, p.polrelid, p.polcmd, p.polroles
  from pg_catalog.pg_policy p
  where p.polpermissive
),
applies as (
  select p.polname, p.polrelid, api.role, command
  from policies p
  cross join (values ('anon'), ('authenticated')) as api (role)
  cross join lateral pg_catalog.unnest(
    case p.polcmd when '*' then array['SELECT', 'INSERT', 'UPDATE', 'DELETE']
                  when 'r' then array['SELECT'] when 'a' then array['INSERT']
                  when 'w' then array['UPDATE'] when 'd' then array['DELETE'] end
  ) as command
  where exists (
    select 1 from pg_catalog.unnest(p.polroles) target
    where target = 0 or pg_catalog.pg_has_role(api.role, target, 'MEMBER')
  )
)
select format('%I.%I', n.nspname, c.relname) as object,
       format('%s permissive policies for role %s and %s (%s): merge them into one',
              pg_catalog.count(*), a.role, a.command,
              pg_catalog.string_agg(pg_catalog.quote_ident(a.polname), ', ' order by a.polname)) as message
from applies a
join pg_catalog.pg_class c on c.oid = a.polrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
group by n.nspname, c.relname, a.role, a.command
having pg_catalog.count(*) > 1
order by 1, 2
