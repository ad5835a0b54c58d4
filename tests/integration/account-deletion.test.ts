/**
 * Deleting an account (issue 15, point 3), on both sign-in backends: confirmed with the
 * password (built-in) or a fresh sign-in and the admin API (Supabase, against the fake
 * auth server); the database's cascades remove every row of the client (counted per table,
 * before and after) and nobody else's; no row anywhere names the person afterwards — the
 * audit entries stay, anonymised; a coach who leads a program with clients is refused with
 * what to do first; signing in is impossible afterwards and the email can sign up again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deleteAccount } from '#lib/account/deletion'
import { withAttemptLimits } from '#lib/auth/attempt-limits'
import { withAuditTrail } from '#lib/auth/audit-trail'
import type { AuthBackend } from '#lib/auth/backend'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { createSupabaseAuth } from '#lib/auth/supabase-auth'
import { withRequestOrigin, type Tx } from '#lib/db/database'
import { action as deleteAction, loader as deleteLoader } from '../../app/routes/settings_.delete'
import { startFakeGoTrue, type FakeGoTrue } from '../mocks/gotrue'
import { caught } from '../support/app-error'
import { CookieJar } from '../support/cookie-jar'
import { createTestDatabase, createUser, deleteUser, type TestDatabase } from '../support/database'
import { callRoute } from '../support/route-call'

let testDb: TestDatabase
const password = 'Delete-Me-Horse-42'
const origin = { ipAddress: '198.51.100.4', userAgent: 'DeletionTest/1.0' }
const service = <T>(work: (tx: Tx) => Promise<T>) => testDb.db.asService(work)
let emailCounter = 0
const nextEmail = () => `deleted${++emailCounter}-${Date.now()}@example.test`

beforeAll(async () => {
  testDb = await createTestDatabase()
})

afterAll(async () => {
  await testDb?.close()
})

/** The client's rows, table by table (what the cascades must remove). */
async function rowsOf(userId: string): Promise<Record<string, number>> {
  const counts: Record<string, string> = {
    'auth.users': 'id = $1',
    'public.profiles': 'id = $1',
    'public.program_members': 'user_id = $1',
    'public.coaching_sessions': 'user_id = $1',
    'public.stage_responses': 'session_id in (select id from public.coaching_sessions where user_id = $1)',
    'public.session_memories': 'session_id in (select id from public.coaching_sessions where user_id = $1)',
    'public.session_summary_drafts': 'session_id in (select id from public.coaching_sessions where user_id = $1)',
    'public.reply_claims': 'user_id = $1',
    'public.action_plans': 'user_id = $1',
    'public.milestones': 'action_plan_id in (select id from public.action_plans where user_id = $1)',
    'public.calendar_feeds': 'user_id = $1',
    'public.benchmarks': 'user_id = $1',
    'public.weekly_plans': 'client_id = $1',
    'public.email_digest_settings': 'user_id = $1',
    'public.email_digests_sent': 'user_id = $1',
    'private.login_sessions': 'user_id = $1',
    'private.password_reset_tokens': 'user_id = $1',
  }
  return service(async (tx) => {
    const result: Record<string, number> = {}
    for (const [table, where] of Object.entries(counts)) {
      const [row] = await tx.query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, [userId])
      result[table] = row!.n
    }
    return result
  })
}

/** Every row in the app's schemas whose text holds any of `needles` (an id, an email), by table. */
async function rowsNaming(needles: string[]): Promise<Record<string, number>> {
  return service(async (tx) => {
    const tables = await tx.query<{ name: string }>(
      `select format('%I.%I', n.nspname, c.relname) as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind = 'r' and n.nspname in ('public', 'private', 'auth')`,
    )
    const found: Record<string, number> = {}
    for (const { name } of tables) {
      const [row] = await tx.query<{ n: number }>(
        `select count(*)::int as n from ${name} t where ${needles.map((_, i) => `strpos(lower(t::text), lower($${i + 1})) > 0`).join(' or ')}`,
        needles,
      )
      if (row!.n > 0) found[name] = row!.n
    }
    return found
  })
}

