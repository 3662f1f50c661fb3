-- LOCAL ONLY: never shipped to hosted Supabase, never part of supabase/migrations.
--
-- How each session was authenticated, as hosted GoTrue records it (supabase/auth migration
-- 20221003041349_add_mfa_schema): the `amr` claim of access tokens (method and time of
-- sign-in) is read from here on every refresh. Owned by `supabase_auth_admin`, RLS on and no
-- policy, like the other auth tables.

set local role supabase_auth_admin;

create table auth.mfa_amr_claims (
  session_id uuid not null references auth.sessions (id) on delete cascade,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  authentication_method text not null,
  id uuid not null,
  constraint amr_id_pk primary key (id),
  constraint mfa_amr_claims_session_id_authentication_method_pkey
    unique (session_id, authentication_method)
);
comment on table auth.mfa_amr_claims is 'auth: stores authenticator method reference claims for multi factor authentication';
alter table auth.mfa_amr_claims enable row level security;

reset role;

grant all on auth.mfa_amr_claims to postgres, dashboard_user;
