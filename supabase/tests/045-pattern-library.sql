/*
 * The cross-agency pattern library (case 15): any signed-in user reads it, only the service
 * role writes it, and it has no column that could carry an agency, a client, a person or raw
 * transcript text; patterns come from at least 3 agencies.
 */
begin;
select plan(8);
select tests.create_two_agencies();

select columns_are(
  'public', 'successful_patterns',
  array['id', 'industry', 'awareness_level', 'pattern_type', 'template', 'agency_count', 'trials', 'successes',
        'show_rate_estimate', 'show_rate_low', 'show_rate_high', 'created_at', 'updated_at'],
  'the pattern library has no agency, client, person or raw-text columns'
);

select tests.authenticate_as('a_member');
select ok((select count(*) from successful_patterns) > 0, 'a member of any agency reads the library');
select throws_ok(
  $$insert into successful_patterns (industry, awareness_level, pattern_type, template, agency_count, trials, successes, show_rate_estimate, show_rate_low, show_rate_high)
    values ('dental', 'problem', 'hook', 'x', 5, 10, 5, 0.5, 0.4, 0.6)$$,
  '42501', 'permission denied for table successful_patterns', 'members cannot add patterns'
);
select is(tests.try($$update successful_patterns set show_rate_estimate = 1$$), '42501: permission denied for table successful_patterns', 'or change them');
select is(tests.try($$delete from successful_patterns$$), '42501: permission denied for table successful_patterns', 'or delete them');

select tests.authenticate_as_service_role();
select lives_ok(
  $$insert into successful_patterns (industry, awareness_level, pattern_type, template, agency_count, trials, successes, show_rate_estimate, show_rate_low, show_rate_high)
    values ('dental', 'solution', 'hook', 'Aligners vs braces: {{benefit}}', 4, 40, 30, 0.72, 0.6, 0.82)$$,
  'the service role publishes a pattern'
);
select throws_ok(
  $$insert into successful_patterns (industry, awareness_level, pattern_type, template, agency_count, trials, successes, show_rate_estimate, show_rate_low, show_rate_high)
    values ('dental', 'solution', 'hook', 'From two agencies', 2, 40, 30, 0.72, 0.6, 0.82)$$,
  '23514', 'new row for relation "successful_patterns" violates check constraint "successful_patterns_drawn_from_at_least_3_agencies"',
  'a pattern drawn from fewer than 3 agencies is refused'
);
select throws_ok(
  $$insert into successful_patterns (industry, awareness_level, pattern_type, template, agency_count, trials, successes, show_rate_estimate, show_rate_low, show_rate_high)
    values ('dental', 'solution', 'hook', 'Too good', 3, 10, 11, 0.9, 0.8, 0.95)$$,
  '23514', 'new row for relation "successful_patterns" violates check constraint "successful_patterns_counts_are_consistent"',
  'more successes than trials is refused'
);

select * from finish();
rollback;
