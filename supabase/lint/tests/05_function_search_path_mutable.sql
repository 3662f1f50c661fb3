-- expect: public.lint_bad_unpinned(integer)
-- expect: lint_private.lint_bad_unpinned_helper()
create function public.lint_bad_unpinned(amount integer) returns integer
  language sql as 'select amount + 1';
create schema lint_private;
create function lint_private.lint_bad_unpinned_helper() returns uuid
  language sql security definer as 'select auth.uid()';
create function public.lint_ok_pinned(amount integer) returns integer
  language sql set search_path = '' as 'select amount + 1';
create function lint_private.lint_ok_pinned_to_public() returns integer
  language sql set search_path = public, pg_temp as 'select 1';
