-- demo user: olivia@northwind-growth.example / northwind-owner-2025 / Northwind Growth / owner
-- demo user: adam@northwind-growth.example / northwind-admin-2025 / Northwind Growth / admin
-- demo user: maya@northwind-growth.example / northwind-member-2025 / Northwind Growth / member
-- demo user: jordan@brightpath-media.example / brightpath-owner-2025 / Brightpath Media / owner
/*
 * Demo data for `cargo xtask dev` (run once, as postgres, in one transaction). Two agencies so
 * that isolation is visible: Northwind Growth (growth plan, three users, three clients with
 * transcripts, one finished analysis with live content and tracked bookings) and Brightpath
 * Media (starter plan, one user, one client). The lines above are printed by xtask.
 */

-- Users who can sign in with the passwords above (bcrypt via pgcrypto, GoTrue-compatible).
create function pg_temp.seed_user(user_id uuid, email text, password text, full_name text)
returns void
language sql
as $$
  insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at, last_sign_in_at,
    confirmation_token, recovery_token, email_change_token_new, email_change,
    email_change_token_current, phone_change, phone_change_token, reauthentication_token
  )
  values (
    '00000000-0000-0000-0000-000000000000', user_id, 'authenticated', 'authenticated', email,
    extensions.crypt(password, extensions.gen_salt('bf')), now(),
    '{"provider": "email", "providers": ["email"]}', jsonb_build_object('full_name', full_name),
    now(), now(), null, '', '', '', '', '', '', '', ''
  );
  insert into auth.identities (provider_id, user_id, identity_data, provider, created_at, updated_at)
  values (
    user_id::text, user_id,
    jsonb_build_object('sub', user_id::text, 'email', email, 'email_verified', true, 'phone_verified', false),
    'email', now(), now()
  );
$$;

do $seed$ begin
  perform pg_temp.seed_user('0a1d5e00-0000-4000-8000-000000000001', 'olivia@northwind-growth.example', 'northwind-owner-2025', 'Olivia Hart');
  perform pg_temp.seed_user('0a1d5e00-0000-4000-8000-000000000002', 'adam@northwind-growth.example', 'northwind-admin-2025', 'Adam Brooks');
  perform pg_temp.seed_user('0a1d5e00-0000-4000-8000-000000000003', 'maya@northwind-growth.example', 'northwind-member-2025', 'Maya Patel');
  perform pg_temp.seed_user('0a1d5e00-0000-4000-8000-000000000004', 'jordan@brightpath-media.example', 'brightpath-owner-2025', 'Jordan Reyes');
end $seed$;

insert into public.agencies (id, name, slug, plan_id, subscription_status, created_by)
values
  ('a9e0c1e5-0000-4000-8000-000000000001', 'Northwind Growth', 'northwind-growth', 'growth', 'active',
   '0a1d5e00-0000-4000-8000-000000000001'),
  ('a9e0c1e5-0000-4000-8000-000000000002', 'Brightpath Media', 'brightpath-media', 'starter', 'active',
   '0a1d5e00-0000-4000-8000-000000000004');

insert into public.agency_members (agency_id, user_id, role)
values
  ('a9e0c1e5-0000-4000-8000-000000000001', '0a1d5e00-0000-4000-8000-000000000001', 'owner'),
  ('a9e0c1e5-0000-4000-8000-000000000001', '0a1d5e00-0000-4000-8000-000000000002', 'admin'),
  ('a9e0c1e5-0000-4000-8000-000000000001', '0a1d5e00-0000-4000-8000-000000000003', 'member'),
  ('a9e0c1e5-0000-4000-8000-000000000002', '0a1d5e00-0000-4000-8000-000000000004', 'owner');

