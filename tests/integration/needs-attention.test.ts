/**
 * "Needs attention" and messages (issue 13, point 5) on a real Postgres: each reason counted
 * in SQL as the coach from a hand-built history (only what is shared with the coach counts),
 * dismissals remembered until there is newer evidence, a follow-up sent once however often
 * the form is sent (and clearing its reasons), who may read and write messages and
 * dismissals — as direct SQL with each person's claims — and the email job delivering each
 * message once to a real SMTP receiver.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientSignals, dismissAttention, listNeedsAttention } from '#lib/attention/needs-attention'
import { createMailer } from '#lib/mail/mailer'
import { emailPendingMessages, listMessages, markMessagesRead, sendMessage } from '#lib/messages/messages'
import { AppError } from '#lib/errors'
import { createProgram } from '#lib/programs/programs'
import { caught } from '../support/app-error'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver'

let testDb: TestDatabase
let coach = ''
let otherCoach = ''
let diego = ''
let amara = ''
let outsider = ''
let programId = ''
let otherProgramId = ''
const now = new Date()
const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600 * 1000)

const service = <T extends object>(sql: string, params: unknown[] = []) => testDb.db.asService((tx) => tx.query<T>(sql, params))
const asUser = <T extends object>(userId: string, sql: string, params: unknown[] = []) => testDb.db.asUser(userId, (tx) => tx.query<T>(sql, params))

const sqlState = (error: unknown) => (error && typeof error === 'object' && 'code' in error ? String(error.code) : null)
/**
 * A statement as direct SQL with someone's claims (or none): "allowed" when it returned rows
 * (writes use RETURNING), "denied" when it touched nothing or was refused (SQLSTATE 42501,
 * by a policy or for want of a privilege). Anything else fails the test.
 */
async function outcome(userId: string | null, sql: string, params: unknown[] = []): Promise<'allowed' | 'denied'> {
  try {
    const rows = userId ? await asUser(userId, sql, params) : await testDb.db.asAnonymous((tx) => tx.query(sql, params))
    return rows.length > 0 ? 'allowed' : 'denied'
  } catch (error) {
    if (error instanceof AppError && sqlState(error.cause) === '42501') return 'denied'
    if (sqlState(error) === '42501') return 'denied'
    throw error
  }
}

async function plannedSession(clientId: string, { dueDaysAgo, done, shared = true, title = 'Training' }: { dueDaysAgo: number; done: boolean; shared?: boolean; title?: string }) {
  const due = daysAgo(dueDaysAgo)
  const [row] = await service<{ id: string }>(
    `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, items, has_conversation, due_at, session_date, started_at, completed_at)
     values ($1, $2, $3, 'self_coaching', $8, $4, $5, '[]'::jsonb, false, $6::timestamptz, $6::timestamptz::date, case when $7 then $6::timestamptz end, case when $7 then $6::timestamptz end)
     returning id`,
    // A private session is the client's own: no coach, no program.
    [clientId, shared ? coach : null, shared ? programId : null, shared ? 'shared' : 'private', title, due.toISOString(), done, shared ? 'coach_assigned' : 'self_assigned'],
  )
  return row!.id
}

