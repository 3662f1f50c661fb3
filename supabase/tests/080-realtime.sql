/*
 * Realtime private broadcast authorization, probed the way Realtime does when a client joins
 * (supabase-contract.md §3.4): a privileged probe row is inserted on the topic, then read back
 * under the user's role, claims and `realtime.topic`. A member may join `agency:<own agency>`
 * and `job:<own agency's job>`, nothing else (case 13).
 */
begin;
select plan(13);
select tests.create_two_agencies();

create temporary table probes on commit drop as
  select * from (values
    ('agency:' || tests.id('a.agency'), 'broadcast'),
    ('agency:' || tests.id('a.agency'), 'presence'),
    ('agency:' || tests.id('b.agency'), 'broadcast'),
    ('job:' || tests.id('a.job'), 'broadcast'),
    ('job:' || tests.id('b.job'), 'broadcast'),
    ('job:' || tests.id('a.client'), 'broadcast'),
    ('agency:' || upper(tests.id('a.agency')::text), 'broadcast'),
    ('admin', 'broadcast')
  ) as probe (topic, extension);
insert into realtime.messages (topic, extension, payload, event, private)
select topic, extension, '{"probe": true}', 'probe', true from probes;
grant select on probes to authenticated, anon;

-- Join check: can the current user read the probe on this topic?
create function pg_temp.can_join(topic text, extension text default 'broadcast')
returns boolean
language sql
as $$
  select set_config('realtime.topic', topic, true) is not null
     and exists (
       select 1 from realtime.messages as message
       where message.topic = can_join.topic and message.extension = can_join.extension and message.event = 'probe'
     );
$$;

select tests.authenticate_as('a_member');
select ok(pg_temp.can_join('agency:' || tests.id('a.agency')), 'a member joins their agency''s topic');
select ok(pg_temp.can_join('job:' || tests.id('a.job')), 'a member joins a job topic of their agency');
select ok(not pg_temp.can_join('agency:' || tests.id('b.agency')), 'a member cannot join another agency''s topic');
select ok(not pg_temp.can_join('job:' || tests.id('b.job')), 'a member cannot join another agency''s job topic');
select ok(not pg_temp.can_join('job:' || tests.id('a.client')), 'a job topic with an id that is not a job is refused');
select ok(not pg_temp.can_join('agency:' || tests.id('a.agency'), 'presence'), 'presence is not allowed');
select ok(not pg_temp.can_join('agency:' || upper(tests.id('a.agency')::text)), 'only the exact topic form is accepted');
select ok(not pg_temp.can_join('admin'), 'any other topic is refused');
select is(
  (select count(*) from realtime.messages where event = 'probe'),
  0::bigint,
  'with no topic set a member reads no messages at all'
);
select is(
  tests.try($$insert into realtime.messages (topic, extension, payload, event) values ('agency:x', 'broadcast', '{}', 'fake')$$),
  '42501: new row violates row-level security policy for table "messages"',
  'clients cannot broadcast into topics themselves'
);

-- Removed members lose the channel; anon never had it.
reset role;
delete from agency_members where user_id = tests.id('a.member');
select tests.authenticate_as('a_member');
select ok(not pg_temp.can_join('agency:' || tests.id('a.agency')), 'a removed member can no longer join');
select ok(not pg_temp.can_join('job:' || tests.id('a.job')), 'nor the agency''s job topics');
select tests.clear_authentication();
select ok(not pg_temp.can_join('agency:' || tests.id('a.agency')), 'anon joins no private topic');

select * from finish();
rollback;