insert into public.clients (
  id, agency_id, name, industry, offer, price_min_cents, price_max_cents, current_show_rate,
  target_show_rate, who_books, booking_lead_time_hours, current_reminders, competitors, banned_words,
  notes, created_by
)
values
  ('c11e0700-0000-4000-8000-000000000001', 'a9e0c1e5-0000-4000-8000-000000000001',
   'Bright Smile Dental', 'dental',
   'Clear aligner and implant consultations for adults; free first consultation with 3D scan.',
   350000, 600000, 0.580, 0.800, 'prospect', 96,
   'One automated SMS from the practice software 24 hours before the appointment.',
   array['Aspen Dental', 'SmileDirectClub', 'Local orthodontists'], array['cheap', 'painless', 'guaranteed'],
   'Two chairs reserved for consultations on Tuesday and Thursday afternoons.',
   '0a1d5e00-0000-4000-8000-000000000002'),
  ('c11e0700-0000-4000-8000-000000000002', 'a9e0c1e5-0000-4000-8000-000000000001',
   'Elevate Leadership Coaching', 'business coaching',
   'Six-month executive coaching program for founders of 10-50 person companies.',
   600000, 1200000, 0.620, 0.850, 'setter', 72,
   'Calendly confirmation email only.',
   array['BetterUp', 'Vistage', 'Online leadership courses'], array['guru', 'hustle', 'crush it'],
   null, '0a1d5e00-0000-4000-8000-000000000002'),
  ('c11e0700-0000-4000-8000-000000000003', 'a9e0c1e5-0000-4000-8000-000000000001',
   'Ironclad IT Services', 'managed IT services',
   'Managed IT and cybersecurity for companies with 20-200 employees, priced per seat per month.',
   200000, 1500000, 0.710, 0.880, 'setter', 120,
   'Outlook invite from the SDR plus a reminder email the morning of the call.',
   array['Dataprise', 'Local MSPs', 'Hiring an internal IT manager'], array['synergy', 'cutting-edge'],
   'Prospects are usually the COO or office manager, not a technical buyer.',
   '0a1d5e00-0000-4000-8000-000000000001'),
  ('c11e0700-0000-4000-8000-000000000004', 'a9e0c1e5-0000-4000-8000-000000000002',
   'Summit Roofing Co.', 'home services',
   'Roof replacement and storm damage repair; free on-site inspection.',
   800000, 2500000, 0.540, 0.750, 'setter', 48,
   'Text from the office the day before.',
   array['Local handymen', 'Insurance-preferred contractors'], array['act now'],
   null, '0a1d5e00-0000-4000-8000-000000000004');

/*
 * A transcript in the canonical form of crates/engine (`Transcript` as JSON). Each turn is
 * 'Speaker|role|text'; turns are spaced 20 seconds apart.
 */
create function pg_temp.seed_transcript(
  transcript_id uuid, client_id uuid, file_name text, source_format text, call_date date,
  rep text, prospect text, outcome text, turns text[], created_by uuid
)
returns void
language sql
as $$
  with parsed as (
    select position - 1 as index,
           split_part(turn, '|', 1) as speaker,
           split_part(turn, '|', 2) as role,
           split_part(turn, '|', 3) as text
    from unnest(turns) with ordinality as turn_row (turn, position)
  ),
  speakers as (
    select jsonb_agg(jsonb_build_object('name', speaker, 'role', role, 'confidence', 0.9) order by first_index) as list
    from (select speaker, min(role) as role, min(index) as first_index from parsed group by speaker) as distinct_speakers
  ),
  canonical as (
    select jsonb_build_object(
      'format', source_format,
      'speakers', (select list from speakers),
      'turns', (
        select jsonb_agg(jsonb_build_object(
          'speaker', speaker, 'role', role, 'start_ms', index * 20000, 'end_ms', index * 20000 + 18000, 'text', text
        ) order by index)
        from parsed
      ),
      'metadata', jsonb_build_object(
        'date', call_date, 'rep', rep, 'prospect', prospect, 'outcome', outcome,
        'duration_ms', (select count(*) * 20000 from parsed)
      )
    ) as document
  )
  insert into public.transcripts (
    id, agency_id, client_id, file_name, content_sha256, size_bytes, source_format, parse_status,
    canonical, speakers, call_date, rep_name, prospect_name, outcome, duration_ms, created_by
  )
  select transcript_id, client.agency_id, client.id, file_name,
         encode(sha256(convert_to(array_to_string(turns, E'\n'), 'UTF8')), 'hex'),
         octet_length(array_to_string(turns, E'\n')), source_format, 'parsed',
         canonical.document, canonical.document -> 'speakers', call_date, rep, prospect, outcome,
         (canonical.document -> 'metadata' ->> 'duration_ms')::bigint, created_by
  from public.clients as client, canonical
  where client.id = seed_transcript.client_id;
