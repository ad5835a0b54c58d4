/**
 * The audit trail (issue 15, supabase/migrations/20261203004000_audit_trail.sql): every
 * audited action — sign-in events through the auth backend, session, plan, milestone and
 * template-assignment changes through the app's own statements — writes exactly one entry,
 * carrying the request's address and user agent from the unit of work's settings; entries
 * cannot be changed or removed by any API role, even one given the privilege by mistake;
 * retention removes only entries older than the setting; a person reads their own account
 * activity, with the addresses of what they did, and a coach reads the history of the
 * records shared with them, never the client's address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAccountActivity } from '#lib/account/activity'
import { recordAccountEvent } from '#lib/audit/account-events'
import { auditRetentionDays } from '#lib/audit/retention'
import { withAttemptLimits } from '#lib/auth/attempt-limits'
import { withAuditTrail } from '#lib/auth/audit-trail'
import type { AuthBackend } from '#lib/auth/backend'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { createSupabaseAuth } from '#lib/auth/supabase-auth'
import { sqlState, withRequestOrigin, type Tx } from '#lib/db/database'
import { auditRetention } from '#lib/jobs/definitions'
import { assignTemplate } from '#lib/library/assigning'
import { startFakeGoTrue } from '../mocks/gotrue'
import { CookieJar } from '../support/cookie-jar'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

const origin = { ipAddress: '203.0.113.9', userAgent: 'AuditTrailTest/1.0 (Chromium)' }
let testDb: TestDatabase
let auth: AuthBackend
const resetLinks: string[] = []

interface Entry {
  id: number
  action: string
  actor_id: string | null
  subject_id: string | null
  entity_type: string
  entity_id: string | null
  metadata: Record<string, unknown>
  ip_address: string | null
  user_agent: string | null
}

const service = <T>(work: (tx: Tx) => Promise<T>) => testDb.db.asService(work)
const lastId = async () => (await service((tx) => tx.query<{ id: number }>('select coalesce(max(id), 0)::int as id from public.audit_log')))[0]!.id
const entriesAfter = (id: number) =>
  service((tx) =>
    tx.query<Entry>(
      `select id::int as id, action, actor_id, subject_id, entity_type, entity_id, metadata, host(ip_address) as ip_address, user_agent
       from public.audit_log where id > $1 order by id`,
      [id],
    ),
  )

/** Runs `work` as a request from `origin` would, and returns the entries it wrote. */
async function written(work: () => Promise<unknown>): Promise<Entry[]> {
  const before = await lastId()
  await withRequestOrigin(origin, work)
  return entriesAfter(before)
}

/** The one entry `work` wrote, checked to carry the request's address and user agent. */
async function theEntry(work: () => Promise<unknown>, action: string): Promise<Entry> {
  const entries = await written(work)
  expect(entries.map((e) => e.action)).toEqual([action])
  const [entry] = entries
  expect(entry).toMatchObject({ ip_address: origin.ipAddress, user_agent: origin.userAgent })
  return entry!
}

beforeAll(async () => {
  testDb = await createTestDatabase()
  const builtIn = createBuiltInAuth(
    testDb.db,
    { secret: 'audit-trail-test-secret-0123456789abcdef', secure: false },
    { appUrl: 'http://stagecoach.test', mailer: { send: async ({ text }) => void resetLinks.push(text) } },
  )
  auth = withAuditTrail(withAttemptLimits(builtIn, testDb.db), testDb.db)
})

afterAll(async () => {
  await testDb?.close()
})

