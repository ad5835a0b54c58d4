/**
 * The session's own action routes (split out of one page in issue 9: settings, sharing,
 * memory, co-pilot, status, a stage's notes, the summary's draft) decide access as the
 * database does, through the route with the person's cookie. For each: someone who may not
 * is refused and nothing changes, then the one who may does it on the same row. A visitor
 * who is not signed in is sent to sign in.
 *
 * The cast: a client of "North Star" with a self-coaching session shared with their coach;
 * that coach, who also leads a coach-led session with the client; another client of the
 * same program; and the coach of another program.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthBackend } from '#lib/auth/backend'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { saveStageFields } from '#lib/coaching/stage-work'
import { completeSession, getSession, setSessionSharing, startSession } from '#lib/coaching/sessions'
import { emptyFields, stages } from '#lib/coaching/stages.shared'
import { ensureSummary } from '#lib/coaching/summary'
import { createActionPlan } from '#lib/plans/action-plans'
import { acceptInvite, createInvite, createProgram } from '#lib/programs/programs'
import { action as coPilotAction } from '../../app/routes/sessions.$sessionId.co-pilot'
import { action as memoryAction } from '../../app/routes/sessions.$sessionId.memory'
import { action as settingsAction } from '../../app/routes/sessions.$sessionId.settings'
import { action as sharingAction } from '../../app/routes/sessions.$sessionId.sharing'
import { action as stageAction } from '../../app/routes/sessions.$sessionId.stages.$stage'
import { action as statusAction } from '../../app/routes/sessions.$sessionId.status'
import { action as summaryAction } from '../../app/routes/sessions.$sessionId_.summary'
import { CookieJar } from '../support/cookie-jar'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { callRoute, type RouteAnswer } from '../support/route-call'

type Person = 'client' | 'peer' | 'coach' | 'otherCoach'
type Handler = Parameters<typeof callRoute>[0]

const appUrl = 'http://stagecoach.test'
let testDb: TestDatabase
let auth: AuthBackend
const person = {} as Record<Person, { id: string; jar: CookieJar }>
let programId = ''
let selfSession = ''
let coachLedSession = ''

/** Posts a form to a session route as someone (or as a visitor with no cookie). */
function post(who: Person | 'anon', handler: Handler, sessionId: string, form: Record<string, string>, extra: Record<string, string> = {}): Promise<RouteAnswer> {
  const jar = who === 'anon' ? new CookieJar() : person[who].jar
  return callRoute(handler, { url: `${appUrl}/sessions/${sessionId}`, form, params: { sessionId, ...extra }, jar, auth, db: testDb.db })
}

/** What a form answer says went wrong, as a person reads it. */
function formError(answer: RouteAnswer): string {
  const body = answer.body as { result?: { error?: Record<string, string[] | null> } }
  return body.result?.error?.['']?.join(' ') ?? ''
}

const titleOf = async (sessionId: string) => (await getSession(testDb.db, { userId: person.client.id, sessionId })).title

beforeAll(async () => {
  testDb = await createTestDatabase()
  auth = createBuiltInAuth(testDb.db, { secret: 'session-routes-secret-0123456789abcdef', secure: false }, { appUrl, mailer: null })
  for (const [who, name] of [['client', 'Cleo'], ['peer', 'Pia'], ['coach', 'Kofi'], ['otherCoach', 'Olu']] as const) {
    const email = `${who.toLowerCase()}-${randomUUID().slice(0, 8)}@example.test`
    const signedUp = await auth.signUp({ email, password: 'Correct-Horse-42', displayName: name }, { cookieHeader: null, ipAddress: '203.0.113.7' })
    person[who] = { id: signedUp.userId, jar: new CookieJar().apply(signedUp.setCookies) }
  }
  programId = await createProgram(testDb.db, { userId: person.coach.id, name: 'North Star' })
  for (const who of ['client', 'peer'] as const) {
    const { token } = await createInvite(testDb.db, { userId: person.coach.id, programId, role: 'client' })
    await acceptInvite(testDb.db, { userId: person[who].id, token })
  }
  await createProgram(testDb.db, { userId: person.otherCoach.id, name: 'Elsewhere' })
  // An open plan, so the client's next session starts with something remembered.
  await createActionPlan(testDb.db, { userId: person.client.id, requestKey: randomUUID(), input: { title: 'Walk at lunch', status: 'pending' } })

  const self = await startSession(testDb.db, { userId: person.client.id, sessionType: 'self_coaching', title: 'Getting fit' })
  if (!self.started) throw new Error('expected the self-coaching session to start')
  selfSession = self.sessionId
  await setSessionSharing(testDb.db, { userId: person.client.id, sessionId: selfSession, share: { coachId: person.coach.id, programId } })
  const led = await startSession(testDb.db, { userId: person.coach.id, sessionType: 'coach_led', clientId: person.client.id, programId, title: 'With Cleo' })
  if (!led.started) throw new Error('expected the coach-led session to start')
  coachLedSession = led.sessionId
})

