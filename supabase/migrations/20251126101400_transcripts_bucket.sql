/*
 * Storage for original transcript files: a private bucket whose object keys are
 * `<agency_id>/<client_id>/<uuid>[.ext]` (lower-case uuids; uploads must use exactly this shape). Members of an agency read, upload, overwrite (upsert
 * needs SELECT + INSERT + UPDATE) and delete objects under their own agency's client folders,
 * and nothing else.
 */
insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values (
  'transcripts', 'transcripts', false, 52428800,
  array['text/plain', 'text/vtt', 'application/x-subrip', 'text/srt', 'application/json', 'text/markdown']
)
on conflict (id) do update
set public = excluded.public,
    file_size_limit = excluded.file_size_limit,
    allowed_mime_types = excluded.allowed_mime_types;

/*
 * `<agency_id>/<client_id>` of every client of the signed-in user's agencies: the folders they
 * may use in the transcripts bucket.
 */
create function private.client_folders_of_current_user()
returns setof text
language sql
stable
security definer
set search_path = ''
as $$
  select client.agency_id::text || '/' || client.id::text
  from public.clients as client
  where client.agency_id in (
    select member.agency_id from public.agency_members as member where member.user_id = (select auth.uid())
  );
$$;
revoke all on function private.client_folders_of_current_user() from public;
grant execute on function private.client_folders_of_current_user() to authenticated, service_role;

create policy "Transcript files are readable by members of their agency"
  on storage.objects for select
  to authenticated
  using (
    bucket_id = 'transcripts'
    and array_to_string((storage.foldername(name))[1:2], '/')
        = any (array(select private.client_folders_of_current_user()))
  );

create policy "Transcript files can be uploaded by members of their agency"
  on storage.objects for insert
  to authenticated
  with check (
    bucket_id = 'transcripts'
    and name ~ '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/){2}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.[a-z0-9]{1,10})?$'
    and array_to_string((storage.foldername(name))[1:2], '/')
        = any (array(select private.client_folders_of_current_user()))
  );

create policy "Transcript files can be overwritten by members of their agency"
  on storage.objects for update
  to authenticated
  using (
    bucket_id = 'transcripts'
    and array_to_string((storage.foldername(name))[1:2], '/')
        = any (array(select private.client_folders_of_current_user()))
  )
  with check (
    bucket_id = 'transcripts'
    and name ~ '^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/){2}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.[a-z0-9]{1,10})?$'
    and array_to_string((storage.foldername(name))[1:2], '/')
        = any (array(select private.client_folders_of_current_user()))
  );

create policy "Transcript files can be deleted by members of their agency"
  on storage.objects for delete
  to authenticated
  using (
    bucket_id = 'transcripts'
    and array_to_string((storage.foldername(name))[1:2], '/')
        = any (array(select private.client_folders_of_current_user()))
  );