/** A client with a record of every kind, in a program with a coach; returns their ids. */
async function clientWithEverything(auth: AuthBackend, email: string) {
  const request = { cookieHeader: null, ipAddress: origin.ipAddress }
  const signedUp = await withRequestOrigin(origin, () => auth.signUp({ email, password, displayName: 'Dee Leted' }, request))
  const jar = new CookieJar().apply(signedUp.setCookies)
  const client = signedUp.userId
  const coach = await createUser(testDb.db, { displayName: 'Coach Stays' })
  const bystander = await createUser(testDb.db, { displayName: 'Bystander Stays' })
  await service(async (tx) => {
    const one = async (sql: string, params: unknown[]) => (await tx.query<{ id: string }>(sql, params))[0]!.id
    const program = await one(`insert into public.programs (name, created_by) values ('Kept program', $1) returning id`, [coach])
    await tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client'), ($1, $3, 'client')`, [program, client, bystander])
    const own = await one(`insert into public.coaching_sessions (user_id, title) values ($1, 'Private') returning id`, [client])
    const led = await one(
      `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title)
       values ($1, $2, $3, 'coach_led', 'coach_assigned', 'shared', 'Led') returning id`,
      [client, coach, program],
    )
    await tx.query(`insert into public.stage_responses (session_id, stage_number, stage_name) values ($1, 1, 'check_in'), ($2, 1, 'check_in')`, [own, led])
    await tx.query(`insert into public.session_memories (session_id, items) values ($1, '[]')`, [own])
    await tx.query(`insert into public.session_summary_drafts (session_id, summary, summary_input_hash) values ($1, '{}', 'x')`, [led])
    await tx.query(`insert into public.reply_claims (session_id, message_id, user_id) values ($1, 'm1', $2)`, [own, client])
    await tx.query(`insert into public.calendar_feeds (user_id, token_hash) values ($1, repeat('c', 64))`, [client])
    await tx.query(
      `insert into private.password_reset_tokens (token_hash, user_id, expires_at) values (repeat('d', 64), $1, now() + interval '1 hour')`,
      [client],
    )
    await tx.query(`insert into public.benchmarks (user_id, kind, name, value, unit) values ($1, 'custom', 'Plank', 90, 's')`, [client])
    await tx.query(
      `insert into public.weekly_plans (client_id, program_id, coach_id, week_start) values ($1, $2, $3, date_trunc('week', now())::date)`,
      [client, program, coach],
    )
    await tx.query(`insert into public.email_digest_settings (user_id, weekly) values ($1, true)`, [client])
    await tx.query(`insert into public.email_digests_sent (user_id, period_start, status, sent_at) values ($1, date_trunc('week', now())::date, 'sent', now())`, [client])
    // The bystander's own records, which must stay.
    await tx.query(`insert into public.coaching_sessions (user_id, title) values ($1, 'Bystander''s')`, [bystander])
  })
  // Plans and milestones as the client, so the audit log has entries about them (with their address).
  await withRequestOrigin(origin, () =>
    testDb.db.asUser(client, async (tx) => {
      const [plan] = await tx.query<{ id: string }>(`insert into public.action_plans (user_id, title) values ($1, 'Run') returning id`, [client])
      await tx.query(`insert into public.milestones (action_plan_id, title) values ($1, 'First 5k')`, [plan!.id])
      await tx.query(`update public.action_plans set status = 'in_progress' where id = $1`, [plan!.id])
    }),
  )
  // A failed attempt leaves a counter keyed by the email.
  await auth.signIn({ email, password: 'Wrong-Horse-1' }, request).catch(() => {})
  return { client, coach, bystander, jar }
}

function builtInAuth(): AuthBackend {
  const raw = createBuiltInAuth(testDb.db, { secret: 'deletion-test-secret-0123456789abcdef0123', secure: false })
  return withAuditTrail(withAttemptLimits(raw, testDb.db), testDb.db)
}

