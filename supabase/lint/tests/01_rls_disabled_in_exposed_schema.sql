-- expect: public.lint_bad_open_table
-- expect: public.lint_bad_summary
create table public.lint_bad_open_table (id bigint primary key);
create table public.lint_ok_protected (id bigint primary key);
alter table public.lint_ok_protected enable row level security;
create materialized view public.lint_bad_summary as select 1 as total;
grant select on public.lint_bad_summary to authenticated;
create materialized view public.lint_ok_unreadable_summary as select 1 as total;
create schema lint_ok_private;
create table lint_ok_private.lint_ok_internal (id bigint primary key);