$$;

-- Bright Smile Dental: treatment coordinator consultations.
do $seed$ begin
  perform pg_temp.seed_transcript('7a000000-0000-4000-8000-000000000101', 'c11e0700-0000-4000-8000-000000000001',
    'consult-2025-10-02-maria-lopez.vtt', 'webvtt', '2025-10-02', 'Rachel Kim', 'Maria Lopez', 'showed', array[
    'Rachel Kim|rep|Hi Maria, thanks for coming in. What made you book the consultation?',
    'Maria Lopez|prospect|Honestly I hate photos. My front teeth got more crooked over the last few years and I hide my mouth when I laugh.',
    'Rachel Kim|rep|That is really common. Does it get in the way anywhere besides photos?',
    'Maria Lopez|prospect|At work, kind of. I present to clients and I am self-conscious the whole time. I did not even know there was anything besides braces.',
    'Rachel Kim|rep|There are a few options. For adults we usually start by looking at clear aligners.',
    'Maria Lopez|prospect|Would that take years? I cannot do metal brackets at my age.',
    'Rachel Kim|rep|Most adult cases like yours take twelve to eighteen months, and nobody can really see them.',
    'Maria Lopez|prospect|Okay. That is a lot less scary than I thought it would be.'],
    '0a1d5e00-0000-4000-8000-000000000003');
  perform pg_temp.seed_transcript('7a000000-0000-4000-8000-000000000102', 'c11e0700-0000-4000-8000-000000000001',
    'consult-2025-10-07-david-chen.txt', 'speaker_text', '2025-10-07', 'Rachel Kim', 'David Chen', 'closed', array[
    'Rachel Kim|rep|David, you mentioned on the form you had already looked into aligners?',
    'David Chen|prospect|Yes, I compared Invisalign with one of the mail-order kits. I want to know what the total price is here and whether you do monthly payments.',
    'Rachel Kim|rep|The full treatment is four thousand two hundred, and we offer twelve or twenty-four month plans with no interest.',
    'David Chen|prospect|Does my Delta Dental plan cover any of it? And what happens if the trays stop fitting halfway?',
    'Rachel Kim|rep|Your plan covers up to fifteen hundred for orthodontics, and refinements are included at no extra cost.',
    'David Chen|prospect|Good. The mail-order one had no dentist checking in, which is why I came here. When could I start?',
    'Rachel Kim|rep|We can scan today and have your first trays in about three weeks.'],
    '0a1d5e00-0000-4000-8000-000000000003');
  perform pg_temp.seed_transcript('7a000000-0000-4000-8000-000000000103', 'c11e0700-0000-4000-8000-000000000001',
    'consult-2025-10-09-priya-shah.srt', 'srt', '2025-10-09', 'Rachel Kim', 'Priya Shah', 'lost', array[
    'Rachel Kim|rep|Priya, what is the main thing you would like to change?',
    'Priya Shah|prospect|I have a gap from a tooth I lost years ago and I chew on one side. My dentist said implants or a bridge.',
    'Rachel Kim|rep|Both can work. An implant replaces the root, so the neighbouring teeth are left alone.',
    'Priya Shah|prospect|My sister had a bridge and it was fine. I am mostly trying to understand why an implant costs so much more.',
    'Rachel Kim|rep|It lasts longer and protects the bone. I can walk you through the numbers side by side.',
    'Priya Shah|prospect|I think I need to talk it over at home first. It is a lot of money right now.'],
    '0a1d5e00-0000-4000-8000-000000000002');
  perform pg_temp.seed_transcript('7a000000-0000-4000-8000-000000000104', 'c11e0700-0000-4000-8000-000000000001',
    'setter-2025-10-12-tom-becker.vtt', 'webvtt', '2025-10-12', 'Rachel Kim', 'Tom Becker', 'no_show', array[
    'Rachel Kim|rep|Hi Tom, I am calling to confirm your consultation on Thursday at four.',
    'Tom Becker|prospect|Right, yes. Remind me what it is for again? I filled out a lot of forms that week.',
    'Rachel Kim|rep|It is the free aligner consultation with a 3D scan of your teeth.',
    'Tom Becker|prospect|Oh right. Work has been crazy, I will try to make it but I might have to move it.'],
    '0a1d5e00-0000-4000-8000-000000000003');

