-- expect: public.lint_bad_child
-- expect: public.lint_bad_composite_child
-- expect: public.lint_bad_second_column
create table public.lint_ok_parent (id uuid primary key, agency_id uuid not null, unique (id, agency_id));
create table public.lint_bad_child (id bigint primary key, parent_id uuid references public.lint_ok_parent (id));
create table public.lint_ok_child (id bigint primary key, parent_id uuid references public.lint_ok_parent (id));
create index on public.lint_ok_child (parent_id);
create table public.lint_bad_composite_child (
  id bigint primary key, parent_id uuid, agency_id uuid,
  foreign key (parent_id, agency_id) references public.lint_ok_parent (id, agency_id)
);
create index on public.lint_bad_composite_child (parent_id);
create table public.lint_ok_composite_child (
  id bigint primary key, parent_id uuid, agency_id uuid,
  foreign key (parent_id, agency_id) references public.lint_ok_parent (id, agency_id)
);
create index on public.lint_ok_composite_child (agency_id, parent_id, id);
create table public.lint_bad_second_column (
  id bigint primary key, created_at timestamptz, parent_id uuid references public.lint_ok_parent (id)
);
create index on public.lint_bad_second_column (created_at, parent_id);
create table public.lint_ok_pk_covers (parent_id uuid references public.lint_ok_parent (id), n int, primary key (parent_id, n));
