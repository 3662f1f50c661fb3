/*
 * The test helpers do what the other files rely on: a signed-in test user has the claims of a
 * real access token, the service role has no user, anon has nothing, the clock can be frozen.
 */
begin;
select plan(11);
do $$ begin perform tests.create_supabase_user('helper_user', 'helper@example.com'); end $$;

select tests.authenticate_as('helper_user');
select is(current_user::text, 'authenticated', 'authenticate_as switches to the authenticated role');
select is(auth.uid(), tests.get_supabase_uid('helper_user'), 'auth.uid() is the test user');
select is(auth.role(), 'authenticated', 'the claims carry role = authenticated, as real tokens do');
select is(auth.jwt() ->> 'aud', 'authenticated', 'and aud = authenticated');
select is(auth.email(), 'helper@example.com', 'and the email');

select tests.authenticate_as_service_role();
select is(current_user::text, 'service_role', 'authenticate_as_service_role switches to service_role');
select is(auth.uid(), null, 'with no user');

select tests.clear_authentication();
select is(current_user::text, 'anon', 'clear_authentication leaves anon');
select is(auth.uid(), null, 'with no user');

reset role;
select tests.freeze_time('2030-01-02 03:04:05+00');
select is(now(), '2030-01-02 03:04:05+00'::timestamptz, 'freeze_time freezes now()');
select tests.unfreeze_time();
select isnt(now(), '2030-01-02 03:04:05+00'::timestamptz, 'unfreeze_time gives the clock back');

select * from finish();
rollback;