describe('sign-in events', () => {
  const email = `audited-${Date.now()}@example.test`
  const password = 'Audit-Trail-Horse-42'
  const request = (cookieHeader: string | null = null) => ({ cookieHeader, ipAddress: origin.ipAddress })
  let userId = ''
  let cookie = ''

  it('register, login, login_failed (naming the account, never the password), logout and password_reset each write one entry', async () => {
    const registered = await theEntry(async () => {
      const result = await auth.signUp({ email, password, displayName: 'Audited Ana' }, request())
      userId = result.userId
    }, 'register')
    expect(registered).toMatchObject({ actor_id: userId, subject_id: userId, entity_type: 'user', entity_id: userId })

    const login = await theEntry(async () => {
      cookie = (await auth.signIn({ email, password }, request())).setCookies[0]!.split(';')[0]!
    }, 'login')
    expect(login).toMatchObject({ actor_id: userId, metadata: { method: 'password' } })

    const failed = await theEntry(
      () => auth.signIn({ email, password: 'Wrong-Horse-1' }, request()).catch((error: unknown) => error),
      'login_failed',
    )
    expect(failed).toMatchObject({ actor_id: null, subject_id: userId, metadata: { reason: 'wrong_credentials' } })
    expect(JSON.stringify(failed)).not.toContain('Wrong-Horse-1')
    // An email nobody has: an entry naming no account.
    const unknown = await theEntry(
      () => auth.signIn({ email: 'nobody@example.test', password }, request()).catch((error: unknown) => error),
      'login_failed',
    )
    expect(unknown).toMatchObject({ actor_id: null, subject_id: null })

    const logout = await theEntry(() => auth.signOut(request(cookie)), 'logout')
    expect(logout).toMatchObject({ actor_id: userId })

    await auth.requestPasswordReset(email, request())
    const token = new URL(/http\S+/.exec(resetLinks.at(-1)!)![0]).searchParams.get('token')
    const reset = await theEntry(() => auth.resetPassword({ token, password: 'Reset-Horse-77' }, request()), 'password_reset')
    expect(reset).toMatchObject({ actor_id: userId, subject_id: userId })
  })

  it('changing the password and signing out elsewhere write one entry each; exports go through the same function, and nothing else', async () => {
    const signedIn = (await auth.signIn({ email, password: 'Reset-Horse-77' }, request())).setCookies[0]!.split(';')[0]!
    const changed = await theEntry(
      () => auth.changePassword({ userId, currentPassword: 'Reset-Horse-77', newPassword: 'Changed-Horse-88' }, request(signedIn)),
      'password_changed',
    )
    expect(changed).toMatchObject({ actor_id: userId, subject_id: userId })
    expect(JSON.stringify(changed)).not.toMatch(/Horse/)
    const others = await theEntry(() => auth.signOutOthers(userId, request(signedIn)), 'logout')
    expect(others.metadata).toEqual({ scope: 'others' })
    await theEntry(() => recordAccountEvent(testDb.db, { action: 'data_export', actorId: userId, metadata: { files: 12 } }), 'data_export')
    await expect(
      service((tx) => tx.query(`select private.record_account_event('tampered', null, null)`)),
    ).rejects.toThrow(/Not an account event/)
  })
})

describe('sign-in events with Supabase Auth (the fake auth server)', () => {
  it('register, login, login_failed and logout each write one entry, through the same wrapper', async () => {
    const gotrue = await startFakeGoTrue({ onUserCreated: ({ id, email, displayName }) => createUser(testDb.db, { id, email, displayName }).then(() => {}) })
    try {
      const supabase = withAuditTrail(
        withAttemptLimits(createSupabaseAuth({ url: gotrue.url, anonKey: gotrue.anonKey, appUrl: 'http://stagecoach.test', secureCookies: false }), testDb.db),
        testDb.db,
      )
      const email = `supabase-audited-${Date.now()}@example.test`
      const password = 'Supabase-Horse-42'
      const request = (cookieHeader: string | null = null) => ({ cookieHeader, ipAddress: origin.ipAddress })
      let userId = ''
      const registered = await theEntry(async () => {
        userId = (await supabase.signUp({ email, password, displayName: 'Sue Base' }, request())).userId
      }, 'register')
      expect(registered).toMatchObject({ actor_id: userId, metadata: { backend: 'supabase', confirmed: true } })
      const jar = new CookieJar()
      await theEntry(async () => {
        jar.apply((await supabase.signIn({ email, password }, request())).setCookies)
      }, 'login')
      const failed = await theEntry(() => supabase.signIn({ email, password: 'Wrong-Horse-1' }, request()).catch((e: unknown) => e), 'login_failed')
      expect(failed).toMatchObject({ actor_id: null, subject_id: userId })
      const logout = await theEntry(() => supabase.signOut(request(jar.header())), 'logout')
      expect(logout.actor_id).toBe(userId)
    } finally {
      await gotrue.close()
    }
  })
})

