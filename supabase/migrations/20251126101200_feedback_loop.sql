/*
 * Ratings (1-5) and comments on content versions, one per person and version. Members read
 * their agency's feedback and write, change or delete their own.
 */
create table public.feedback_loop (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null,
  content_version_id uuid not null,
  rating smallint not null,
  comment text,
  created_by uuid not null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint feedback_loop_content_version_belongs_to_agency foreign key (content_version_id, agency_id)
    references public.content_versions (id, agency_id) on delete cascade,
  constraint feedback_loop_one_per_person_and_version unique (content_version_id, created_by),
  constraint feedback_loop_rating_between_1_and_5 check (rating between 1 and 5),
  constraint feedback_loop_comment_length check (char_length(comment) <= 2000 and private.is_multi_line_text(comment))
);

comment on table public.feedback_loop is 'A person''s rating and comment on one content version.';

create index feedback_loop_agency_id_idx on public.feedback_loop (agency_id, content_version_id);
create index feedback_loop_created_by_idx on public.feedback_loop (created_by);

create trigger set_updated_at
  before update on public.feedback_loop
  for each row execute function private.set_updated_at();

create trigger keep_columns_unchanged
  before update on public.feedback_loop
  for each row execute function private.keep_columns_unchanged(
    'id', 'agency_id', 'content_version_id', 'created_by', 'created_at'
  );

alter table public.feedback_loop enable row level security;

create policy "Feedback is viewable by members of its agency"
  on public.feedback_loop for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Feedback can be given by members of the agency, as themselves"
  on public.feedback_loop for insert
  to authenticated
  with check (
    agency_id = any (array(select private.agency_ids_of_current_user()))
    and created_by = (select auth.uid())
  );

create policy "Feedback can be changed by its author"
  on public.feedback_loop for update
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())) and created_by = (select auth.uid()))
  with check (agency_id = any (array(select private.agency_ids_of_current_user())) and created_by = (select auth.uid()));

create policy "Feedback can be deleted by its author"
  on public.feedback_loop for delete
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())) and created_by = (select auth.uid()));

grant select, delete on table public.feedback_loop to authenticated;
grant insert (id, agency_id, content_version_id, rating, comment) on table public.feedback_loop to authenticated;
grant update (rating, comment) on table public.feedback_loop to authenticated;
grant select, insert, update, delete on table public.feedback_loop to service_role;
