-- What Supabase already provides and plain Postgres or PGlite do not: the API roles, the
-- auth schema with its users table, and the functions policies call (auth.uid(), auth.jwt(),
-- auth.role()). It runs before the migrations, under the migration lock, at every start.
--
-- On Supabase all of these exist and belong to Supabase (the auth schema to
-- supabase_auth_admin), and `postgres` has no CREATE on `auth`: even
-- `create schema if not exists auth` or `create table if not exists auth.users` fails there
-- with 42501, because the privilege is checked before `if not exists`. So every statement
-- below first looks the object up in the catalog and only then acts, and nothing here
-- alters or grants on an object it did not just create. On Supabase the script is a no-op.
--
-- It sets no default privileges either: every migration grants what each API role needs
-- on what it creates (docs/decisions/007-grants-written-in-migrations.md), as Supabase
-- requires since new tables in `public` get no privileges by default.

-- Roles. Cluster-wide on a server, so another database's bootstrap may be creating the
-- same role at the same moment: a duplicate is not an error.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    begin
      create role anon nologin noinherit;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    begin
      create role authenticated nologin noinherit;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    begin
      create role service_role nologin noinherit bypassrls;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
end
$$;

-- The connecting role must be able to `set role` to the API roles (a superuser already
-- can; on Supabase `postgres` already is a member of each).
do $$
begin
  if not (select rolsuper from pg_roles where rolname = current_user)
    and not pg_has_role(current_user, 'authenticated', 'member') then
    execute format('grant anon, authenticated, service_role to %I', current_user);
  end if;
end
$$;

do $$
begin
  if to_regnamespace('auth') is null then
    create schema auth;
    grant usage on schema auth to anon, authenticated, service_role;
  end if;

  -- The users of the built-in sign-in. On Supabase this table belongs to Supabase Auth and
  -- has many more columns; the app only relies on the ones below. Like Supabase's, `id`
  -- has no default: whoever creates a user supplies its id.
  if to_regclass('auth.users') is null then
    create table auth.users (
      id uuid primary key,
      email text not null unique check (email = lower(email)),
      encrypted_password text not null,
      raw_user_meta_data jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
  end if;

  -- The signed-in user's id, from the JWT claims the request set (Supabase's definition).
  if to_regprocedure('auth.uid()') is null then
    create function auth.uid() returns uuid
    language sql stable
    as $body$
      select coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
      )::uuid
    $body$;
  end if;

  -- The role the request runs as: anon, authenticated or service_role.
  if to_regprocedure('auth.role()') is null then
    create function auth.role() returns text
    language sql stable
    as $body$
      select coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
      )::text
    $body$;
  end if;

  -- All JWT claims of the request.
  if to_regprocedure('auth.jwt()') is null then
    create function auth.jwt() returns jsonb
    language sql stable
    as $body$
      select coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
      )::jsonb
    $body$;
  end if;
end
$$;
