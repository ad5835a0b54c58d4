-- Password resets of the built-in sign-in (with Supabase Auth this table stays empty:
-- Supabase runs its own recovery flow). Only the auth server touches it, like the other
-- built-in auth tables: row-level security on, no policies, no privileges for API roles.
--
-- A reset link carries a random token; only its SHA-256 is stored. A token works once
-- (used_at) and until expires_at; using it ends every session of the user.
create table private.password_reset_tokens (
  token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
alter table private.password_reset_tokens enable row level security;
create index password_reset_tokens_user_id_idx on private.password_reset_tokens (user_id);

revoke all on private.password_reset_tokens from public, anon, authenticated, service_role;