beforeAll(async () => {
  testDb = await createTestDatabase()
  coach = await createUser(testDb.db, { displayName: 'Coach Cleo' })
  otherCoach = await createUser(testDb.db, { displayName: 'Coach Olu' })
  diego = await createUser(testDb.db, { displayName: 'Diego Ruiz', email: 'diego@example.test' })
  amara = await createUser(testDb.db, { displayName: 'Amara Obi' })
  outsider = await createUser(testDb.db, { displayName: 'Olu’s client' })
  programId = await createProgram(testDb.db, { userId: coach, name: 'North Star' })
  otherProgramId = await createProgram(testDb.db, { userId: otherCoach, name: 'Elsewhere' })
  await service(`insert into public.program_members (program_id, user_id, role, created_at) values ($1, $2, 'client', $4), ($1, $3, 'client', $4)`, [
    programId,
    diego,
    amara,
    daysAgo(60).toISOString(),
  ])
  await service(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [otherProgramId, outsider])

  // Diego: 8 of 10 planned sessions done over the month, but only 1 of the 3 due this week — and one
  // of those missed is still open; plus a private session the coach cannot see, which must not count.
  for (const day of [28, 25, 22, 19, 16, 13, 10]) await plannedSession(diego, { dueDaysAgo: day, done: true })
  await plannedSession(diego, { dueDaysAgo: 5, done: true })
  await plannedSession(diego, { dueDaysAgo: 3, done: false, title: 'Hill repeats' })
  await plannedSession(diego, { dueDaysAgo: 1, done: false, title: 'Tempo run' })
  await plannedSession(diego, { dueDaysAgo: 2, done: true, shared: false })
  // Amara: nothing for 12 days, a readiness of 2 at her last check-in, and a session paused by a crisis signal.
  const [checkIn] = await service<{ id: string }>(
    `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, started_at, paused_at)
     values ($1, $2, $3, 'coach_led', 'coach_assigned', 'shared', 'Monday check-in', $4, $4) returning id`,
    [amara, coach, programId, daysAgo(12).toISOString()],
  )
  await service(
    `insert into public.stage_responses (session_id, stage_number, stage_name, responses, completed_at) values ($1, 1, 'check_in', '{"fields": {"readinessScore": 2}}', $2)`,
    [checkIn!.id, daysAgo(12).toISOString()],
  )
})

afterAll(async () => {
  await testDb?.close()
})

describe('the reasons, counted in SQL as the coach', () => {
  it('counts only what is shared with the coach: Diego’s planned sessions, and the missed ones as overdue', async () => {
    const [signals] = (await clientSignals(testDb.db, { userId: coach, now })).filter((s) => s.clientId === diego)
    expect(signals).toMatchObject({ due7: 3, done7: 1, due30: 10, done30: 8, overdueSessions: { count: 2, latestTitle: 'Tempo run' } })
  })

  it('lists Amara first (a crisis pause, a readiness of 2, 12 days without activity) and Diego with his drop and overdue sessions', async () => {
    const { clients, more } = await listNeedsAttention(testDb.db, { userId: coach, now })
    expect(more).toBe(0)
    expect(clients.map((c) => [c.clientName, c.items.map((i) => i.reason)])).toEqual([
      ['Amara Obi', ['crisis_pause', 'low_rating', 'inactive']],
      ['Diego Ruiz', ['adherence_drop', 'overdue']],
    ])
    expect(clients[1]!.items[0]!.text).toBe('Adherence dropped: 1 of 3 planned sessions done in the last 7 days (33%), against 80% over 30 days.')
    expect(clients[0]!.draft).toContain('Hi Amara,')
  })

  it('the program’s inactivity setting decides when silence counts', async () => {
    await service('update public.programs set inactivity_days = 14 where id = $1', [programId])
    const amaraItems = (await listNeedsAttention(testDb.db, { userId: coach, now })).clients.find((c) => c.clientId === amara)!.items
    expect(amaraItems.map((i) => i.reason)).not.toContain('inactive')
    await service('update public.programs set inactivity_days = 7 where id = $1', [programId])
  })

  it('a coach of another program sees none of them, and a client sees nobody', async () => {
    expect((await listNeedsAttention(testDb.db, { userId: otherCoach, now })).clients.map((c) => c.clientId)).not.toContain(diego)
    expect((await listNeedsAttention(testDb.db, { userId: diego, now })).clients).toEqual([])
  })
})

