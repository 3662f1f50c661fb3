-- expect: policy lint_bad_bare_uid on public.lint_target
-- expect: policy lint_bad_bare_jwt on public.lint_target
-- expect: policy lint_bad_bare_setting on public.lint_target
-- expect: policy lint_bad_in_subquery on public.lint_target
-- expect: policy lint_bad_bare_topic on public.lint_target
-- expect: policy lint_bad_one_of_two on public.lint_target
create table public.lint_target (id bigint primary key, owner_id uuid, topic text);
alter table public.lint_target enable row level security;
create table public.lint_ok_members (user_id uuid primary key);
create policy lint_bad_bare_uid on public.lint_target for select to authenticated
  using (owner_id = auth.uid());
create policy lint_bad_bare_jwt on public.lint_target for update to authenticated
  using (owner_id = (select auth.uid()))
  with check ((auth.jwt() ->> 'sub')::uuid = owner_id);
create policy lint_bad_bare_setting on public.lint_target for delete to authenticated
  using (owner_id::text = current_setting('request.jwt.claim.sub', true));
create policy lint_bad_in_subquery on public.lint_target for insert to authenticated
  with check (exists (select 1 from public.lint_ok_members m where m.user_id = auth.uid()));
create policy lint_bad_bare_topic on public.lint_target for select to anon
  using (topic = realtime.topic());
create policy lint_bad_one_of_two on public.lint_target for select to service_role
  using (owner_id = (select auth.uid()) or owner_id::text = auth.role());
create policy lint_ok_wrapped on public.lint_target for select to postgres
  using (
    owner_id = (select auth.uid())
    and (select auth.jwt() ->> 'role') = 'authenticated'
    and (select (auth.jwt() ->> 'aal')) = 'aal1'
    and (select current_setting('request.jwt.claims', true)::jsonb ->> 'sub') is not null
    and topic = (select realtime.topic())
  );
