-- expect: public.lint_bad_forgotten
create table public.lint_bad_forgotten (id bigint primary key, owner_id uuid);
create policy "Owners read" on public.lint_bad_forgotten for select
  using (owner_id = (select auth.uid()));
create table public.lint_ok_enabled (id bigint primary key, owner_id uuid);
alter table public.lint_ok_enabled enable row level security;
create policy "Owners read" on public.lint_ok_enabled for select
  using (owner_id = (select auth.uid()));
