import postgres from 'postgres'

/**
 * A database on the local PostgreSQL server prepared the way Supabase prepares a project
 * today (see docs/decisions/008-supabase-shaped-test-target.md):
 *
 * - the roles supabase_admin, supabase_auth_admin, authenticator, anon, authenticated and
 *   service_role, and `supabase_postgres` standing in for Supabase's `postgres`: not a
 *   superuser, with CREATEROLE, CREATEDB and BYPASSRLS (the server's own `postgres` is
 *   shared with other databases and stays a superuser);
 * - an `auth` schema owned by supabase_auth_admin, holding `auth.users` in the auth server's
 *   shape (its `id` has no default: the auth server supplies ids) and Supabase's
 *   auth.uid(), auth.role() and auth.jwt(); `supabase_postgres` may use it and write
 *   auth.users (triggers, foreign keys) but not create anything in it;
 * - `public` owned by `supabase_postgres`, with default privileges for new tables, sequences
 *   and functions granting nothing to the API roles (nor functions to PUBLIC).
 */
export const supabaseMigrationRole = 'supabase_postgres'

// Roles are cluster-wide and other test runs (other databases) create some of the same
// ones at the same time; one advisory lock in the `postgres` database serialises this
// setup between runs, and a duplicate from someone else's bootstrap is not an error.
const rolesSql = `
do $$
declare
  spec text[];
begin
  foreach spec slice 1 in array array[
    ['supabase_admin', 'nologin noinherit'],
    ['supabase_auth_admin', 'nologin noinherit'],
    ['authenticator', 'login noinherit'],
    ['anon', 'nologin noinherit'],
    ['authenticated', 'nologin noinherit'],
    ['service_role', 'nologin noinherit bypassrls'],
    ['${supabaseMigrationRole}', 'login nosuperuser createrole createdb bypassrls inherit']
  ] loop
    if not exists (select 1 from pg_roles where rolname = spec[1]) then
      begin
        execute format('create role %I %s', spec[1], spec[2]);
      exception when duplicate_object or unique_violation then null;
      end;
    end if;
  end loop;
  -- As on Supabase: the migration role and the API gateway's login may become the API roles.
  if not pg_has_role('${supabaseMigrationRole}', 'authenticated', 'member') then
    grant anon, authenticated, service_role to ${supabaseMigrationRole};
  end if;
  if not pg_has_role('authenticator', 'authenticated', 'member') then
    grant anon, authenticated, service_role to authenticator;
  end if;
end
$$;
`

function databaseShapeSql(database: string): string {
  return `
alter database ${database} owner to supabase_admin;
alter schema public owner to ${supabaseMigrationRole};
grant create, connect, temporary on database ${database} to ${supabaseMigrationRole};
grant usage on schema public to anon, authenticated, service_role;

create schema auth authorization supabase_auth_admin;
grant usage on schema auth to ${supabaseMigrationRole}, anon, authenticated, service_role;

-- The columns of GoTrue's auth.users that matter here (it has more); no default on id.
create table auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255) unique,
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique,
  confirmed_at timestamptz generated always as (email_confirmed_at) stored,
  banned_until timestamptz,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
alter table auth.users owner to supabase_auth_admin;
grant all on auth.users to ${supabaseMigrationRole};

create function auth.uid() returns uuid language sql stable as $fn$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$fn$;
create function auth.role() returns text language sql stable as $fn$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$fn$;
create function auth.jwt() returns jsonb language sql stable as $fn$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$fn$;
alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;

-- "Default privileges for new entities" off: what ${supabaseMigrationRole} creates in public
-- is reachable by nobody else until a migration grants it.
alter default privileges for role ${supabaseMigrationRole} in schema public revoke all on tables from anon, authenticated, service_role;
alter default privileges for role ${supabaseMigrationRole} in schema public revoke all on sequences from anon, authenticated, service_role;
alter default privileges for role ${supabaseMigrationRole} in schema public revoke execute on functions from public, anon, authenticated, service_role;
alter default privileges for role ${supabaseMigrationRole} in schema public grant all on tables to supabase_admin;
`
}

let rolesReady: Promise<void> | undefined

/** Creates the cluster-wide roles once per process, serialised with other processes. */
function ensureRoles(superuserUrl: string): Promise<void> {
  rolesReady ??= (async () => {
    const url = new URL(superuserUrl)
    url.pathname = '/postgres'
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {} })
    try {
      await sql.begin(async (tx) => {
        await tx`select pg_advisory_xact_lock(hashtext('stagecoach:supabase-shape-roles'))`
        await tx.unsafe(rolesSql)
      })
    } finally {
      await sql.end()
    }
  })()
  return rolesReady
}

/**
 * Shapes a new, empty database like a Supabase project. `superuserUrl` connects as a
 * superuser to the server; returns the URL to connect to `database` as the migration role.
 */
export async function shapeLikeSupabase(superuserUrl: string, database: string): Promise<string> {
  await ensureRoles(superuserUrl)
  const url = new URL(superuserUrl)
  url.pathname = `/${database}`
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(databaseShapeSql(database))
  } finally {
    await sql.end()
  }
  url.username = supabaseMigrationRole
  url.password = ''
  return url.toString()
}