-- Elevate Leadership Coaching: setter-booked discovery calls with founders.
  perform pg_temp.seed_transcript('7a000000-0000-4000-8000-000000000201', 'c11e0700-0000-4000-8000-000000000002',
    'discovery-2025-10-03-laura-mills.vtt', 'webvtt', '2025-10-03', 'Chris Dunn', 'Laura Mills', 'showed', array[
    'Chris Dunn|rep|Laura, what is going on in the business that made you take this call?',
    'Laura Mills|prospect|We went from twelve to thirty people in a year and I am the bottleneck for every decision. I work until midnight and things still slip.',
    'Chris Dunn|rep|What have you tried so far?',
    'Laura Mills|prospect|I bought two online leadership courses and joined a founder peer group. The group is nice but nobody holds me to anything.',
    'Chris Dunn|rep|So you have the ideas, you are missing the follow-through on delegating.',
    'Laura Mills|prospect|Exactly. I need someone who knows my team and calls me out when I take work back.'],
    '0a1d5e00-0000-4000-8000-000000000003');
  perform pg_temp.seed_transcript('7a000000-0000-4000-8000-000000000202', 'c11e0700-0000-4000-8000-000000000002',
    'discovery-2025-10-08-ben-okafor.txt', 'speaker_text', '2025-10-08', 'Chris Dunn', 'Ben Okafor', 'closed', array[
    'Ben Okafor|prospect|Before we start, I looked at BetterUp and Vistage. Why would I pick a six-month program with you instead?',
    'Chris Dunn|rep|BetterUp matches you with a coach for general development, and Vistage is a peer group once a month. We work weekly on your actual operating rhythm with your leadership team.',
    'Ben Okafor|prospect|What does it cost and how do you measure whether it worked?',
    'Chris Dunn|rep|It is nine thousand for six months. We agree three measurable outcomes in week one and review them every month.',
    'Ben Okafor|prospect|Can my COO join some sessions? That is half the problem.',
    'Chris Dunn|rep|Yes, two of the monthly sessions can include your COO.'],
    '0a1d5e00-0000-4000-8000-000000000002');
  perform pg_temp.seed_transcript('7a000000-0000-4000-8000-000000000203', 'c11e0700-0000-4000-8000-000000000002',
    'discovery-2025-10-14-sara-lind.txt', 'otter', '2025-10-14', 'Chris Dunn', 'Sara Lind', 'unknown', array[
    'Chris Dunn|rep|Sara, thanks for your time. Where are you hoping to be in six months?',
    'Sara Lind|prospect|Honestly I do not know if I need a coach or a better operations hire. I just know my managers keep escalating everything to me.',
    'Chris Dunn|rep|That is a fair question. Often it is both, and the order matters.',
    'Sara Lind|prospect|I have also been told to just read a few books. How is this different from that?'],
    '0a1d5e00-0000-4000-8000-000000000003');

