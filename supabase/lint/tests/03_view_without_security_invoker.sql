-- expect: public.lint_bad_definer_view
-- expect: lint_app.lint_bad_granted_view
create table public.lint_ok_base (id bigint primary key);
alter table public.lint_ok_base enable row level security;
create view public.lint_bad_definer_view as select id from public.lint_ok_base;
create view public.lint_ok_invoker_view with (security_invoker = true) as select id from public.lint_ok_base;
create view public.lint_ok_invoker_on_view with (security_invoker = on) as select id from public.lint_ok_base;
create schema lint_app;
grant usage on schema lint_app to authenticated;
create view lint_app.lint_bad_granted_view as select id from public.lint_ok_base;
grant select on lint_app.lint_bad_granted_view to authenticated;
create view lint_app.lint_ok_internal_view as select id from public.lint_ok_base;