afterAll(async () => {
  await testDb?.close()
})

describe('a visitor who is not signed in', () => {
  it('is sent to sign in by every session action, and nothing changes', async () => {
    const routes: [Handler, Record<string, string>, Record<string, string>?][] = [
      [settingsAction, { title: 'Renamed by a visitor' }],
      [sharingAction, { intent: 'unshare' }],
      [memoryAction, { intent: 'remove', itemId: 'x' }],
      [coPilotAction, { stage: '1' }],
      [statusAction, { intent: 'cancel' }],
      [stageAction, { intent: 'note', messageId: randomUUID(), text: 'A visitor’s note' }, { stage: '1' }],
      [summaryAction, { intent: 'release' }],
    ]
    for (const [handler, form, extra] of routes) {
      const answer = await post('anon', handler, selfSession, form, extra)
      expect(answer.status).toBe(302)
      expect(answer.location).toMatch(/^\/login\?redirectTo=/)
    }
    expect(await titleOf(selfSession)).toBe('Getting fit')
  })
})

describe('settings: only the person who runs the session renames it', () => {
  it('the coach it is shared with, another client and another program’s coach cannot; the client can', async () => {
    for (const who of ['coach', 'peer', 'otherCoach'] as const) {
      const refused = await post(who, settingsAction, selfSession, { title: `Renamed by ${who}` })
      expect(refused.status).toBe(404)
      expect(formError(refused)).toMatch(/does not exist, or you/)
    }
    expect(await titleOf(selfSession)).toBe('Getting fit')
    const renamed = await post('client', settingsAction, selfSession, { title: 'Getting fit again' })
    expect(renamed.status).toBe(200)
    expect(await titleOf(selfSession)).toBe('Getting fit again')
  })
})

describe('sharing: only the client decides who reads their own session', () => {
  it('the coach cannot make it private, nor can anyone else; the client can, and can share it again', async () => {
    for (const who of ['coach', 'peer', 'otherCoach'] as const) {
      expect((await post(who, sharingAction, selfSession, { intent: 'unshare' })).status).toBe(404)
    }
    expect((await getSession(testDb.db, { userId: person.coach.id, sessionId: selfSession })).title).toBe('Getting fit again')

    const privateAgain = await post('client', sharingAction, selfSession, { intent: 'unshare' })
    expect(privateAgain.body).toMatchObject({ notice: 'This session is private again.' })
    await expect(getSession(testDb.db, { userId: person.coach.id, sessionId: selfSession })).rejects.toMatchObject({ kind: 'not_found' })

    // Sharing with a coach of another program is refused; with their own coach it works.
    const elsewhere = await post('client', sharingAction, selfSession, { intent: 'share', coach: `${person.otherCoach.id}:${programId}` })
    expect(elsewhere.status).toBeGreaterThanOrEqual(400)
    await expect(getSession(testDb.db, { userId: person.otherCoach.id, sessionId: selfSession })).rejects.toMatchObject({ kind: 'not_found' })
    const shared = await post('client', sharingAction, selfSession, { intent: 'share', coach: `${person.coach.id}:${programId}` })
    expect(shared.status).toBe(200)
    expect((await getSession(testDb.db, { userId: person.coach.id, sessionId: selfSession })).title).toBe('Getting fit again')
  })
})

describe('memory: what the coach remembers is the client’s to edit', () => {
  it('nobody else can change or remove a remembered item; the client can', async () => {
    const [item] = (await getSession(testDb.db, { userId: person.client.id, sessionId: selfSession })).memory
    if (!item) throw new Error('expected the open plan to be remembered')
    expect(item.text).toContain('Walk at lunch')
    for (const who of ['coach', 'peer', 'otherCoach'] as const) {
      expect((await post(who, memoryAction, selfSession, { intent: 'save', itemId: item.id, text: `Rewritten by ${who}` })).status).toBe(404)
      expect((await post(who, memoryAction, selfSession, { intent: 'remove', itemId: item.id })).status).toBe(404)
    }
    expect((await getSession(testDb.db, { userId: person.client.id, sessionId: selfSession })).memory).toEqual([item])

    const edited = await post('client', memoryAction, selfSession, { intent: 'save', itemId: item.id, text: 'Walk at lunch, three days a week' })
    expect(edited.status).toBe(200)
    expect((await getSession(testDb.db, { userId: person.client.id, sessionId: selfSession })).memory).toEqual([{ ...item, text: 'Walk at lunch, three days a week' }])
  })
})