-- Ironclad IT Services: SDR-booked calls with operations leaders.
  perform pg_temp.seed_transcript('7a000000-0000-4000-8000-000000000301', 'c11e0700-0000-4000-8000-000000000003',
    'gong-2025-10-06-hannah-weiss.json', 'gong_json', '2025-10-06', 'Marcus Lee', 'Hannah Weiss', 'showed', array[
    'Marcus Lee|rep|Hannah, you are the COO at a sixty-person architecture firm, right? What is prompting the review?',
    'Hannah Weiss|prospect|Our IT guy left in August. Since then the office manager resets passwords and we had a phishing email that nearly paid a fake invoice.',
    'Marcus Lee|rep|That is scary. What happens today when a laptop breaks?',
    'Hannah Weiss|prospect|Someone drives it to a repair shop. We lose a designer for two days every time.',
    'Marcus Lee|rep|Have you looked at other ways of covering this?',
    'Hannah Weiss|prospect|We thought about hiring a replacement but it took four months last time.'],
    '0a1d5e00-0000-4000-8000-000000000001');
  perform pg_temp.seed_transcript('7a000000-0000-4000-8000-000000000302', 'c11e0700-0000-4000-8000-000000000003',
    'fireflies-2025-10-10-raj-menon.json', 'fireflies_json', '2025-10-10', 'Marcus Lee', 'Raj Menon', 'closed', array[
    'Raj Menon|prospect|We are comparing you with Dataprise. What is your response time SLA and what is the per-seat price?',
    'Marcus Lee|rep|Fifteen minutes for critical tickets, four hours for normal ones. It is one hundred and forty per seat per month, security included.',
    'Raj Menon|prospect|How long does onboarding take, and do you handle our Microsoft 365 migration?',
    'Marcus Lee|rep|Thirty days to full onboarding, and the migration is part of it at no extra cost.',
    'Raj Menon|prospect|Can you send two references from firms our size? If they check out we are ready to sign.'],
    '0a1d5e00-0000-4000-8000-000000000001');
  perform pg_temp.seed_transcript('7a000000-0000-4000-8000-000000000303', 'c11e0700-0000-4000-8000-000000000003',
    'call-2025-10-15-kelly-nguyen.vtt', 'webvtt', '2025-10-15', 'Marcus Lee', 'Kelly Nguyen', 'no_show', array[
    'Marcus Lee|rep|Kelly, quick call to confirm tomorrow. Is ten still good?',
    'Kelly Nguyen|prospect|I think so. I am not sure we need a full provider though, maybe just someone for backups.',
    'Marcus Lee|rep|Tomorrow we can look at exactly that and you can decide after.'],
    '0a1d5e00-0000-4000-8000-000000000001');

-- Brightpath Media's client: one inspection call.
  perform pg_temp.seed_transcript('7a000000-0000-4000-8000-000000000401', 'c11e0700-0000-4000-8000-000000000004',
    'inspection-2025-10-11-gary-pope.txt', 'speaker_text', '2025-10-11', 'Nina Alvarez', 'Gary Pope', 'showed', array[
    'Nina Alvarez|rep|Gary, you said the storm last week took some shingles off?',
    'Gary Pope|prospect|Yes, and there is a water stain on the bedroom ceiling now. I do not know if insurance covers it or who to even call.',
    'Nina Alvarez|rep|We see that a lot after hail. The inspector will document everything for your insurer.',
    'Gary Pope|prospect|Okay, as long as nobody pressures me into a whole new roof on the spot.'],
    '0a1d5e00-0000-4000-8000-000000000004');
end $seed$;

