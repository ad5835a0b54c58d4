-- What Supabase already provides and plain Postgres or PGlite do not: the API roles, the
-- auth schema with its users table, and the functions policies call (auth.uid(), auth.jwt(),
-- auth.role()). Each object is created only where it is missing, so on Supabase this script
-- changes nothing and the migrations in supabase/migrations run unchanged on all three
-- targets. It runs before the migrations, under the migration lock.

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

-- The connecting role must be able to `set role` to the API roles (a superuser already can).
do $$
begin
  if not (select rolsuper from pg_roles where rolname = current_user) then
    if not pg_has_role(current_user, 'authenticated', 'member') then
      execute format('grant anon, authenticated, service_role to %I', current_user);
    end if;
  end if;
end
$$;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

-- The users of the built-in sign-in. On Supabase this table belongs to Supabase Auth and
-- has many more columns; the app only relies on the ones below.
create table if not exists auth.users (
  id uuid primary key default gen_random_uuid(),
  email text not null unique check (email = lower(email)),
  encrypted_password text not null,
  raw_user_meta_data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

do $$
begin
  -- The signed-in user's id, from the JWT claims the request set (Supabase's definition).
  if to_regprocedure('auth.uid()') is null then
    execute $fn$
      create function auth.uid() returns uuid
      language sql stable
      as $body$
        select coalesce(
          nullif(current_setting('request.jwt.claim.sub', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
        )::uuid
      $body$
    $fn$;
  end if;

  -- The role the request runs as: anon, authenticated or service_role.
  if to_regprocedure('auth.role()') is null then
    execute $fn$
      create function auth.role() returns text
      language sql stable
      as $body$
        select coalesce(
          nullif(current_setting('request.jwt.claim.role', true), ''),
          (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
        )::text
      $body$
    $fn$;
  end if;

  -- All JWT claims of the request.
  if to_regprocedure('auth.jwt()') is null then
    execute $fn$
      create function auth.jwt() returns jsonb
      language sql stable
      as $body$
        select coalesce(
          nullif(current_setting('request.jwt.claim', true), ''),
          nullif(current_setting('request.jwt.claims', true), '')
        )::jsonb
      $body$
    $fn$;
  end if;
end
$$;

-- Supabase grants the API roles all privileges on new tables, sequences and functions in
-- `public`; row-level security then decides which rows they reach. Doing the same here
-- means a missing policy fails the same way on every target.
do $$
begin
  if not exists (
    select 1
    from pg_default_acl acl
    join pg_namespace ns on ns.oid = acl.defaclnamespace
    where ns.nspname = 'public' and acl.defaclrole = (select oid from pg_roles where rolname = current_user)
      and acl.defaclobjtype = 'r'
  ) then
    grant usage on schema public to anon, authenticated, service_role;
    alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
    alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
    alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
  end if;
end
$$;