describe('dismissing', () => {
  it('is remembered until there is newer evidence', async () => {
    await dismissAttention(testDb.db, { userId: coach, clientId: diego, programId, reasons: ['overdue'] })
    const after = await listNeedsAttention(testDb.db, { userId: coach, now: new Date() })
    expect(after.clients.find((c) => c.clientId === diego)!.items.map((i) => i.reason)).toEqual(['adherence_drop'])
    // A session missed later than the dismissal brings the reason back.
    await new Promise((resolve) => setTimeout(resolve, 5))
    const later = new Date(Date.now() + 60_000)
    await service(
      `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, items, has_conversation, due_at, session_date)
       values ($1, $2, $3, 'self_coaching', 'coach_assigned', 'shared', 'Intervals', '[]'::jsonb, false, $4, $4::timestamptz::date)`,
      [diego, coach, programId, new Date(later.getTime() - 1000).toISOString()],
    )
    const back = await listNeedsAttention(testDb.db, { userId: coach, now: later })
    expect(back.clients.find((c) => c.clientId === diego)!.items.map((i) => i.reason)).toContain('overdue')
  })

  it('only for one’s own clients: another program’s coach is refused, and cannot write a dismissal as direct SQL either', async () => {
    expect(await caught(dismissAttention(testDb.db, { userId: otherCoach, clientId: diego, programId, reasons: ['inactive'] }))).toMatchObject({ kind: 'not_found' })
    expect(
      await outcome(otherCoach, `insert into public.attention_dismissals (coach_id, client_id, program_id, reason) values ($1, $2, $3, 'inactive') returning reason`, [otherCoach, diego, programId]),
    ).toBe('denied')
    expect(
      await outcome(coach, `insert into public.attention_dismissals (coach_id, client_id, program_id, reason) values ($1, $2, $3, 'low_rating') returning reason`, [coach, diego, programId]),
    ).toBe('allowed')
    await service(`delete from public.attention_dismissals where reason = 'low_rating'`)
    // The coach's own row is theirs to read; the client and the other coach see none of it.
    expect(await asUser(coach, 'select reason from public.attention_dismissals where client_id = $1', [diego])).toEqual([{ reason: 'overdue' }])
    expect(await asUser(diego, 'select * from public.attention_dismissals')).toEqual([])
    expect(await asUser(otherCoach, 'select * from public.attention_dismissals')).toEqual([])
    expect(await outcome(null, 'select * from public.attention_dismissals')).toBe('denied')
  })
})

