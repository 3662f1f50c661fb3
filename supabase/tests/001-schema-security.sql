/*
 * The shape of the schema that keeps tenants apart, checked from the catalog: RLS everywhere,
 * invoker views, SECURITY DEFINER only in `private` with a pinned search_path, no rights for
 * anon, agency_id on every tenant table with an index, one permissive policy per role and
 * command, auth.uid() and helpers wrapped in a select.
 */
begin;
select plan(14);

select tests.rls_enabled('public');
select tests.rls_enabled('public', 'transcripts');

select is(
  (select coalesce(array_agg(c.relname::text order by c.relname), '{}')
   from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname in ('public', 'graphql_public') and c.relkind in ('m', 'f')),
  '{}'::text[],
  'there are no materialized views or foreign tables in exposed schemas'
);

select is(
  (select coalesce(array_agg(c.relname::text order by c.relname), '{}')
   from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind = 'v'
     and not coalesce(c.reloptions @> array['security_invoker=true'], false)),
  '{}'::text[],
  'every view in public is security_invoker'
);

select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by 1), '{}')
   from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where p.prosecdef and n.nspname not in ('private')
     and n.nspname in ('public', 'graphql_public', 'tests')),
  '{}'::text[],
  'SECURITY DEFINER functions live only in the private schema'
);

select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by 1), '{}')
   from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname in ('public', 'private')
     and not exists (select 1 from unnest(p.proconfig) as setting where setting like 'search_path=%')),
  '{}'::text[],
  'every function in public and private pins its search_path'
);

select is(
  (select coalesce(array_agg(p.oid::regprocedure::text order by 1), '{}')
   from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname in ('public', 'private')
     and (has_function_privilege('anon', p.oid, 'execute') or p.proacl is null
          or exists (select 1 from aclexplode(p.proacl) as acl where acl.grantee = 0))),
  '{}'::text[],
  'no function in public or private is executable by anon or PUBLIC'
);

select is(
  (select coalesce(array_agg(c.relname::text order by c.relname), '{}')
   from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind in ('r', 'v', 'p')
     and (has_table_privilege('anon', c.oid, 'select') or has_table_privilege('anon', c.oid, 'insert')
          or has_table_privilege('anon', c.oid, 'update') or has_table_privilege('anon', c.oid, 'delete')
          or has_any_column_privilege('anon', c.oid, 'select, insert, update'))),
  '{}'::text[],
  'anon has no rights on any table or view in public'
);

select schema_privs_are('private', 'anon', array[]::text[], 'anon cannot even use the private schema');

select is(
  (select coalesce(array_agg(c.relname::text order by c.relname), '{}')
   from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind = 'r'
     and c.relname not in ('plans', 'successful_patterns')
     and not exists (
       select 1 from pg_attribute a
       where a.attrelid = c.oid and a.attname = 'agency_id' and a.attnotnull and not a.attisdropped
     )
     and c.relname <> 'agencies'),
  '{}'::text[],
  'every tenant table carries a NOT NULL agency_id'
);

select is(
  (select coalesce(array_agg(c.relname::text order by c.relname), '{}')
   from pg_class c join pg_namespace n on n.oid = c.relnamespace
   join pg_attribute a on a.attrelid = c.oid and a.attname = 'agency_id'
   where n.nspname = 'public' and c.relkind = 'r'
     and not exists (
       select 1 from pg_index i where i.indrelid = c.oid and i.indkey[0] = a.attnum
     )),
  '{}'::text[],
  'agency_id leads an index on every tenant table (the policies filter on it)'
);

-- Every foreign key has an index whose leading columns are exactly its columns (in any order),
-- so cascades and joins never scan (splinter 0001, our lint gate's check 10).
select is(
  (select coalesce(array_agg(con.conname::text order by 1), '{}')
   from pg_constraint con join pg_namespace n on n.oid = con.connamespace
   where con.contype = 'f' and n.nspname = 'public'
     and not exists (
       select 1 from pg_index i
       where i.indrelid = con.conrelid and i.indpred is null
         and (select array_agg(x order by x) from unnest(con.conkey) as x)
           = (select array_agg(x order by x) from unnest((i.indkey::int2[])[0:cardinality(con.conkey) - 1]) as x)
     )),
  '{}'::text[],
  'every foreign key is covered by an index'
);

select is(
  (select coalesce(array_agg(format('%s %s %s', tablename, cmd, role) order by 1), '{}')
   from (
     select p.tablename, command.cmd, role.role, count(*)
     from pg_policies p
     cross join lateral unnest(case when p.cmd = 'ALL' then array['SELECT', 'INSERT', 'UPDATE', 'DELETE'] else array[p.cmd] end) as command (cmd)
     cross join lateral unnest(p.roles) as role (role)
     where p.schemaname in ('public', 'storage', 'realtime') and p.permissive = 'PERMISSIVE'
     group by 1, 2, 3
     having count(*) > 1
   ) as duplicates),
  '{}'::text[],
  'at most one permissive policy per table, role and command'
);

select is(
  (select coalesce(array_agg(p.tablename || ': ' || p.policyname order by 1), '{}')
   from pg_policies p
   where p.schemaname in ('public', 'storage', 'realtime')
     and (
       regexp_replace(lower(coalesce(p.qual, '') || ' ' || coalesce(p.with_check, '')), 'select\s+(auth|private)\.', '', 'g')
         ~ '(auth\.(uid|jwt|role|email)|private\.[a-z_]+|current_setting)\('
       or coalesce(p.qual, '') || coalesce(p.with_check, '') ~ 'user_metadata'
     )),
  '{}'::text[],
  'policies call auth.* and private.* only wrapped in a select, and never read user_metadata'
);

select * from finish();
rollback;
