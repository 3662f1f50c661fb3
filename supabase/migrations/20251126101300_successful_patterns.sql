/*
 * The cross-agency pattern library: what worked, per industry and awareness level, aggregated
 * and anonymised by a service-role job. By design it has no agency, client or person columns
 * and no raw transcript text: `template` is a generalised pattern (merge fields instead of
 * names), published only when drawn from at least 3 agencies. Any signed-in user reads it;
 * only the service role writes it.
 */
create table public.successful_patterns (
  id uuid primary key default gen_random_uuid(),
  industry text not null,
  awareness_level text not null,
  pattern_type text not null,
  template text not null,
  agency_count integer not null,
  trials integer not null,
  successes integer not null,
  show_rate_estimate numeric(4, 3) not null,
  show_rate_low numeric(4, 3) not null,
  show_rate_high numeric(4, 3) not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint successful_patterns_is_unique unique (industry, awareness_level, pattern_type, template),
  constraint successful_patterns_industry_format check (
    char_length(industry) between 1 and 100 and private.is_single_line_text(industry)
  ),
  constraint successful_patterns_awareness_level_is_known check (awareness_level in ('problem', 'solution', 'product')),
  constraint successful_patterns_pattern_type_is_known check (
    pattern_type in ('subject_line', 'hook', 'objection_handle', 'call_to_action', 'sms')
  ),
  constraint successful_patterns_template_length check (
    char_length(template) between 1 and 500 and private.is_multi_line_text(template)
  ),
  constraint successful_patterns_drawn_from_at_least_3_agencies check (agency_count >= 3),
  constraint successful_patterns_counts_are_consistent check (trials >= 1 and successes between 0 and trials),
  constraint successful_patterns_estimate_in_interval check (
    show_rate_low between 0 and show_rate_estimate
    and show_rate_estimate <= show_rate_high and show_rate_high <= 1
  )
);

comment on table public.successful_patterns is
  'Anonymised cross-agency patterns per industry x awareness level, ranked by shrunk show-rate estimates.';

create index successful_patterns_ranking_idx
  on public.successful_patterns (industry, awareness_level, show_rate_estimate desc);

create trigger set_updated_at
  before update on public.successful_patterns
  for each row execute function private.set_updated_at();

alter table public.successful_patterns enable row level security;

create policy "Patterns are viewable by signed-in users"
  on public.successful_patterns for select
  to authenticated
  using (true);

grant select on table public.successful_patterns to authenticated;
grant select, insert, update, delete on table public.successful_patterns to service_role;