describe('what happens to sessions, plans, milestones and assignments', () => {
  const ids = { client: '', coach: '', program: '', template: '', session: '', ledSession: '', plan: '', milestone: '' }
  const asClient = <T>(work: (tx: Tx) => Promise<T>) => testDb.db.asUser(ids.client, work)
  const asCoach = <T>(work: (tx: Tx) => Promise<T>) => testDb.db.asUser(ids.coach, work)

  beforeAll(async () => {
    ids.client = await createUser(testDb.db, { displayName: 'Client Cara' })
    ids.coach = await createUser(testDb.db, { displayName: 'Coach Dana' })
    await service(async (tx) => {
      const [program] = await tx.query<{ id: string }>(`insert into public.programs (name, created_by) values ('Audit', $1) returning id`, [ids.coach])
      ids.program = program!.id
      await tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [ids.program, ids.client])
      const [template] = await tx.query<{ id: string }>(
        `insert into public.session_templates (program_id, title, created_by) values ($1, 'Weekly review', $2) returning id`,
        [ids.program, ids.coach],
      )
      ids.template = template!.id
    })
  })

  it('a session: created, shared, made private, completed, cancelled, deleted — one entry each, about the client', async () => {
    const created = await theEntry(async () => {
      const [row] = await asClient((tx) =>
        tx.query<{ id: string }>(`insert into public.coaching_sessions (user_id, title) values ($1, 'Audited reflection') returning id`, [ids.client]),
      )
      ids.session = row!.id
    }, 'session.created')
    expect(created).toMatchObject({ actor_id: ids.client, subject_id: ids.client, entity_type: 'coaching_session', entity_id: ids.session })

    const shared = await theEntry(
      () => asClient((tx) => tx.query('select public.set_session_sharing($1, $2, $3)', [ids.session, ids.coach, ids.program])),
      'session.shared',
    )
    expect(shared.metadata).toEqual({ coach_id: ids.coach, program_id: ids.program })
    await theEntry(() => asClient((tx) => tx.query('select public.set_session_sharing($1, null, null)', [ids.session])), 'session.unshared')
    await theEntry(
      () => asClient((tx) => tx.query('update public.coaching_sessions set completed_at = now() where id = $1', [ids.session])),
      'session.completed',
    )
    // A change nobody audits (the current stage) writes nothing.
    expect(await written(() => asClient((tx) => tx.query('update public.coaching_sessions set title = $2 where id = $1', [ids.session, 'Renamed'])))).toEqual([])

    const [other] = await asClient((tx) =>
      tx.query<{ id: string }>(`insert into public.coaching_sessions (user_id, title) values ($1, 'To cancel') returning id`, [ids.client]),
    )
    await theEntry(() => asClient((tx) => tx.query('update public.coaching_sessions set cancelled_at = now() where id = $1', [other!.id])), 'session.cancelled')
    await theEntry(() => asClient((tx) => tx.query('delete from public.coaching_sessions where id = $1', [other!.id])), 'session.deleted')
  })

  it('a coach-led session released by the coach, and a template assigned by the coach', async () => {
    const [led] = await asCoach((tx) =>
      tx.query<{ id: string }>(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title)
         values ($1, $2, $3, 'coach_led', 'coach_assigned', 'shared', 'Led') returning id`,
        [ids.client, ids.coach, ids.program],
      ),
    )
    ids.ledSession = led!.id
    const released = await theEntry(
      () => asCoach((tx) => tx.query('update public.coaching_sessions set released_at = now() where id = $1', [ids.ledSession])),
      'session.released',
    )
    expect(released).toMatchObject({ actor_id: ids.coach, subject_id: ids.client })

    const assigned = await theEntry(
      () => assignTemplate(testDb.db, { userId: ids.coach, templateId: ids.template, clientIds: [ids.client], dueOn: '2027-01-15' }),
      'template.assigned',
    )
    expect(assigned).toMatchObject({ actor_id: ids.coach, subject_id: ids.client, metadata: { template_id: ids.template, program_id: ids.program } })
  })

  it('a plan: created, status changed, edited, deleted; a milestone: added, completed, reopened, edited, deleted — ids and field names, never text', async () => {
    const created = await theEntry(async () => {
      const [row] = await asClient((tx) =>
        tx.query<{ id: string }>(`insert into public.action_plans (user_id, title, description) values ($1, 'Run', 'Secret reasons') returning id`, [ids.client]),
      )
      ids.plan = row!.id
    }, 'action_plan.created')
    expect(created).toMatchObject({ entity_id: ids.plan, subject_id: ids.client, metadata: { to: 'pending' } })
    const status = await theEntry(
      () => asClient((tx) => tx.query(`update public.action_plans set status = 'in_progress' where id = $1`, [ids.plan])),
      'action_plan.status_changed',
    )
    expect(status.metadata).toEqual({ from: 'pending', to: 'in_progress' })
    const edited = await theEntry(
      () => asClient((tx) => tx.query(`update public.action_plans set title = 'Run far', description = 'More secret reasons' where id = $1`, [ids.plan])),
      'action_plan.updated',
    )
    expect(edited.metadata).toEqual({ fields: ['description', 'title'] })

    const added = await theEntry(async () => {
      const [row] = await asClient((tx) =>
        tx.query<{ id: string }>(`insert into public.milestones (action_plan_id, title) values ($1, 'First 5k') returning id`, [ids.plan]),
      )
      ids.milestone = row!.id
    }, 'milestone.created')
    expect(added).toMatchObject({ subject_id: ids.client, metadata: { action_plan_id: ids.plan } })
    await theEntry(() => asClient((tx) => tx.query('update public.milestones set completed = true where id = $1', [ids.milestone])), 'milestone.completed')
    await theEntry(() => asClient((tx) => tx.query('update public.milestones set completed = false where id = $1', [ids.milestone])), 'milestone.reopened')
    const milestoneEdit = await theEntry(
      () => asClient((tx) => tx.query(`update public.milestones set title = 'First 10k' where id = $1`, [ids.milestone])),
      'milestone.updated',
    )
    expect(milestoneEdit.metadata).toEqual({ action_plan_id: ids.plan, fields: ['title'] })
    await theEntry(() => asClient((tx) => tx.query('delete from public.milestones where id = $1', [ids.milestone])), 'milestone.deleted')

    // A plan deleted with its milestones: one entry, for the plan (the cascade is not an act).
    await asClient((tx) => tx.query(`insert into public.milestones (action_plan_id, title) values ($1, 'Goes with the plan')`, [ids.plan]))
    await theEntry(() => asClient((tx) => tx.query('delete from public.action_plans where id = $1', [ids.plan])), 'action_plan.deleted')

    const all = await service((tx) => tx.query<{ text: string }>(`select metadata::text as text from public.audit_log where subject_id = $1`, [ids.client]))
    expect(all.map((r) => r.text).join(' ')).not.toMatch(/secret|Run|5k|10k/i)
  })

  it('the person reads their account activity, with the address of what they did; a coach’s acts show the coach’s name, not the address', async () => {
    const page = await listAccountActivity(testDb.db, { userId: ids.client, limit: 200 })
    const actions = page.entries.map((e) => e.action)
    expect(actions).toContain('session.created')
    expect(actions).toContain('session.released')
    const mine = page.entries.find((e) => e.action === 'session.created' && e.entityId === ids.session)!
    expect(mine).toMatchObject({ byMe: true, ipAddress: origin.ipAddress, userAgent: origin.userAgent })
    const coachs = page.entries.find((e) => e.action === 'session.released')!
    expect(coachs).toMatchObject({ byMe: false, actorName: 'Coach Dana', ipAddress: null, userAgent: null })
    // Newest first, a page at a time.
    const first = await listAccountActivity(testDb.db, { userId: ids.client, limit: 3 })
    const second = await listAccountActivity(testDb.db, { userId: ids.client, before: first.olderCursor, limit: 3 })
    expect(first.entries).toHaveLength(3)
    expect([...first.entries, ...second.entries].map((e) => e.id)).toEqual(page.entries.slice(0, 6).map((e) => e.id))
    // Nobody else's activity: the coach's own list holds what the coach did, not the client's sign-ins.
    const coachPage = await listAccountActivity(testDb.db, { userId: ids.coach, limit: 200 })
    expect(coachPage.entries.every((e) => e.byMe)).toBe(true)
  })
})

describe('append-only for every API role', () => {
  let entryId = 0
  beforeAll(async () => {
    const userId = await createUser(testDb.db)
    await withRequestOrigin(origin, () => recordAccountEvent(testDb.db, { action: 'login', actorId: userId }))
    entryId = await lastId()
  })

  const asRole = (role: 'anon' | 'authenticated' | 'service_role', sql: string, grantFirst = false) =>
    service(async (tx) => {
      // The trigger holds even when a grant (and, for authenticated, a policy) says otherwise.
      if (grantFirst) {
        await tx.query(`grant update, delete on public.audit_log to ${role}`)
        if (role !== 'service_role') {
          await tx.query(`create policy "A mistaken policy" on public.audit_log for all to ${role} using (true) with check (true)`)
        }
      }
      await tx.query(`set local role ${role}`)
      return tx.query(sql, sql.includes('$1') ? [entryId] : [])
    }).then(
      () => 'allowed',
      (error: unknown) => {
        const cause = (error as { cause?: unknown }).cause ?? error
        const code = sqlState(error) ?? sqlState(cause) ?? String(error)
        // With the privilege granted, it is the trigger that refuses (anon cannot even read the row's id).
        return grantFirst && role !== 'anon' && !/append-only/.test(String((cause as Error).message)) ? `${code}, not by the trigger` : code
      },
    )

  for (const role of ['anon', 'authenticated', 'service_role'] as const) {
    it(`${role} can neither update nor delete an entry, not even with a mistaken grant`, async () => {
      for (const sql of [`update public.audit_log set action = 'tampered' where id = $1`, 'delete from public.audit_log where id = $1']) {
        expect([role, sql, await asRole(role, sql)]).toEqual([role, sql, '42501'])
        expect([role, sql, 'granted', await asRole(role, sql, true)]).toEqual([role, sql, 'granted', '42501'])
      }
      expect(await asRole(role, `truncate public.audit_log`)).toBe('42501')
      const [still] = await service((tx) => tx.query<{ action: string }>('select action from public.audit_log where id = $1', [entryId]))
      expect(still?.action).toBe('login')
    })
  }

  it('the database owner still can (retention and forgetting a deleted account run as it)', async () => {
    const rows = await service((tx) => tx.query(`update public.audit_log set metadata = '{}' where id = $1 returning id`, [entryId]))
    expect(rows).toHaveLength(1)
  })
})

describe('retention', () => {
  it('the job removes only entries older than the setting (400 days by default)', async () => {
    expect(await auditRetentionDays(testDb.db)).toBe(400)
    const userId = await createUser(testDb.db)
    const ages = [401, 399, 10, 0]
    const ids = await service(async (tx) => {
      const made: number[] = []
      for (const days of ages) {
        const [row] = await tx.query<{ id: number }>(
          `insert into public.audit_log (actor_id, action, entity_type, created_at)
           values ($1, 'login', 'user', now() - make_interval(days => $2)) returning id::int as id`,
          [userId, days],
        )
        made.push(row!.id)
      }
      return made
    })
    const remaining = () =>
      service((tx) => tx.query<{ id: number }>('select id::int as id from public.audit_log where actor_id = $1 order by id', [userId])).then((rows) =>
        rows.map((r) => r.id),
      )
    expect(await auditRetention.perform({ db: testDb.db, ai: null, log: () => {} }, {})).toEqual({ removed: 1 })
    expect(await remaining()).toEqual(ids.slice(1))
    // A second run removes nothing more.
    expect(await auditRetention.perform({ db: testDb.db, ai: null, log: () => {} }, {})).toEqual({ removed: 0 })
    expect(await remaining()).toEqual(ids.slice(1))
    // Never under a year.
    await expect(service((tx) => tx.query('update private.audit_settings set retention_days = 30'))).rejects.toThrow()
  })
})
