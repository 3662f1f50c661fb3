-- expect: public.lint_bad_no_key
-- expect: lint_private.lint_bad_log
create table public.lint_bad_no_key (id bigint unique, note text);
create schema lint_private;
create table lint_private.lint_bad_log (at timestamptz, line text);
create table public.lint_ok_keyed (id bigint primary key);
