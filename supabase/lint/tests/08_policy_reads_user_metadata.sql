-- expect: policy lint_bad_metadata_role on public.lint_target
-- expect: policy lint_bad_raw_metadata on public.lint_target
create table public.lint_target (id bigint primary key, agency_id uuid);
alter table public.lint_target enable row level security;
create policy lint_bad_metadata_role on public.lint_target for select to authenticated
  using ((select auth.jwt() -> 'user_metadata' ->> 'agency_id')::uuid = agency_id);
create policy lint_bad_raw_metadata on public.lint_target for delete to authenticated
  using (exists (select 1 from auth.users u
                 where u.id = (select auth.uid()) and u.raw_user_meta_data ->> 'role' = 'admin'));
create policy lint_ok_app_metadata on public.lint_target for update to authenticated
  using ((select auth.jwt() -> 'app_metadata' ->> 'agency_id')::uuid = agency_id);
