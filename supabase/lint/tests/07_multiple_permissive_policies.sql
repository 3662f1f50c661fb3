-- expect: public.lint_bad_overlapping
-- expect: public.lint_bad_public_and_role
-- expect: public.lint_bad_all_and_select
create table public.lint_bad_overlapping (id bigint primary key, owner_id uuid, shared boolean);
alter table public.lint_bad_overlapping enable row level security;
create policy "Owners read" on public.lint_bad_overlapping for select to authenticated
  using (owner_id = (select auth.uid()));
create policy "Shared rows are readable" on public.lint_bad_overlapping for select to authenticated
  using (shared);

create table public.lint_bad_public_and_role (id bigint primary key, owner_id uuid);
alter table public.lint_bad_public_and_role enable row level security;
create policy "Anyone deletes own" on public.lint_bad_public_and_role for delete
  using (owner_id = (select auth.uid()));
create policy "Members delete own" on public.lint_bad_public_and_role for delete to authenticated
  using (owner_id = (select auth.uid()));

create table public.lint_bad_all_and_select (id bigint primary key, owner_id uuid);
alter table public.lint_bad_all_and_select enable row level security;
create policy "Owners do anything" on public.lint_bad_all_and_select for all to authenticated
  using (owner_id = (select auth.uid()));
create policy "Owners read" on public.lint_bad_all_and_select for select to authenticated
  using (owner_id = (select auth.uid()));

create table public.lint_ok_one_per_command (id bigint primary key, owner_id uuid);
alter table public.lint_ok_one_per_command enable row level security;
create policy "Owners read" on public.lint_ok_one_per_command for select to authenticated
  using (owner_id = (select auth.uid()));
create policy "Owners update" on public.lint_ok_one_per_command for update to authenticated
  using (owner_id = (select auth.uid()));
create policy "Restrict to members" on public.lint_ok_one_per_command as restrictive for select to authenticated
  using (owner_id is not null);
create policy "Anon reads nothing useful" on public.lint_ok_one_per_command for select to anon
  using (false);
