/*
 * Storage: the private `transcripts` bucket and its object policies (case 14). Members read,
 * upload, overwrite and delete only under `<their agency>/<their agency's client>/`, and
 * only with the `<uuid>/<uuid>/<uuid>[.ext]` key shape.
 */
begin;
select plan(17);
select tests.create_two_agencies();
set local storage.allow_delete_query = 'true';

select is(
  (select public::text || ' ' || file_size_limit || ' ' || array_to_string(allowed_mime_types, ',') from storage.buckets where id = 'transcripts'),
  'false 52428800 text/plain,text/vtt,application/x-subrip,text/srt,application/json,text/markdown',
  'the transcripts bucket is private, with a size limit and the transcript MIME types'
);

select tests.authenticate_as('a_member');
select is(
  (select array_agg(id) from storage.objects where bucket_id = 'transcripts'),
  array[tests.id('a.object')],
  'listing the bucket shows only A''s files'
);
select is((select count(*) from storage.objects where id = tests.id('b.object')), 0::bigint, 'B''s file cannot be read (or signed)');

select is(tests.try(format($$insert into storage.objects (bucket_id, name, owner_id) values ('transcripts', %L, %L)$$,
  tests.id('a.agency') || '/' || tests.id('a.client') || '/' || gen_random_uuid() || '.srt', tests.id('a.member'))),
  '1 rows', 'a member uploads to their agency''s client folder');
select is(tests.try(format($$insert into storage.objects (bucket_id, name) values ('transcripts', %L)$$,
  tests.id('b.agency') || '/' || tests.id('b.client') || '/' || gen_random_uuid() || '.srt')),
  '42501: new row violates row-level security policy for table "objects"', 'uploading into B''s folder is refused');
select is(tests.try(format($$insert into storage.objects (bucket_id, name) values ('transcripts', %L)$$,
  tests.id('a.agency') || '/' || tests.id('b.client') || '/' || gen_random_uuid() || '.srt')),
  '42501: new row violates row-level security policy for table "objects"', 'uploading under A''s folder for B''s client is refused');
select is(tests.try(format($$insert into storage.objects (bucket_id, name) values ('transcripts', %L)$$,
  tests.id('a.agency') || '/' || tests.id('a.client') || '/' || 'evil' || chr(8238) || 'txt.exe')),
  '42501: new row violates row-level security policy for table "objects"', 'a name that is not a uuid key (here with a BiDi override) is refused');
select is(tests.try(format($$insert into storage.objects (bucket_id, name) values ('transcripts', %L)$$,
  tests.id('a.agency') || '/' || tests.id('a.client') || '/../' || gen_random_uuid())),
  '42501: new row violates row-level security policy for table "objects"', 'a path with .. is refused');
select is(tests.try(format($$insert into storage.objects (bucket_id, name) values ('transcripts', %L)$$,
  tests.id('a.agency') || '/' || gen_random_uuid() || '.txt')),
  '42501: new row violates row-level security policy for table "objects"', 'a key outside a client folder is refused');

-- Upsert = INSERT ... ON CONFLICT DO UPDATE: needs the SELECT, INSERT and UPDATE policies.
select is(tests.try(format($$insert into storage.objects (bucket_id, name, metadata) values ('transcripts', %L, '{"size": 1}')
  on conflict (bucket_id, name) do update set metadata = excluded.metadata$$,
  (select name from storage.objects where id = tests.id('a.object')))),
  '1 rows', 'a member overwrites their agency''s file (upsert)');
reset role;
select tests.authenticate_as('a_member');
select is(tests.try(format($$insert into storage.objects (bucket_id, name, metadata) values ('transcripts', %L, '{"size": 1}')
  on conflict (bucket_id, name) do update set metadata = excluded.metadata$$,
  (select name from storage.objects where id = tests.id('b.object')))),
  '42501: new row violates row-level security policy for table "objects"', 'upserting over B''s file is refused');
select is(tests.try(format($$update storage.objects set metadata = '{}' where id = %L$$, tests.id('b.object'))), '0 rows', 'B''s file cannot be changed');
select is(tests.try(format($$delete from storage.objects where id = %L$$, tests.id('b.object'))), '0 rows', 'B''s file cannot be deleted');
select is(tests.try(format($$delete from storage.objects where id = %L$$, tests.id('a.object'))), '1 rows', 'a member deletes their agency''s file');

reset role;
select tests.authenticate_as('b_owner');
select is((select count(*) from storage.objects where id = tests.id('b.object')), 1::bigint, 'B''s file is still there for B');
select tests.clear_authentication();
select is((select count(*) from storage.objects where bucket_id = 'transcripts'), 0::bigint, 'anon lists nothing');
select is(tests.try(format($$insert into storage.objects (bucket_id, name) values ('transcripts', %L)$$,
  tests.id('a.agency') || '/' || tests.id('a.client') || '/' || gen_random_uuid())),
  '42501: new row violates row-level security policy for table "objects"', 'anon uploads nothing');

select * from finish();
rollback;
