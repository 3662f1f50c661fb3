/*
 * Transcripts of sales calls, one per uploaded file. The original file is kept in Storage
 * (bucket `transcripts`, key `<agency_id>/<client_id>/<uuid>[.ext]`); the parsed canonical
 * transcript (crates/engine `Transcript` as JSON) is kept here. Re-uploading the same file for
 * the same client is refused by content_sha256 (HTTP 409). Members of the agency read, add,
 * correct and delete transcripts.
 *
 * `speakers` is the source of truth for roles: [{"name", "role": rep|prospect|unknown,
 * "confidence", "corrected_by_user"}]. A role a user corrected (corrected_by_user = true) wins
 * over any later automatic guess for the same speaker name.
 */
create table public.transcripts (
  id uuid primary key default gen_random_uuid(),
  agency_id uuid not null,
  client_id uuid not null,
  file_name text not null,
  storage_path text,
  content_sha256 text not null,
  size_bytes bigint not null,
  source_format text,
  parse_status text not null default 'pending',
  parse_error text,
  canonical jsonb,
  speakers jsonb not null default '[]',
  call_date date,
  rep_name text,
  prospect_name text,
  outcome text not null default 'unknown',
  duration_ms bigint,
  created_by uuid default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint transcripts_client_belongs_to_agency foreign key (client_id, agency_id)
    references public.clients (id, agency_id) on delete cascade,
  constraint transcripts_id_agency_id_key unique (id, agency_id),
  constraint transcripts_same_file_already_uploaded_for_client unique (client_id, content_sha256),
  constraint transcripts_storage_path_is_unique unique (storage_path),
  constraint transcripts_file_name_length check (char_length(file_name) between 1 and 255),
  constraint transcripts_file_name_is_plain_text check (private.is_single_line_text(file_name)),
  constraint transcripts_storage_path_in_client_folder check (
    storage_path ~ (
      '^' || agency_id::text || '/' || client_id::text
      || '/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.[a-z0-9]{1,10})?$'
    )
  ),
  constraint transcripts_content_sha256_is_hex check (content_sha256 ~ '^[0-9a-f]{64}$'),
  constraint transcripts_size_bytes_range check (size_bytes between 0 and 52428800),
  constraint transcripts_source_format_is_known check (
    source_format in ('speaker_text', 'webvtt', 'srt', 'otter', 'gong_json', 'fireflies_json', 'unlabeled')
  ),
  constraint transcripts_parse_status_is_known check (parse_status in ('pending', 'parsed', 'failed')),
  constraint transcripts_failed_parse_has_error check ((parse_status = 'failed') = (parse_error is not null)),
  constraint transcripts_parsed_has_canonical check (parse_status <> 'parsed' or canonical is not null),
  constraint transcripts_parse_error_length check (char_length(parse_error) <= 2000),
  constraint transcripts_canonical_is_object check (jsonb_typeof(canonical) = 'object'),
  constraint transcripts_speakers_is_array check (
    jsonb_typeof(speakers) = 'array' and jsonb_array_length(speakers) <= 100
  ),
  constraint transcripts_rep_name_length check (char_length(rep_name) <= 200 and private.is_single_line_text(rep_name)),
  constraint transcripts_prospect_name_length check (
    char_length(prospect_name) <= 200 and private.is_single_line_text(prospect_name)
  ),
  constraint transcripts_outcome_is_known check (outcome in ('showed', 'no_show', 'closed', 'lost', 'unknown')),
  constraint transcripts_duration_is_not_negative check (duration_ms >= 0),
  constraint transcripts_call_date_is_plausible check (call_date between date '2000-01-01' and date '2100-01-01')
);

comment on table public.transcripts is 'One uploaded call transcript: file metadata, parse result and call facts.';
comment on column public.transcripts.storage_path is
  'Key in the transcripts bucket: <agency_id>/<client_id>/<uuid>[.ext]; NULL when there is no original file.';
comment on column public.transcripts.content_sha256 is 'SHA-256 (hex) of the original bytes; unique per client.';
comment on column public.transcripts.canonical is 'The parsed transcript, crates/engine Transcript as JSON.';
comment on column public.transcripts.speakers is
  'Speakers with roles: [{name, role, confidence, corrected_by_user}]. User corrections win.';

create index transcripts_agency_id_client_id_idx on public.transcripts (agency_id, client_id);
create index transcripts_client_id_created_at_idx on public.transcripts (client_id, created_at desc);
create index transcripts_created_by_idx on public.transcripts (created_by);

create trigger set_updated_at
  before update on public.transcripts
  for each row execute function private.set_updated_at();

create trigger keep_columns_unchanged
  before update on public.transcripts
  for each row execute function private.keep_columns_unchanged(
    'id', 'agency_id', 'client_id', 'storage_path', 'content_sha256', 'size_bytes', 'created_by', 'created_at'
  );

create trigger touch_clients
  after insert on public.transcripts
  referencing new table as changed_rows
  for each statement execute function private.touch_clients_of_changed_rows();

/*
 * Keeps roles a user corrected: when `speakers` is rewritten (a re-parse, an automatic guess),
 * a speaker whose old entry has corrected_by_user = true keeps that role unless the new entry
 * is itself a user correction.
 */
create function private.keep_user_corrected_speaker_roles()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.speakers := (
    select coalesce(
      jsonb_agg(
        case
          when corrected.entry is not null
           and coalesce(new_speaker.entry ->> 'corrected_by_user', 'false') <> 'true'
          then new_speaker.entry || jsonb_build_object(
            'role', corrected.entry -> 'role', 'confidence', 1, 'corrected_by_user', true
          )
          else new_speaker.entry
        end
        order by new_speaker.position
      ),
      '[]'::jsonb
    )
    from jsonb_array_elements(new.speakers) with ordinality as new_speaker (entry, position)
    left join lateral (
      select old_speaker.entry
      from jsonb_array_elements(old.speakers) as old_speaker (entry)
      where old_speaker.entry ->> 'name' = new_speaker.entry ->> 'name'
        and old_speaker.entry ->> 'corrected_by_user' = 'true'
      limit 1
    ) as corrected on true
  );
  return new;
end;
$$;
revoke all on function private.keep_user_corrected_speaker_roles() from public;

create trigger keep_user_corrected_speaker_roles
  before update of speakers on public.transcripts
  for each row
  when (jsonb_typeof(new.speakers) = 'array' and jsonb_typeof(old.speakers) = 'array')
  execute function private.keep_user_corrected_speaker_roles();

alter table public.transcripts enable row level security;

create policy "Transcripts are viewable by members of their agency"
  on public.transcripts for select
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Transcripts can be added by members of their agency"
  on public.transcripts for insert
  to authenticated
  with check (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Transcripts can be corrected by members of their agency"
  on public.transcripts for update
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())))
  with check (agency_id = any (array(select private.agency_ids_of_current_user())));

create policy "Transcripts can be deleted by members of their agency"
  on public.transcripts for delete
  to authenticated
  using (agency_id = any (array(select private.agency_ids_of_current_user())));

grant select, delete on table public.transcripts to authenticated;
grant insert (
  id, agency_id, client_id, file_name, storage_path, content_sha256, size_bytes, source_format,
  parse_status, parse_error, canonical, speakers, call_date, rep_name, prospect_name, outcome, duration_ms
) on table public.transcripts to authenticated;
grant update (
  file_name, source_format, parse_status, parse_error, canonical, speakers, call_date, rep_name,
  prospect_name, outcome, duration_ms
) on table public.transcripts to authenticated;
grant select, insert, update, delete on table public.transcripts to service_role;
