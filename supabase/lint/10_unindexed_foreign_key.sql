-- A foreign key without an index whose leading columns are the key's columns makes every
-- delete or key update on the referenced table scan the referencing table, and leaves joins
-- and policies on that column without an index. Add `create index on t (fk columns)`.
select format('%I.%I', n.nspname, c.relname) as object,
       format('foreign key %I (%s) has no index starting with its columns: create index on %I.%I (%s)',
              k.conname, columns.list, n.nspname, c.relname, columns.list) as message
from pg_catalog.pg_constraint k
join pg_catalog.pg_class c on c.oid = k.conrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
cross join lateral (
  select pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' order by key.position) as list
  from pg_catalog.unnest(k.conkey) with ordinality as key (attnum, position)
  join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = key.attnum
) as columns
where k.contype = 'f'
  and n.nspname <> all (pg_catalog.string_to_array(pg_catalog.current_setting('lint.platform_schemas'), ','))
  and n.nspname !~ '^pg_'
  and not exists (
    select 1
    from pg_catalog.pg_index i
    where i.indrelid = k.conrelid
      and i.indisvalid
      and i.indpred is null
      and i.indnkeyatts >= pg_catalog.cardinality(k.conkey)
      and (select pg_catalog.array_agg(x order by x) from pg_catalog.unnest(k.conkey) x)
        = (select pg_catalog.array_agg(x order by x)
             from pg_catalog.unnest((i.indkey::int2[])[0:pg_catalog.cardinality(k.conkey) - 1]) x)
  )
order by 1, 2
