-- State of the built-in email + password sign-in, used when Supabase Auth is not
-- configured (with Supabase Auth these tables stay empty). Only the auth server (the
-- database owner's connection) touches them: row-level security is on with no policies,
-- and the API roles have no privileges, so no user-driven query can read a session token
-- hash or the sign-in history.

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so
-- a copy of this table does not sign anyone in. Deleting the row signs the browser out.
create table private.login_sessions (
  token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
alter table private.login_sessions enable row level security;
create index login_sessions_user_id_idx on private.login_sessions (user_id);
create index login_sessions_expires_at_idx on private.login_sessions (expires_at);

-- Failed sign-ins, counted per email and per IP address to slow down password guessing.
create table private.sign_in_failures (
  id bigint generated always as identity primary key,
  email text not null,
  ip_address text not null,
  created_at timestamptz not null default now()
);
alter table private.sign_in_failures enable row level security;
create index sign_in_failures_email_idx on private.sign_in_failures (email, created_at);
create index sign_in_failures_ip_address_idx on private.sign_in_failures (ip_address, created_at);

revoke all on private.login_sessions, private.sign_in_failures from public, anon, authenticated, service_role;
