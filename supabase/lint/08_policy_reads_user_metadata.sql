-- user_metadata (raw_user_meta_data in auth.users) is written by the user themselves
-- (supabase.auth.updateUser({ data })). A policy that trusts it lets anyone grant themselves
-- access. Authorize from tables (memberships) or app_metadata, which only the server writes.
select format('policy %I on %I.%I', p.polname, n.nspname, c.relname) as object,
       'reads user_metadata, which every user can edit: authorize from a membership table (or app_metadata) instead' as message
from pg_catalog.pg_policy p
join pg_catalog.pg_class c on c.oid = p.polrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') ~* '(user_metadata|raw_user_meta_data)'
   or coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '') ~* '(user_metadata|raw_user_meta_data)'
order by 1
