/**
 * Only on the Supabase-shaped database (TEST_DATABASE_SHAPE=supabase; vitest.config.ts
 * includes this folder only then): the shape really is as strict as Supabase today, the
 * bootstrap the app runs at every start changes nothing there, and the app starts on it.
 */
import fs from 'node:fs'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bootstrapPath, migrate } from '#lib/db/migrate'
import { startApp } from '../../e2e/support/server'
import { buildForProduction } from '../../support/production-build'
import { startFakeGoTrue } from '../../mocks/gotrue'
import { CookieJar } from '../../support/cookie-jar'
import { createTestDatabase, createUser, type TestDatabase } from '../../support/database'
import { supabaseMigrationRole } from '../../support/supabase-shape'

let testDb: TestDatabase
let sql: postgres.Sql
const notices: string[] = []

beforeAll(async () => {
  testDb = await createTestDatabase()
  if (testDb.target !== 'supabase' || !testDb.url) throw new Error('Run these with TEST_DATABASE_SHAPE=supabase and DATABASE_URL')
  sql = postgres(testDb.url, { max: 1, onnotice: (notice) => notices.push(`${notice.severity}: ${notice.message}`) })
})

afterAll(async () => {
  await sql?.end()
  await testDb?.close()
})

/** Everything in auth, public and private, with owners and privileges, to compare before and after. */
async function catalogSnapshot() {
  return sql`
    select n.nspname, c.relname as name, c.relkind::text as kind, pg_get_userbyid(c.relowner) as owner, c.relacl::text as acl
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('auth', 'public', 'private')
    union all
    select n.nspname, p.oid::regprocedure::text, 'function', pg_get_userbyid(p.proowner), p.proacl::text
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('auth', 'public', 'private')
    union all
    select nspname, nspname, 'schema', pg_get_userbyid(nspowner), nspacl::text
    from pg_namespace where nspname in ('auth', 'public', 'private')
    order by 1, 2, 3`
}

describe('the Supabase-shaped database', () => {
  it('connects as a migration role that is no superuser, with CREATEROLE, CREATEDB and BYPASSRLS', async () => {
    const [role] = await sql`select current_user as name, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls from pg_roles where rolname = current_user`
    expect(role).toEqual({ name: supabaseMigrationRole, rolsuper: false, rolcreaterole: true, rolcreatedb: true, rolbypassrls: true })
  })

  it('keeps auth to the auth server: no CREATE there, so even `if not exists` DDL fails with 42501', async () => {
    const [auth] = await sql`select pg_get_userbyid(nspowner) as owner, has_schema_privilege('auth', 'CREATE') as can_create from pg_namespace where nspname = 'auth'`
    expect(auth).toEqual({ owner: 'supabase_auth_admin', can_create: false })
    await expect(sql`create table if not exists auth.users (id uuid)`).rejects.toMatchObject({ code: '42501' })
    const [id] = await sql`select column_default from information_schema.columns where table_schema = 'auth' and table_name = 'users' and column_name = 'id'`
    expect(id).toEqual({ column_default: null })
  })

  it('gives the API roles nothing on a new table in public unless a migration grants it', async () => {
    await sql`create table public.shape_probe (id int)`
    try {
      const [probe] = await sql`
        select has_table_privilege('authenticated', 'public.shape_probe', 'SELECT') as authenticated,
               has_table_privilege('anon', 'public.shape_probe', 'SELECT') as anon,
               has_table_privilege('service_role', 'public.shape_probe', 'SELECT') as service_role`
      expect(probe).toEqual({ authenticated: false, anon: false, service_role: false })
    } finally {
      await sql`drop table public.shape_probe`
    }
  })
})

describe('at start-up on Supabase', () => {
  it('the bootstrap is a no-op that succeeds, with no warnings', async () => {
    const before = await catalogSnapshot()
    notices.length = 0
    await sql.unsafe(fs.readFileSync(bootstrapPath, 'utf8'))
    expect(notices).toEqual([])
    expect(await catalogSnapshot()).toEqual(before)
  })

  it('migrating again applies nothing and changes nothing', async () => {
    const before = await catalogSnapshot()
    expect(await migrate(testDb.driver)).toEqual({ applied: [] })
    expect(await catalogSnapshot()).toEqual(before)
  })

  it('the app starts against it with Supabase Auth, answers /healthz, and a new user reaches their dashboard', async () => {
    // The fake auth server writes each new user to auth.users as GoTrue does (as
    // supabase_auth_admin, with its own id); the profile trigger does the rest.
    const gotrue = await startFakeGoTrue({
      onUserCreated: async ({ id, email, displayName }) => {
        await createUser(testDb.db, { id, email, displayName })
      },
    })
    await buildForProduction()
    const app = await startApp({
      env: { DATABASE_URL: testDb.url!, SUPABASE_URL: gotrue.url, SUPABASE_ANON_KEY: gotrue.anonKey },
    })
    try {
      const health = await fetch(`${app.baseUrl}/healthz`)
      expect(health.status).toBe(200)
      expect(await health.json()).toEqual({ status: 'ok', database: 'reachable' })
      expect(app.output()).toContain('sign-in: Supabase Auth')

      const signUp = await fetch(`${app.baseUrl}/signup`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Origin: app.baseUrl },
        body: new URLSearchParams({ displayName: 'Noor Shape', email: 'noor@example.com', password: 'Correct-Horse-42', redirectTo: '/dashboard', inviteToken: '' }),
      })
      expect([signUp.status, signUp.headers.get('Location')]).toEqual([302, '/dashboard'])
      const jar = new CookieJar().apply(signUp.headers.getSetCookie())
      const dashboard = await fetch(`${app.baseUrl}/dashboard`, { headers: { Cookie: jar.header() ?? '' }, redirect: 'manual' })
      expect(dashboard.status).toBe(200)
      expect(await dashboard.text()).toContain('Noor Shape')
      expect(app.errorOutput()).toBe('')
    } finally {
      await app.stop()
      await gotrue.close()
    }
  }, 180_000)
})