describe('built-in sign-in', () => {
  it('removes every row of the client by the cascades, leaves others’ rows, and anonymises the audit entries', async () => {
    const auth = builtInAuth()
    const email = nextEmail()
    const { client, coach, bystander, jar } = await clientWithEverything(auth, email)
    const before = await rowsOf(client)
    // Every kind is there before (so "0 after" means the cascade removed it).
    expect(Object.entries(before).filter(([, n]) => n === 0)).toEqual([])
    const bystanderBefore = await rowsOf(bystander)
    const auditIds = await service((tx) =>
      tx.query<{ id: number }>('select id::int as id from public.audit_log where actor_id = $1 or subject_id = $1 order by id', [client]),
    )
    expect(auditIds.length).toBeGreaterThanOrEqual(5)

    const request = { cookieHeader: jar.header(), ipAddress: origin.ipAddress }
    const wrong = await caught(deleteAccount(testDb.db, auth, { userId: client, password: 'Not-My-Password-1', request }))
    expect(wrong).toMatchObject({ kind: 'invalid' })
    expect((await rowsOf(client))['auth.users']).toBe(1)

    const { setCookies } = await withRequestOrigin(origin, () => deleteAccount(testDb.db, auth, { userId: client, password, request }))
    expect(setCookies.join()).toMatch(/Max-Age=0/)

    expect(await rowsOf(client)).toEqual(Object.fromEntries(Object.keys(before).map((table) => [table, 0])))
    expect(await rowsOf(bystander)).toEqual(bystanderBefore)
    expect(await rowsOf(coach)).toMatchObject({ 'auth.users': 1, 'public.program_members': 1 })

    // Nothing names the person — not by id, not by email — anywhere.
    expect(await rowsNaming([client, email])).toEqual({})
    // Their audit entries are kept, without them; and one says an account was deleted.
    const kept = await service((tx) =>
      tx.query<{ id: number; actor_id: string | null; subject_id: string | null; ip_address: string | null; user_agent: string | null }>(
        'select id::int as id, actor_id, subject_id, host(ip_address) as ip_address, user_agent from public.audit_log where id = any($1::bigint[]) order by id',
        [auditIds.map((a) => a.id)],
      ),
    )
    expect(kept.map((k) => k.id)).toEqual(auditIds.map((a) => a.id))
    expect(kept.every((k) => k.actor_id === null && k.subject_id === null && k.ip_address === null && k.user_agent === null)).toBe(true)
    const [deletedEntry] = await service((tx) =>
      tx.query<{ actor_id: string | null; metadata: object }>(`select actor_id, metadata from public.audit_log where action = 'account_deleted' order by id desc limit 1`),
    )
    expect(deletedEntry).toEqual({ actor_id: null, metadata: {} })

    // The old cookie signs nobody in; the password no longer works; the email is free again.
    expect(await auth.getUserId(request, () => {})).toBeNull()
    expect(await caught(auth.signIn({ email, password }, { cookieHeader: null, ipAddress: '192.0.2.1' }))).toMatchObject({ kind: 'invalid' })
    const again = await auth.signUp({ email, password, displayName: 'Dee Again' }, { cookieHeader: null, ipAddress: '192.0.2.1' })
    expect(again.userId).not.toBe(client)
  })

  it('a coach who leads a program with clients is refused, with what to do first; without clients they can go', async () => {
    const auth = builtInAuth()
    const email = nextEmail()
    const { userId: coach, setCookies } = await auth.signUp({ email, password, displayName: 'Lead Coach' }, { cookieHeader: null, ipAddress: '192.0.2.2' })
    const request = { cookieHeader: new CookieJar().apply(setCookies).header(), ipAddress: '192.0.2.2' }
    const client = await createUser(testDb.db, { displayName: 'Their Client' })
    const program = await service(async (tx) => {
      const [p] = await tx.query<{ id: string }>(`insert into public.programs (name, created_by) values ('Led Program', $1) returning id`, [coach])
      await tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [p!.id, client])
      return p!.id
    })
    const refused = await caught(deleteAccount(testDb.db, auth, { userId: coach, password, request }))
    expect(refused).toMatchObject({
      kind: 'conflict',
      message: expect.stringMatching(/You still lead Led Program \(1 client\)\. Hand each program over to another coach .* or close it by removing its clients/),
    })
    expect((await rowsOf(coach))['auth.users']).toBe(1)

    // Closed (its client removed), the program goes with the account.
    await service((tx) => tx.query('delete from public.program_members where program_id = $1 and user_id = $2', [program, client]))
    await deleteAccount(testDb.db, auth, { userId: coach, password, request })
    const [left] = await service((tx) => tx.query<{ n: number }>('select count(*)::int as n from public.programs where id = $1', [program]))
    expect(left!.n).toBe(0)
    expect((await rowsOf(client))['auth.users']).toBe(1)
  })

  it('the page shows what stops a coach, and the action signs the person out and sends them home', async () => {
    const auth = builtInAuth()
    const email = nextEmail()
    const { userId, setCookies } = await auth.signUp({ email, password, displayName: 'Page User' }, { cookieHeader: null, ipAddress: '203.0.113.7' })
    const jar = new CookieJar().apply(setCookies)
    const route = (handler: Parameters<typeof callRoute>[0], form?: Record<string, string>) =>
      callRoute(handler, { url: 'http://stagecoach.test/settings/delete', form, jar, auth, db: testDb.db })

    const page = await route(deleteLoader)
    expect(page.body).toMatchObject({ blocked: null, backend: 'built-in' })
    const wrong = await route(deleteAction, { password: 'Nope-Nope-1' })
    expect(wrong.status).toBe(400)
    expect(JSON.stringify(wrong.body)).toContain('That is not your password.')
    const done = await route(deleteAction, { password })
    expect([done.status, done.location]).toEqual([302, '/?account=deleted'])
    expect((await rowsOf(userId))['auth.users']).toBe(0)
    const afterwards = await route(deleteLoader)
    expect(afterwards.status).toBe(302)
    expect(afterwards.location).toMatch(/^\/login/)
  })
})

