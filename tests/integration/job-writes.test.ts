/**
 * Issue 13, point 7: the job worker writes only what each job owns. Every job in the
 * registry says which tables it writes (`writes`, lib/jobs/definitions.ts); here each runs
 * as the worker runs it (as the service, with its dependencies) over data it has work in,
 * and every row of every table in public and private is compared before and after: only its
 * own tables changed. The digest's own run, on a Monday with people due, is in
 * tests/integration/email-digest.test.ts (the same comparison).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jobs } from '#lib/jobs/definitions'
import { digestMailFrom } from '#lib/reminders/email-digest'
import { createProgram } from '#lib/programs/programs'
import { createTestDatabase, createUser, tableFingerprints, type TestDatabase } from '../support/database'
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver'

let testDb: TestDatabase
let smtp: SmtpReceiver
const service = <T extends object>(sql: string, params: unknown[] = []) => testDb.db.asService((tx) => tx.query<T>(sql, params))

beforeAll(async () => {
  testDb = await createTestDatabase()
  smtp = await startSmtpReceiver()
  const coach = await createUser(testDb.db, { displayName: 'Coach Cleo' })
  const client = await createUser(testDb.db, { displayName: 'Diego' })
  const programId = await createProgram(testDb.db, { userId: coach, name: 'North Star' })
  await service(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [programId, client])
  // auth-housekeeping: an expired sign-in and a spent reset token.
  await service(`insert into private.login_sessions (token_hash, user_id, expires_at) values (repeat('a', 64), $1, now() - interval '1 hour')`, [client])
  await service(`insert into private.password_reset_tokens (token_hash, user_id, expires_at) values (repeat('b', 64), $1, now() - interval '1 hour')`, [client])
  // audit-retention: an entry past the 400 days.
  await service(`insert into public.audit_log (actor_id, action, entity_type, created_at) values ($1, 'login', 'user', now() - interval '401 days')`, [client])
  // complete-past-weeks and weekly-reviews: a plan for a week that ended, with a logged session in it.
  const weekStart = (await service<{ monday: string }>(`select (date_trunc('week', now() at time zone 'UTC')::date - 7)::text as monday`))[0]!.monday
  await service(`insert into public.weekly_plans (client_id, program_id, coach_id, week_start) values ($1, $2, $3, $4::date)`, [client, programId, coach, weekStart])
  const [session] = await service<{ id: string }>(
    `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, has_conversation, due_at, session_date, started_at, completed_at)
     values ($1, $2, $3, 'self_coaching', 'coach_assigned', 'shared', 'Training', false, ($4::date + 2)::timestamp at time zone 'UTC', $4::date + 1,
             ($4::date + 1)::timestamp at time zone 'UTC', ($4::date + 1)::timestamp at time zone 'UTC' + interval '1 hour') returning id`,
    [client, coach, programId, weekStart],
  )
  await service(`insert into public.measures (session_id, user_id, metric_key, value_scale, recorded_by) values ($1, $2, 'rpe', 6, 'client')`, [session!.id, client])
  // message-emails: a message not emailed yet.
  await service(`insert into public.messages (program_id, sender_id, recipient_id, body) values ($1, $2, $3, 'How did the run go?')`, [programId, coach, client])
  // email-digest: someone who turned it on (today is not their Monday morning, so it sends nothing here).
  await service(`insert into public.email_digest_settings (user_id, weekly) values ($1, true)`, [client])
})

afterAll(async () => {
  await smtp?.close()
  await testDb?.close()
})

describe('each job', () => {
  it('declares the tables it writes, each of them a table of the app', async () => {
    const tables = Object.keys(await tableFingerprints(testDb.db))
    for (const job of jobs) {
      expect([job.name, job.writes.length > 0]).toEqual([job.name, true])
      expect([job.name, job.writes.filter((table) => !tables.includes(table))]).toEqual([job.name, []])
    }
  })

  // Jobs with seeded work must change something, so "nothing else changed" is not just "nothing ran".
  const hasWork = new Set(['auth-housekeeping', 'audit-retention', 'complete-past-weeks', 'weekly-reviews', 'message-emails'])
  for (const job of jobs) {
    it(`${job.name} writes only ${job.writes.join(', ')}`, async () => {
      const before = await tableFingerprints(testDb.db)
      const mail = digestMailFrom({ SMTP_URL: smtp.url, MAIL_FROM: 'Stagecoach <coach@stagecoach.test>', appUrl: 'http://stagecoach.test' }, 'job-writes-secret-0123456789abcdef0123')
      await job.perform({ db: testDb.db, ai: null, mail, log: () => {} }, {})
      const after = await tableFingerprints(testDb.db)
      const changed = Object.keys(after).filter((table) => after[table] !== before[table])
      expect(changed.filter((table) => !job.writes.includes(table))).toEqual([])
      if (hasWork.has(job.name)) expect(changed.length).toBeGreaterThan(0)
    })
  }
})