-- A finished analysis of Bright Smile Dental, with its report and live content.
insert into public.analysis_jobs (
  id, agency_id, client_id, requested_by, status, batch_size, batches_total, batches_done,
  transcripts_total, transcripts_done, distribution, started_at, finished_at, created_at
)
values (
  'b0b00000-0000-4000-8000-000000000001', 'a9e0c1e5-0000-4000-8000-000000000001',
  'c11e0700-0000-4000-8000-000000000001', '0a1d5e00-0000-4000-8000-000000000003', 'queued', 25, 1, 0,
  4, 0, '{}', null, null, now() - interval '2 days'
);
insert into public.analysis_batches (agency_id, job_id, batch_index, transcript_ids, status, attempts, result)
values (
  'a9e0c1e5-0000-4000-8000-000000000001', 'b0b00000-0000-4000-8000-000000000001', 0,
  array['7a000000-0000-4000-8000-000000000101', '7a000000-0000-4000-8000-000000000102',
        '7a000000-0000-4000-8000-000000000103', '7a000000-0000-4000-8000-000000000104']::uuid[],
  'done', 1, '{"transcripts": 4}'
);
insert into public.transcript_insights (agency_id, job_id, transcript_id, awareness_level, confidence, insights)
values
  ('a9e0c1e5-0000-4000-8000-000000000001', 'b0b00000-0000-4000-8000-000000000001',
   '7a000000-0000-4000-8000-000000000101', 'problem', 0.820,
   '{"pains": ["hides her smile in photos", "self-conscious when presenting"], "quotes": [{"text": "I hide my mouth when I laugh", "turn": 1}]}'),
  ('a9e0c1e5-0000-4000-8000-000000000001', 'b0b00000-0000-4000-8000-000000000001',
   '7a000000-0000-4000-8000-000000000102', 'product', 0.910,
   '{"objections": ["price", "insurance coverage"], "buying_signals": ["When could I start?"], "quotes": [{"text": "what is the total price here and whether you do monthly payments", "turn": 1}]}'),
  ('a9e0c1e5-0000-4000-8000-000000000001', 'b0b00000-0000-4000-8000-000000000001',
   '7a000000-0000-4000-8000-000000000103', 'solution', 0.740,
   '{"alternatives": ["bridge"], "objections": ["cost"], "quotes": [{"text": "why an implant costs so much more", "turn": 3}]}'),
  ('a9e0c1e5-0000-4000-8000-000000000001', 'b0b00000-0000-4000-8000-000000000001',
   '7a000000-0000-4000-8000-000000000104', 'problem', 0.610,
   '{"risk": ["forgot what the appointment was for"], "quotes": [{"text": "Remind me what it is for again?", "turn": 1}]}');
update public.analysis_jobs
set status = 'running', started_at = now() - interval '2 days'
where id = 'b0b00000-0000-4000-8000-000000000001';
update public.analysis_jobs
set status = 'completed', batches_done = 1, transcripts_done = 4,
    distribution = '{"problem": 2, "solution": 1, "product": 1}', finished_at = now() - interval '2 days'
where id = 'b0b00000-0000-4000-8000-000000000001';
insert into public.analysis_results (
  agency_id, client_id, job_id, awareness_distribution, segment_profiles, outcome_phrases, recommendations
)
values (
  'a9e0c1e5-0000-4000-8000-000000000001', 'c11e0700-0000-4000-8000-000000000001',
  'b0b00000-0000-4000-8000-000000000001',
  '{"problem": 0.5, "solution": 0.25, "product": 0.25}',
  '[{"awareness_level": "problem", "share": 0.5, "pains": ["hiding their smile", "not knowing options beyond braces"], "phrases": ["I hide my mouth when I laugh"]},
    {"awareness_level": "solution", "share": 0.25, "pains": ["cost of implants versus a bridge"], "phrases": ["why an implant costs so much more"]},
    {"awareness_level": "product", "share": 0.25, "objections": ["price", "insurance"], "phrases": ["monthly payments", "when could I start"]}]',
  '[{"phrase": "remind me what it is for", "outcome": "no_show", "count": 1}]',
  '["Restate what the consultation includes (3D scan, free) in the 24-hour reminder.", "Mention financing and insurance up front for product-aware prospects."]'
);
insert into public.usage_tracking (agency_id, client_id, job_id, user_id, action, credits, occurred_at)
values ('a9e0c1e5-0000-4000-8000-000000000001', 'c11e0700-0000-4000-8000-000000000001',
        'b0b00000-0000-4000-8000-000000000001', '0a1d5e00-0000-4000-8000-000000000003',
        'analysis_started', 1, now() - interval '2 days');