describe('Supabase Auth', () => {
  let gotrue: FakeGoTrue
  const appUrl = 'http://stagecoach.test'

  beforeAll(async () => {
    gotrue = await startFakeGoTrue({
      siteUrl: appUrl,
      onUserCreated: async ({ id, email, displayName }) => {
        await createUser(testDb.db, { id, email, displayName })
      },
      onUserDeleted: (id) => deleteUser(testDb.db, id),
    })
  })

  afterAll(async () => {
    await gotrue?.close()
  })

  const supabase = (serviceRoleKey?: string) =>
    withAuditTrail(
      withAttemptLimits(createSupabaseAuth({ url: gotrue.url, anonKey: gotrue.anonKey, appUrl, secureCookies: false, serviceRoleKey }), testDb.db),
      testDb.db,
    )

  it('a fresh sign-in confirms it; the server deletes the user through the admin API; the cascades and the trigger do the rest', async () => {
    const auth = supabase(gotrue.serviceRoleKey)
    const email = nextEmail()
    const { client, jar } = await clientWithEverything(auth, email)
    const request = { cookieHeader: jar.header(), ipAddress: origin.ipAddress }
    expect(await caught(deleteAccount(testDb.db, auth, { userId: client, password: 'Not-My-Password-1', request }))).toMatchObject({ kind: 'invalid' })
    expect(gotrue.requests.filter((r) => r.startsWith('DELETE'))).toEqual([])

    await deleteAccount(testDb.db, auth, { userId: client, password, request })
    expect(gotrue.requests.filter((r) => r.startsWith('DELETE'))).toEqual([`DELETE /auth/v1/admin/users/${client}`])
    const after = await rowsOf(client)
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([])
    expect(await rowsNaming([client, email])).toEqual({})

    expect(await caught(auth.signIn({ email, password }, { cookieHeader: null, ipAddress: '192.0.2.9' }))).toMatchObject({ kind: 'invalid' })
    const again = await auth.signUp({ email, password, displayName: 'Back Again' }, { cookieHeader: null, ipAddress: '192.0.2.9' })
    expect(again.userId).not.toBe(client)
  })

  it('without the service-role key the server says deletion is not set up, and deletes nothing', async () => {
    const auth = supabase()
    const email = nextEmail()
    const { userId, setCookies } = await auth.signUp({ email, password, displayName: 'No Key' }, { cookieHeader: null, ipAddress: '192.0.2.10' })
    const request = { cookieHeader: new CookieJar().apply(setCookies).header(), ipAddress: '192.0.2.10' }
    const refused = await caught(deleteAccount(testDb.db, auth, { userId, password, request }))
    expect(refused).toMatchObject({ kind: 'unavailable', message: expect.stringContaining('SUPABASE_SERVICE_ROLE_KEY') })
    expect((await rowsOf(userId))['auth.users']).toBe(1)
  })
})
