-- expect: public.lint_bad_rpc()
-- expect: lint_private.lint_bad_callable_by_anon()
create function public.lint_bad_rpc() returns int
  language sql security definer set search_path = '' as 'select 1';
create schema lint_private;
create function lint_private.lint_bad_callable_by_anon() returns int
  language sql security definer set search_path = '' as 'select 1';
create function lint_private.lint_ok_helper() returns int
  language sql security definer set search_path = '' as 'select 1';
revoke execute on function lint_private.lint_ok_helper() from public, anon;
grant execute on function lint_private.lint_ok_helper() to authenticated;
create function lint_private.lint_ok_trigger() returns trigger
  language plpgsql security definer set search_path = '' as 'begin return new; end';
create function public.lint_ok_invoker() returns int
  language sql set search_path = '' as 'select 1';