insert into public.content_versions (
  id, agency_id, client_id, job_id, awareness_level, content_type, body, lint_findings,
  predicted_show_rate, predicted_show_rate_low, predicted_show_rate_high, created_by
)
values (
  'c0c00000-0000-4000-8000-000000000001', 'a9e0c1e5-0000-4000-8000-000000000001',
  'c11e0700-0000-4000-8000-000000000001', 'b0b00000-0000-4000-8000-000000000001', 'problem', 'email_sequence',
  '{"emails": [
     {"send": "after_booking", "subject": "You do not have to hide your smile anymore", "body": "Hi {{first_name}}, your free consultation is booked for {{call_time}}. Bring one photo you avoided sharing; we will show you what twelve months can change."},
     {"send": "24h_before", "subject": "Tomorrow: your 3D smile scan", "body": "Hi {{first_name}}, tomorrow at {{call_time}} {{rep_name}} will scan your teeth and show you a preview. It takes 40 minutes and costs nothing."},
     {"send": "2h_before", "subject": "See you at {{call_time}}", "body": "We have your chair ready. Reply if you are running late."}
   ]}',
  '[]', 0.690, 0.610, 0.760, '0a1d5e00-0000-4000-8000-000000000003'
);
update public.content_versions set status = 'in_review' where id = 'c0c00000-0000-4000-8000-000000000001';
-- Approved by Adam (the admin): the approval stamp takes the signed-in user from the claims.
do $seed$ begin
  perform set_config('request.jwt.claims', '{"sub": "0a1d5e00-0000-4000-8000-000000000002"}', true);
end $seed$;
update public.content_versions set status = 'approved' where id = 'c0c00000-0000-4000-8000-000000000001';
do $seed$ begin
  perform set_config('request.jwt.claims', '', true);
end $seed$;
update public.content_versions set status = 'live' where id = 'c0c00000-0000-4000-8000-000000000001';
insert into public.content_versions (
  agency_id, client_id, job_id, awareness_level, content_type, body, created_by
)
values (
  'a9e0c1e5-0000-4000-8000-000000000001', 'c11e0700-0000-4000-8000-000000000001',
  'b0b00000-0000-4000-8000-000000000001', 'problem', 'email_sequence',
  '{"emails": [
     {"send": "after_booking", "subject": "You do not have to hide your smile anymore", "body": "Hi {{first_name}}, your free consultation is booked for {{call_time}}. Bring one photo you avoided sharing; we will show you what twelve months can change."},
     {"send": "24h_before", "subject": "Tomorrow at {{call_time}}: see your new smile before you decide", "body": "Hi {{first_name}}, {{rep_name}} will scan your teeth and show you a preview of the result. Free, about 40 minutes, no pressure to start."},
     {"send": "2h_before", "subject": "See you at {{call_time}}", "body": "We have your chair ready. Reply if you are running late."}
   ]}',
  '0a1d5e00-0000-4000-8000-000000000003'
);

insert into public.performance_tracking (
  agency_id, client_id, content_version_id, booking_ref, awareness_level, variant, scheduled_call_at,
  time_zone, status, outcome, clicks, replies, opens
)
select 'a9e0c1e5-0000-4000-8000-000000000001', 'c11e0700-0000-4000-8000-000000000001',
       'c0c00000-0000-4000-8000-000000000001', 'calendly-' || lpad(n::text, 4, '0'), 'problem', 'A',
       date_trunc('day', now()) - (n || ' days')::interval + interval '16 hours', 'America/Chicago',
       'completed', case when n % 4 = 0 then 'no_show' else 'showed' end, n % 3, n % 5 / 4, 1 + n % 2
from generate_series(1, 12) as n;

insert into public.feedback_loop (agency_id, content_version_id, rating, comment, created_by)
values ('a9e0c1e5-0000-4000-8000-000000000001', 'c0c00000-0000-4000-8000-000000000001', 4,
        'Strong subject lines. The 2-hour email could mention parking.', '0a1d5e00-0000-4000-8000-000000000002');

insert into public.successful_patterns (
  industry, awareness_level, pattern_type, template, agency_count, trials, successes,
  show_rate_estimate, show_rate_low, show_rate_high
)
values
  ('dental', 'problem', 'subject_line', 'You do not have to hide your {{pain_area}} anymore', 4, 180, 131, 0.720, 0.650, 0.780),
  ('dental', 'product', 'hook', 'Your plan covers up to {{coverage_amount}}; here is what is left', 3, 95, 71, 0.740, 0.650, 0.820),
  ('business coaching', 'solution', 'objection_handle',
   'Courses give you ideas; weekly sessions make you follow through on {{goal}}', 5, 240, 168, 0.690, 0.630, 0.750),
  ('managed IT services', 'product', 'subject_line', 'Your {{sla_minutes}}-minute response time, in writing', 3, 120, 96, 0.780, 0.700, 0.850);
