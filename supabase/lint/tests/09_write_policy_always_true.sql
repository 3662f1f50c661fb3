-- expect: policy lint_bad_insert_anything on public.lint_target
-- expect: policy lint_bad_update_anything on public.lint_target
-- expect: policy lint_bad_delete_constant on public.lint_target
-- expect: policy lint_bad_all_public on public.lint_target
create table public.lint_target (id bigint primary key, owner_id uuid);
alter table public.lint_target enable row level security;
create policy lint_bad_insert_anything on public.lint_target for insert to anon with check (true);
create policy lint_bad_update_anything on public.lint_target for update to authenticated
  using (owner_id = (select auth.uid())) with check (true);
create policy lint_bad_delete_constant on public.lint_target for delete to authenticated using (1 = 1);
create policy lint_bad_all_public on public.lint_target for all using (true);
create policy lint_ok_catalogue on public.lint_target for select to anon using (true);
create policy lint_ok_service on public.lint_target for delete to service_role using (true);
create policy lint_ok_owner_insert on public.lint_target for insert to authenticated
  with check (owner_id = (select auth.uid()));
create policy lint_ok_restrictive on public.lint_target as restrictive for update to authenticated using (true);