describe('messages', () => {
  it('a follow-up sent twice is one message, and clears the reasons it answers', async () => {
    const messageId = randomUUID()
    const send = () => sendMessage(testDb.db, { userId: coach, recipientId: amara, programId, body: 'Hi Amara, how are you doing?', messageId, followsUp: ['crisis_pause', 'low_rating'] })
    expect(await send()).toEqual({ id: messageId, alreadySent: false })
    expect(await send()).toEqual({ id: messageId, alreadySent: true })
    expect(await service('select id from public.messages where id = $1', [messageId])).toHaveLength(1)
    const amaraItems = (await listNeedsAttention(testDb.db, { userId: coach, now: new Date() })).clients.find((c) => c.clientId === amara)!.items
    expect(amaraItems.map((i) => i.reason)).toEqual(['inactive'])
  })

  it('the client reads it and replies; the other coach and the other program’s client see neither; anonymous nothing', async () => {
    const inbox = await listMessages(testDb.db, { userId: amara })
    expect(inbox.unread).toBe(1)
    expect(inbox.messages.map((m) => [m.senderName, m.body, m.mine])).toEqual([['Coach Cleo', 'Hi Amara, how are you doing?', false]])
    await sendMessage(testDb.db, { userId: amara, recipientId: coach, programId, body: 'Better today, thank you.', messageId: randomUUID() })
    expect((await listMessages(testDb.db, { userId: coach })).messages.map((m) => m.body)).toContain('Better today, thank you.')
    expect(await asUser(otherCoach, 'select * from public.messages')).toEqual([])
    expect(await asUser(outsider, 'select * from public.messages')).toEqual([])
    expect(await asUser(diego, 'select * from public.messages')).toEqual([])
    expect(await outcome(null, 'select * from public.messages')).toBe('denied')
    expect(await markMessagesRead(testDb.db, { userId: amara, upTo: new Date() })).toBe(1)
    expect((await listMessages(testDb.db, { userId: amara })).unread).toBe(0)
  })

  it('nobody writes across programs, as someone else, or rewrites a message — through lib/ and as direct SQL', async () => {
    expect(await caught(sendMessage(testDb.db, { userId: otherCoach, recipientId: diego, programId, body: 'Hello', messageId: randomUUID() }))).toMatchObject({ kind: 'not_found' })
    expect(await caught(sendMessage(testDb.db, { userId: outsider, recipientId: coach, programId: otherProgramId, body: 'Hello', messageId: randomUUID() }))).toMatchObject({
      kind: 'not_found',
    })
    expect(
      await outcome(otherCoach, `insert into public.messages (program_id, sender_id, recipient_id, body) values ($1, $2, $3, 'Hi') returning id`, [otherProgramId, otherCoach, diego]),
    ).toBe('denied')
    expect(
      await outcome(diego, `insert into public.messages (program_id, sender_id, recipient_id, body) values ($1, $2, $3, 'Forged') returning id`, [programId, coach, amara]),
    ).toBe('denied')
    // The client may write to their coach as direct SQL: the same rule holds both ways.
    expect(await asUser(diego, `insert into public.messages (program_id, sender_id, recipient_id, body) values ($1, $2, $3, 'Direct') returning body`, [programId, diego, coach])).toEqual([
      { body: 'Direct' },
    ])
    expect(await outcome(coach, `update public.messages set body = 'Changed' where sender_id = $1 returning id`, [coach])).toBe('denied')
    // Only the recipient marks a message read: the sender's update touches nothing.
    expect(await asUser(diego, `update public.messages set read_at = now() where sender_id = $1 and recipient_id = $2 returning id`, [diego, coach])).toEqual([])
  })

  it('too long or empty is refused with a clear reason', async () => {
    const { messagesPageForm } = await import('#lib/messages/messages.shared')
    const long = messagesPageForm.safeParse({ intent: 'send', to: `${coach}:${programId}`, messageId: randomUUID(), body: 'x'.repeat(4001) })
    expect(long.success ? null : long.error.issues[0]?.message).toBe('A message can be at most 4,000 characters. Shorten it, or send it in two.')
    const empty = messagesPageForm.safeParse({ intent: 'send', to: `${coach}:${programId}`, messageId: randomUUID(), body: '   ' })
    expect(empty.success ? null : empty.error.issues[0]?.message).toBe('Write the message first.')
  })
})

describe('email, when SMTP is configured', () => {
  let smtp: SmtpReceiver
  beforeAll(async () => {
    smtp = await startSmtpReceiver()
  })
  afterAll(async () => {
    await smtp?.close()
  })

  it('each message is emailed once to its recipient, however often the job runs; without SMTP nothing is sent or stamped', async () => {
    await service('update public.messages set emailed_at = now()')
    await sendMessage(testDb.db, { userId: coach, recipientId: diego, programId, body: 'Shall we move Tempo run to Friday?', messageId: randomUUID() })
    expect(await emailPendingMessages(testDb.db, { mail: null })).toEqual({ emailed: 0, waiting: 0 })
    const mail = { mailer: createMailer({ SMTP_URL: smtp.url, MAIL_FROM: 'Stagecoach <coach@example.test>' })!, appUrl: 'http://app.test' }
    expect(await emailPendingMessages(testDb.db, { mail })).toEqual({ emailed: 1, waiting: 0 })
    expect(await emailPendingMessages(testDb.db, { mail })).toEqual({ emailed: 0, waiting: 0 })
    const [email] = await smtp.waitFor(1)
    expect(email).toMatchObject({ to: ['diego@example.test'], subject: 'Coach Cleo sent you a message on Stagecoach' })
    expect(email!.text).toContain('Shall we move Tempo run to Friday?')
    expect(email!.text).toContain('http://app.test/messages')
    expect(smtp.emails).toHaveLength(1)
  })
})
