/*
 * Plans and their limits (PRODUCT.md, "Plans and limits"). A NULL limit means unlimited.
 * Limits are enforced in the database: client count by a trigger on clients, seats by a
 * trigger on agency_members, analyses per month by public.start_analysis. Only the service
 * role (billing webhooks, the platform admin) changes plans.
 */
create table public.plans (
  id text primary key,
  name text not null,
  max_clients integer,
  max_analyses_per_month integer,
  max_seats integer not null,
  white_label boolean not null default false,
  price_cents_per_month integer not null,
  currency text not null default 'usd',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint plans_id_format check (id ~ '^[a-z][a-z0-9_]{1,31}$'),
  constraint plans_name_length check (char_length(name) between 1 and 100),
  constraint plans_max_clients_is_positive check (max_clients > 0),
  constraint plans_max_analyses_per_month_is_positive check (max_analyses_per_month > 0),
  constraint plans_max_seats_is_positive check (max_seats > 0),
  constraint plans_price_is_not_negative check (price_cents_per_month >= 0),
  constraint plans_currency_is_iso_code check (currency ~ '^[a-z]{3}$')
);

comment on table public.plans is 'Subscription plans and their limits; NULL limits mean unlimited.';
comment on column public.plans.max_clients is 'Clients an agency may have at once; NULL = unlimited.';
comment on column public.plans.max_analyses_per_month is 'Analyses started per calendar month (UTC); NULL = unlimited.';
comment on column public.plans.max_seats is 'Agency members (owner included).';

insert into public.plans (id, name, max_clients, max_analyses_per_month, max_seats, white_label, price_cents_per_month)
values
  ('starter', 'Starter', 5, 10, 1, false, 49700),
  ('growth', 'Growth', 20, 50, 3, false, 149700),
  ('agency', 'Agency', null, null, 10, true, 299700);

create trigger set_updated_at
  before update on public.plans
  for each row execute function private.set_updated_at();

alter table public.plans enable row level security;

create policy "Plans are viewable by signed-in users"
  on public.plans for select
  to authenticated
  using (true);

grant select on table public.plans to authenticated;
grant select, insert, update, delete on table public.plans to service_role;
