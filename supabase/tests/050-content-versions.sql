/*
 * Content versions: every save is a new numbered row linked to its parent, bodies never change,
 * status moves only along the allowed transitions, and approving or publishing takes an admin.
 */
begin;
select plan(24);
select tests.create_two_agencies();

-- Saving.
select tests.authenticate_as('a_member');
select is(tests.try(format($$insert into content_versions (agency_id, client_id, awareness_level, content_type, body)
  values (%L, %L, 'problem', 'email_sequence', '{"emails": [{"subject": "second"}]}')$$, tests.id('a.agency'), tests.id('a.client'))),
  '1 rows', 'a member saves a new version');
select is(
  (select array_agg(version::text || ':' || coalesce((select p.version::text from content_versions p where p.id = c.parent_id), '-') order by version)
   from content_versions c where client_id = tests.id('a.client') and content_type = 'email_sequence'),
  array['1:-', '2:1'],
  'it is version 2, and its parent is version 1'
);
select is(tests.try(format($$insert into content_versions (agency_id, client_id, awareness_level, content_type, body)
  values (%L, %L, 'product', 'sms', '{"messages": []}')$$, tests.id('a.agency'), tests.id('a.client'))),
  '1 rows', 'another lineage (level, type) starts its own numbering');
select is((select version from content_versions where client_id = tests.id('a.client') and content_type = 'sms'), 1, 'at version 1');
select is(tests.try(format($$insert into content_versions (agency_id, client_id, awareness_level, content_type, body, status)
  values (%L, %L, 'problem', 'sms', '{}', 'live')$$, tests.id('a.agency'), tests.id('a.client'))),
  '42501: permission denied for table content_versions', 'a member cannot save a version straight into live');
select is(tests.try(format($$insert into content_versions (agency_id, client_id, awareness_level, content_type, body, parent_id)
  values (%L, %L, 'solution', 'sms', '{}', %L)$$, tests.id('a.agency'), tests.id('a.client'), tests.id('a.content'))),
  '23514: the parent version belongs to another client, awareness level or content type', 'a parent from another lineage is refused');
select is(tests.try(format($$update content_versions set body = '{"emails": []}' where id = %L$$, tests.id('a.content'))),
  '42501: permission denied for table content_versions', 'a body cannot be edited in place');
select is(tests.try(format($$update content_versions set approved_by = %L where id = %L$$, tests.id('a.member'), tests.id('a.content'))),
  '42501: permission denied for table content_versions', 'approval cannot be forged');
select is(tests.try(format($$delete from content_versions where id = %L$$, tests.id('a.content'))),
  '42501: permission denied for table content_versions', 'versions cannot be deleted');

-- Status transitions.
select is(tests.try(format($$update content_versions set status = 'live' where id = %L$$, tests.id('a.content'))),
  '23514: content cannot go from draft to live', 'a draft cannot go live directly');
select is(tests.try(format($$update content_versions set status = 'in_review' where id = %L$$, tests.id('a.content'))),
  '1 rows', 'a member sends a draft to review');
select is(tests.try(format($$update content_versions set status = 'approved' where id = %L$$, tests.id('a.content'))),
  '42501: only admins and owners can approve content', 'a member cannot approve');
select tests.authenticate_as('a_admin');
select is(tests.try(format($$update content_versions set status = 'approved' where id = %L$$, tests.id('a.content'))),
  '1 rows', 'an admin approves');
select is(
  (select approved_by = tests.id('a.admin') and approved_at is not null from content_versions where id = tests.id('a.content')),
  true,
  'the approval is stamped with the admin and the time'
);
select tests.authenticate_as('a_member');
select is(tests.try(format($$update content_versions set status = 'live' where id = %L$$, tests.id('a.content'))),
  '42501: only admins and owners can publish content', 'a member cannot publish');
select tests.authenticate_as('a_admin');
select is(tests.try(format($$update content_versions set status = 'live' where id = %L$$, tests.id('a.content'))),
  '1 rows', 'an admin publishes');
select is((select status from clients where id = tests.id('a.client')), 'live', 'the client is now live');

-- Version 2 goes through review and replaces version 1 as the live one.
select is(tests.try(format($$update content_versions set status = 'in_review' where client_id = %L and content_type = 'email_sequence' and version = 2$$, tests.id('a.client'))), '1 rows', 'version 2 goes to review');
select is(tests.try(format($$update content_versions set status = 'approved' where client_id = %L and content_type = 'email_sequence' and version = 2$$, tests.id('a.client'))), '1 rows', 'version 2 is approved');
select is(tests.try(format($$update content_versions set status = 'live' where client_id = %L and content_type = 'email_sequence' and version = 2$$, tests.id('a.client'))), '1 rows', 'version 2 goes live');
select is(
  (select array_agg(version::text || ':' || status order by version) from content_versions
   where client_id = tests.id('a.client') and content_type = 'email_sequence'),
  array['1:archived', '2:live'],
  'version 1 was archived: one live version per lineage'
);
select is(tests.try(format($$update content_versions set status = 'draft' where id = %L$$, tests.id('a.content'))),
  '23514: content cannot go from archived to draft', 'archived is final');

-- The service role is held to the same history rules.
select tests.authenticate_as_service_role();
select is(tests.try(format($$update content_versions set body = '{}' where id = %L$$, tests.id('a.content'))),
  '42501: content_versions.body cannot be changed', 'not even the service role edits a body');
select is(tests.try(format($$insert into content_versions (agency_id, client_id, awareness_level, content_type, body, status)
  values (%L, %L, 'problem', 'deck_outline', '{}', 'approved')$$, tests.id('a.agency'), tests.id('a.client'))),
  '23514: a new content version starts as a draft', 'every new version starts as a draft');

select * from finish();
rollback;
