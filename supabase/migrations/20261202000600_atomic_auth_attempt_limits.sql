-- Sign-in and sign-up attempts, counted atomically. The old count of failures was read
-- before the password check and written after it, so 30 guesses sent at once all passed
-- a limit of 5; and it locked an email from every address, so 5 wrong guesses by anyone
-- kept the owner out. Now each attempt is counted first, in one statement (an upsert
-- takes the row's lock, so concurrent attempts queue and each sees the count before it),
-- per email + address and per address, and a refused attempt never reaches the password
-- check. A window starts with its first attempt and lasts as long as the app says.
create table private.auth_attempts (
  scope text not null check (scope in ('sign_in_email_address', 'sign_in_address', 'sign_up_address')),
  key text not null check (char_length(key) <= 400),
  window_started_at timestamptz not null default now(),
  attempts integer not null default 0 check (attempts >= 0),
  primary key (scope, key)
);
alter table private.auth_attempts enable row level security;
create index auth_attempts_window_started_at_idx on private.auth_attempts (window_started_at);

-- Only the auth server (the database owner's connection) counts attempts.
revoke all on private.auth_attempts from public, anon, authenticated, service_role;

drop table private.sign_in_failures;