describe('co-pilot and notes: only the coach who leads a coach-led session', () => {
  it('the client, another client and another program’s coach get no suggestions; the coach does', async () => {
    for (const who of ['client', 'peer', 'otherCoach'] as const) {
      const refused = await post(who, coPilotAction, coachLedSession, { stage: '1' })
      expect(refused.status).toBeGreaterThanOrEqual(400)
      expect(refused.body).not.toHaveProperty('suggestions')
    }
    const helped = await post('coach', coPilotAction, coachLedSession, { stage: '1' })
    expect(helped.status).toBe(200)
    expect((helped.body as { suggestions: { questions: string[] } }).suggestions.questions.length).toBeGreaterThan(0)
  })

  it('nobody but the coach adds a note to a stage; the coach’s note is kept once', async () => {
    const messageId = randomUUID()
    for (const who of ['client', 'peer', 'otherCoach'] as const) {
      const refused = await post(who, stageAction, coachLedSession, { intent: 'note', messageId, text: `A note by ${who}` }, { stage: '1' })
      expect(refused.status).toBeGreaterThanOrEqual(400)
    }
    const noted = await post('coach', stageAction, coachLedSession, { intent: 'note', messageId, text: 'Cleo arrived tired but keen.' }, { stage: '1' })
    expect(noted.status).toBe(200)
    // The same note sent twice (a double submit) is kept once.
    await post('coach', stageAction, coachLedSession, { intent: 'note', messageId, text: 'Cleo arrived tired but keen.' }, { stage: '1' })
    const transcript = (await getSession(testDb.db, { userId: person.coach.id, sessionId: coachLedSession })).stages[0]!.responses.transcript
    expect(transcript.filter((message) => message.role === 'coach').map((message) => message.content)).toEqual(['Cleo arrived tired but keen.'])
  })
})

describe('the summary’s draft: the coach edits it, and a wrong edit loses nothing', () => {
  it('nobody else can edit or release it; an oversize edit is refused with what was typed kept; then the coach saves and releases', async () => {
    // Take the coach-led session to its end: every stage reviewed and saved by the coach.
    for (const stage of stages) {
      await saveStageFields({ db: testDb.db, ai: null }, { userId: person.coach.id, sessionId: coachLedSession, stage: stage.number, fields: emptyFields(stage.slug) })
    }
    await completeSession(testDb.db, { userId: person.coach.id, sessionId: coachLedSession })
    await ensureSummary({ db: testDb.db, ai: null }, { userId: person.coach.id, sessionId: coachLedSession })

    const edit = { intent: 'save-draft', executiveSummary: 'Cleo chose to walk at lunch.', keyInsights: 'Small steps\nMornings', successMetrics: '', supportAndAccountability: '' }
    for (const who of ['client', 'peer', 'otherCoach'] as const) {
      expect((await post(who, summaryAction, coachLedSession, edit)).status).toBeGreaterThanOrEqual(400)
      expect((await post(who, summaryAction, coachLedSession, { intent: 'release' })).status).toBeGreaterThanOrEqual(400)
    }

    const tooLong = await post('coach', summaryAction, coachLedSession, { ...edit, executiveSummary: 'x'.repeat(2001) })
    expect(tooLong.status).toBe(400)
    const reply = (tooLong.body as { result: { initialValue: Record<string, string>; error: Record<string, string[]> } }).result
    expect(reply.error.executiveSummary).toEqual(['Keep the summary under 2,000 characters.'])
    expect(reply.initialValue).toMatchObject({ executiveSummary: 'x'.repeat(2001), keyInsights: 'Small steps\nMornings' })

    expect((await post('coach', summaryAction, coachLedSession, edit)).status).toBe(200)
    expect((await post('coach', summaryAction, coachLedSession, { intent: 'release' })).status).toBe(200)
    const seenByClient = await getSession(testDb.db, { userId: person.client.id, sessionId: coachLedSession })
    expect(seenByClient.contentVisible).toBe(true)
  })
})

describe('status: only the person who runs the session ends it', () => {
  it('the coach it is shared with and the others cannot cancel it; the client can', async () => {
    for (const who of ['coach', 'peer', 'otherCoach'] as const) {
      expect((await post(who, statusAction, selfSession, { intent: 'cancel' })).status).toBe(404)
    }
    expect((await getSession(testDb.db, { userId: person.client.id, sessionId: selfSession })).status).toBe('active')
    const cancelled = await post('client', statusAction, selfSession, { intent: 'cancel' })
    expect(cancelled).toMatchObject({ status: 302, location: '/dashboard' })
    expect((await getSession(testDb.db, { userId: person.client.id, sessionId: selfSession })).status).toBe('cancelled')
  })
})
