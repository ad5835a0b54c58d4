import { z } from 'zod'
import { sqlState, type Database, type Tx } from '../db/database'
import { AppError } from '../errors'
import { formatDate } from '../dates.shared'
import { loadStagePrompt } from '../ai/prompts'
import { buildMemory, readMemoryItems, saveMemory } from './memory'
import { newMessage, openStage, readResponses, type MemoryItem, type StageResponses } from './responses'
import type { Message } from './turn-protocol.shared'
import { memoryStage, savedFields, sessionOutcome, stageInfo, stages, type SessionOutcome, type StageFields, type StageNumber, type StageSlug } from './stages.shared'
import { readSummary, type Summary } from './summary-schema'
import { sessionItemSchema, type SessionItem } from '../library/library.shared'

export type SessionType = 'self_coaching' | 'coach_led'
export type SessionStatus = 'active' | 'completed' | 'cancelled'

// ─── listing ─────────────────────────────────────────────────────────────────────────

export interface SessionListItem {
  id: string
  title: string
  sessionType: SessionType
  currentStage: number
  sessionDate: string
  dueAt: Date | null
  startedAt: Date | null
  completedAt: Date | null
  cancelledAt: Date | null
  /** The client's name when the viewer is the coach; null for the viewer's own sessions. */
  clientName: string | null
}

/** The sessions a user has as a client, and the ones they coach, newest first. */
export async function listSessions(
  db: Database,
  { userId, limit = 20 }: { userId: string; limit?: number },
): Promise<SessionListItem[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{
      id: string
      title: string
      session_type: SessionType
      current_stage: number
      session_date: string
      due_at: Date | null
      started_at: Date | null
      completed_at: Date | null
      cancelled_at: Date | null
      client_name: string | null
    }>(
      // Every session the user may see is theirs or one they coach: each half is read
      // newest first through its own index, a page's worth, whatever the history's length.
      `select s.id, s.title, s.session_type, s.current_stage, s.session_date, s.due_at,
              s.started_at, s.completed_at, s.cancelled_at,
              case when s.user_id = $1 then null
                   else coalesce((select p.display_name from public.profiles p where p.id = s.user_id), 'A client') end as client_name
       from (
         (select * from public.coaching_sessions where user_id = $1
          order by session_date desc, created_at desc limit $2)
         union all
         (select * from public.coaching_sessions where coach_id = $1 and user_id <> $1
          order by session_date desc, created_at desc limit $2)
       ) s
       order by s.session_date desc, s.created_at desc
       limit $2`,
      [userId, limit],
    ),
  )
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    sessionType: row.session_type,
    currentStage: row.current_stage,
    sessionDate: row.session_date,
    dueAt: row.due_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    cancelledAt: row.cancelled_at,
    clientName: row.client_name,
  }))
}

// ─── starting ────────────────────────────────────────────────────────────────────────

export const sessionTitleSchema = z
  .string()
  .trim()
  .max(200, 'Keep the name under 200 characters.')
  .transform((value) => (value === '' ? null : value))

export type StartSessionInput =
  | { userId: string; sessionType: 'self_coaching'; title?: string | null }
  | { userId: string; sessionType: 'coach_led'; clientId: string; programId: string; title?: string | null }

export type StartSessionResult =
  | { started: true; sessionId: string }
  | { started: false; activeSession: { id: string; title: string } }

function defaultTitle(sessionType: SessionType, clientName: string | null, today: Date): string {
  const date = formatDate(today, { timeZone: 'UTC' })
  return sessionType === 'self_coaching' ? `Self-coaching — ${date}` : `Coach-led with ${clientName ?? 'client'} — ${date}`
}

/** The first question of a stage, asked by the coach as the stage opens. */
function openingQuestion(stage: StageNumber, memory: MemoryItem[]): Message {
  const [first] = loadStagePrompt(stage).guidedQuestions
  if (!first) throw new Error(`No opening question for stage ${stage}`)
  const greeting =
    stage === memoryStage
      ? memory.some((item) => item.kind === 'open_action')
        ? 'Welcome back. Let’s check in before we look at how your actions went. '
        : 'Welcome. Let’s start by checking in. '
      : `Let’s move on to ${stageInfo(stage).name}. `
  return newMessage('assistant', greeting + first.question, { field: first.field })
}

/** The opening state of a stage row: its first question (self-coaching), which for Check In depends on the memory. */
export function stageOpening(stage: StageNumber, sessionType: SessionType, memory: MemoryItem[] = []): Partial<StageResponses> {
  return { transcript: sessionType === 'self_coaching' ? [openingQuestion(stage, memory)] : [] }
}

/**
 * Starts a session and opens its Check In with what the coach remembers. A user drives
 * at most one active session at a time (the database enforces it, even for two requests
 * at once); if one is active, it is returned instead so the user can resume or cancel it.
 */
export async function startSession(db: Database, input: StartSessionInput): Promise<StartSessionResult> {
  const title = sessionTitleSchema.safeParse(input.title ?? '')
  if (!title.success) {
    throw new AppError('invalid', 'Check the session name.', { title: title.error.issues.map((i) => i.message) })
  }
  try {
    const sessionId = await db.asUser(input.userId, async (tx) => {
      let clientId = input.userId
      let clientName: string | null = null
      if (input.sessionType === 'coach_led') {
        const [client] = await tx.query<{ display_name: string }>(
          `select p.display_name
           from public.program_members m
           join public.profiles p on p.id = m.user_id
           where m.program_id = $1 and m.user_id = $2 and m.role = 'client'`,
          [input.programId, input.clientId],
        )
        if (!client) throw new AppError('not_found', 'That client is not in one of your programs.')
        clientId = input.clientId
        clientName = client.display_name
      }
      const [session] = await tx.query<{ id: string }>(
        `insert into public.coaching_sessions
           (user_id, coach_id, program_id, session_type, source, visibility, title, started_at)
         values ($1, $2, $3, $4, $5, $6, $7, now())
         returning id`,
        input.sessionType === 'coach_led'
          ? [clientId, input.userId, input.programId, 'coach_led', 'coach_assigned', 'shared', title.data ?? defaultTitle('coach_led', clientName, new Date())]
          : [clientId, null, null, 'self_coaching', 'self_assigned', 'private', title.data ?? defaultTitle('self_coaching', null, new Date())],
      )
      if (!session) throw new Error('Starting the session returned no id')
      const memory = await buildMemory(tx, { clientId, excludeSessionId: session.id })
      if (memory.length > 0) await saveMemory(tx, { sessionId: session.id, items: memory })
      await openStage(tx, { sessionId: session.id, stage: 1, opening: stageOpening(1, input.sessionType, memory) })
      return session.id
    })
    return { started: true, sessionId }
  } catch (error) {
    if (!(error instanceof AppError && error.kind === 'conflict' && sqlState(error.cause) === '23505')) throw error
    const active = await getActiveSession(db, { userId: input.userId })
    if (!active) throw error
    return { started: false, activeSession: active }
  }
}

/** The session this user is driving now, if any. */
export async function getActiveSession(db: Database, { userId }: { userId: string }): Promise<{ id: string; title: string } | null> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ id: string; title: string }>(
      `select id, title from public.coaching_sessions
       where (case when session_type = 'coach_led' then coach_id else user_id end) = $1
         and started_at is not null and completed_at is null and cancelled_at is null
       limit 1`,
      [userId],
    ),
  )
  return row ?? null
}

// ─── reading ─────────────────────────────────────────────────────────────────────────

export interface StageView {
  number: StageNumber
  name: string
  purpose: string
  completedAt: Date | null
  responses: StageResponses
}

export interface SessionView {
  id: string
  title: string
  sessionType: SessionType
  source: 'self_assigned' | 'coach_assigned'
  status: SessionStatus
  currentStage: StageNumber
  sessionDate: string
  startedAt: Date | null
  completedAt: Date | null
  cancelledAt: Date | null
  pausedAt: Date | null
  releasedAt: Date | null
  visibility: 'private' | 'shared'
  clientId: string
  clientName: string
  coachId: string | null
  coachName: string | null
  programId: string | null
  /** From a template: the snapshot of its items (later template edits do not change them), empty otherwise. */
  items: SessionItem[]
  /** Whether the five-stage conversation is part of this session (a template may leave it out). */
  hasConversation: boolean
  dueAt: Date | null
  templateId: string | null
  moduleRunId: string | null
  /** The viewer's part: the client, or the coach. */
  viewerRole: 'client' | 'coach'
  /** Whether the viewer runs the session (writes its stages): the client in self-coaching, the coach in coach-led. */
  viewerRuns: boolean
  /** False for the client of a coach-led session the coach has not released yet. */
  contentVisible: boolean
  summary: Summary | null
  /** What the coach remembers from before (Check In), as far as the viewer may see it: empty for a coach the session is only shared with. */
  memory: MemoryItem[]
  stages: StageView[]
}

/** What the coach remembers from before today (shown in Check In), as far as the viewer may see it; kept in public.session_memories. */
export function memoryOf(session: SessionView): MemoryItem[] {
  return session.memory
}

/** A stage's saved fields, validated by its schema; null if the stage has none (or they no longer fit). */
export function savedStageFields<Slug extends StageSlug>(session: SessionView, slug: Slug): StageFields[Slug] | null {
  return savedFields(slug, (s) => rawFieldsOf(session, s))
}

function rawFieldsOf(session: SessionView, slug: StageSlug): unknown {
  return session.stages.find((stage) => stageInfo(stage.number).slug === slug)?.responses.fields
}

/** What the session produced, by meaning (goal, agreed steps, insights…), from its saved fields. */
export function outcomeOf(session: SessionView): SessionOutcome {
  return sessionOutcome((slug) => rawFieldsOf(session, slug))
}

function asStageNumber(value: number): StageNumber {
  return stageInfo(value).number
}

/** A session with all its stages, as far as the viewer may see it. Not found otherwise. */
export async function getSession(
  db: Database,
  { userId, sessionId }: { userId: string; sessionId: string },
): Promise<SessionView> {
  return db.asUser(userId, (tx) => readSession(tx, { userId, sessionId }))
}

/**
 * Where /sessions/:id opens for the person who runs a running session: its current stage.
 * Null when the session is not running or not theirs to run (it then reads as a record),
 * and for a session from a template, which opens on its items.
 * One small query, so the page does not read the whole session a second time.
 */
export async function runningStageOf(db: Database, { userId, sessionId }: { userId: string; sessionId: string }): Promise<StageNumber | null> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ current_stage: number }>(
      `select current_stage from public.coaching_sessions
       where id = $1 and completed_at is null and cancelled_at is null
         and started_at is not null and session_template_id is null and items = '[]'::jsonb and has_conversation
         and case when session_type = 'self_coaching' then user_id = $2 else coach_id = $2 end`,
      [sessionId, userId],
    ),
  )
  return row ? asStageNumber(row.current_stage) : null
}

/**
 * The session with its stages. With `forTurnIn`, only what a conversation turn in that
 * stage needs: that stage whole, the earlier stages' reviewed fields, and nothing of
 * later stages — not every stage's whole transcript (issue 10).
 */
export async function readSession(
  tx: Tx,
  { userId, sessionId, forTurnIn }: { userId: string; sessionId: string; forTurnIn?: StageNumber },
): Promise<SessionView> {
  // One statement (issue 10): the session, its stages and its memory, each under its own
  // table's policies. With `forTurnIn`, the stages up to that one, and of the earlier ones
  // only their reviewed fields.
  const [row] = await tx.query<{
    id: string
    title: string
    session_type: SessionType
    source: 'self_assigned' | 'coach_assigned'
    current_stage: number
    session_date: string
    started_at: Date | null
    completed_at: Date | null
    cancelled_at: Date | null
    paused_at: Date | null
    released_at: Date | null
    visibility: 'private' | 'shared'
    user_id: string
    client_name: string | null
    coach_id: string | null
    coach_name: string | null
    program_id: string | null
    summary: unknown
    items: unknown
    has_conversation: boolean
    due_at: Date | null
    session_template_id: string | null
    module_run_id: string | null
    memory_items: unknown
    stages: Array<{ stage_number: number; completed_at: string | null; responses: unknown }>
  }>(
    `select s.id, s.title, s.session_type, s.source, s.current_stage, s.session_date, s.started_at,
            s.completed_at, s.cancelled_at, s.paused_at, s.released_at, s.visibility, s.user_id,
            client.display_name as client_name, s.coach_id, coach.display_name as coach_name,
            s.program_id, s.summary, s.items, s.has_conversation, s.due_at, s.session_template_id, s.module_run_id,
            (select m.items from public.session_memories m where m.session_id = s.id) as memory_items,
            (select coalesce(jsonb_agg(jsonb_build_object(
                      'stage_number', r.stage_number,
                      'completed_at', r.completed_at,
                      'responses', case when $2::int is null or r.stage_number = $2::int then r.responses
                                        else jsonb_build_object('fields', r.responses -> 'fields') end
                    ) order by r.stage_number), '[]'::jsonb)
             from public.stage_responses r
             where r.session_id = s.id and ($2::int is null or r.stage_number <= $2::int)) as stages
     from public.coaching_sessions s
     left join public.profiles client on client.id = s.user_id
     left join public.profiles coach on coach.id = s.coach_id
     where s.id = $1`,
    [sessionId, forTurnIn ?? null],
  )
  if (!row) throw new AppError('not_found', 'That session does not exist, or you do not have access to it.')
  const viewerRole = row.user_id === userId ? 'client' : 'coach'
  const contentVisible = viewerRole === 'coach' || row.session_type === 'self_coaching' || row.released_at !== null
  return {
    id: row.id,
    title: row.title,
    sessionType: row.session_type,
    source: row.source,
    status: row.completed_at ? 'completed' : row.cancelled_at ? 'cancelled' : 'active',
    currentStage: asStageNumber(row.current_stage),
    sessionDate: row.session_date,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    cancelledAt: row.cancelled_at,
    pausedAt: row.paused_at,
    releasedAt: row.released_at,
    visibility: row.visibility,
    clientId: row.user_id,
    clientName: row.client_name ?? 'Client',
    coachId: row.coach_id,
    coachName: row.coach_name,
    programId: row.program_id,
    items: readItems(row.items),
    hasConversation: row.has_conversation,
    dueAt: row.due_at,
    templateId: row.session_template_id,
    moduleRunId: row.module_run_id,
    viewerRole,
    viewerRuns: row.session_type === 'self_coaching' ? viewerRole === 'client' : viewerRole === 'coach',
    contentVisible,
    summary: readSummary(row.summary),
    memory: readMemoryItems(row.memory_items),
    stages: row.stages.map((stage) => {
      const info = stageInfo(stage.stage_number)
      return {
        number: info.number,
        name: info.name,
        purpose: info.purpose,
        completedAt: stage.completed_at === null ? null : new Date(stage.completed_at),
        responses: readResponses(stage.responses),
      }
    }),
  }
}

const sessionItemsSchema = z.array(sessionItemSchema)

/** A session's snapshot of its template's items; a snapshot that no longer fits reads as none (and is logged). */
function readItems(value: unknown): SessionItem[] {
  const parsed = sessionItemsSchema.safeParse(value)
  if (parsed.success) return parsed.data
  console.error('A session’s items do not fit the item schema', parsed.error.issues.slice(0, 3))
  return []
}

/** Throws unless the session is active and the user runs it: what every write to a running session needs. */
export function requireRunnable(session: SessionView): void {
  if (!session.viewerRuns) throw new AppError('not_found', 'That session does not exist, or you do not have access to it.')
  if (session.status === 'completed') throw new AppError('conflict', 'This session is complete; it can be read but not changed.')
  if (session.status === 'cancelled') throw new AppError('conflict', 'This session was cancelled.')
}

// ─── changing ────────────────────────────────────────────────────────────────────────

export async function cancelSession(db: Database, { userId, sessionId }: { userId: string; sessionId: string }): Promise<void> {
  await db.asUser(userId, async (tx) => {
    const session = await readSession(tx, { userId, sessionId })
    requireRunnable(session)
    await tx.query('update public.coaching_sessions set cancelled_at = now() where id = $1 and cancelled_at is null', [sessionId])
  })
}

export async function renameSession(
  db: Database,
  { userId, sessionId, title }: { userId: string; sessionId: string; title: string },
): Promise<void> {
  const parsed = sessionTitleSchema.safeParse(title)
  if (!parsed.success || !parsed.data) {
    throw new AppError('invalid', 'Give the session a name of up to 200 characters.', { title: ['Give the session a name of up to 200 characters.'] })
  }
  const rows = await db.asUser(userId, (tx) =>
    tx.query('update public.coaching_sessions set title = $2 where id = $1 returning id', [sessionId, parsed.data]),
  )
  if (rows.length === 0) throw new AppError('not_found', 'That session does not exist, or you cannot rename it.')
}

/** Whether the viewer may Mark Complete: whoever runs it, and the coach who assigned it. */
export function canCompleteSession(session: SessionView): boolean {
  if (session.status !== 'active') return false
  return session.viewerRuns || (session.viewerRole === 'coach' && session.source === 'coach_assigned' && session.sessionType === 'self_coaching')
}

/**
 * Mark Complete: a deliberate act, by whoever runs the session or the coach who assigned
 * it, once; where the session includes the conversation, after Check Out is finished.
 * completed_at never changes afterwards (the database refuses), and nothing sets it by
 * itself.
 */
export async function completeSession(db: Database, { userId, sessionId }: { userId: string; sessionId: string }): Promise<{ hasConversation: boolean }> {
  return db.asUser(userId, (tx) => completeSessionIn(tx, { userId, sessionId }))
}

/** Mark Complete inside a unit of work the caller holds as the user (an offline entry's sync writes its receipt in the same one). */
export async function completeSessionIn(tx: Tx, { userId, sessionId }: { userId: string; sessionId: string }): Promise<{ hasConversation: boolean }> {
  {
    const session = await readSession(tx, { userId, sessionId })
    if (session.status === 'completed') throw new AppError('conflict', 'This session is already complete.')
    if (!canCompleteSession(session)) requireRunnable(session)
    if (session.hasConversation) {
      const unfinished = stages.filter((stage) => !session.stages.find((s) => s.number === stage.number)?.completedAt)
      if (unfinished.length > 0) {
        throw new AppError('conflict', `Finish every stage first: ${unfinished.map((s) => s.name).join(', ')} ${unfinished.length === 1 ? 'is' : 'are'} not finished yet.`)
      }
    }
    const rows = await tx.query(
      'update public.coaching_sessions set completed_at = now(), paused_at = null where id = $1 and completed_at is null returning id',
      [sessionId],
    )
    if (rows.length === 0) throw new AppError('not_found', 'That session does not exist, or you cannot mark it complete.')
    return { hasConversation: session.hasConversation }
  }
}

/**
 * Begins the conversation of a session made from a template (which was created unstarted):
 * it becomes the client's running session, and Check In opens with what the coach
 * remembers. One running session at a time, as for any session.
 */
export async function beginConversation(db: Database, { userId, sessionId }: { userId: string; sessionId: string }): Promise<void> {
  try {
    await db.asUser(userId, async (tx) => {
      const session = await readSession(tx, { userId, sessionId })
      requireRunnable(session)
      if (!session.hasConversation) throw new AppError('conflict', 'This session has no coaching conversation.')
      if (session.startedAt) return
      await tx.query('update public.coaching_sessions set started_at = now() where id = $1 and started_at is null', [sessionId])
      const memory = await buildMemory(tx, { clientId: session.clientId, excludeSessionId: session.id })
      if (memory.length > 0) await saveMemory(tx, { sessionId: session.id, items: memory })
      await openStage(tx, { sessionId: session.id, stage: 1, opening: stageOpening(1, session.sessionType, memory) })
    })
  } catch (error) {
    if (error instanceof AppError && error.kind === 'conflict' && sqlState(error.cause) === '23505') {
      const active = await getActiveSession(db, { userId })
      throw new AppError('conflict', `Finish or cancel “${active?.title ?? 'your running session'}” first: one conversation runs at a time.`)
    }
    throw error
  }
}

/** The client says they are safe and chooses to carry on after a safety pause. */
export async function resumeAfterPause(db: Database, { userId, sessionId }: { userId: string; sessionId: string }): Promise<void> {
  await db.asUser(userId, async (tx) => {
    const session = await readSession(tx, { userId, sessionId })
    requireRunnable(session)
    await tx.query('update public.coaching_sessions set paused_at = null where id = $1', [sessionId])
  })
}

/** The safety pause: language that signals a crisis stops coaching until the person chooses to carry on. */
export async function pauseSession(tx: Tx, { sessionId }: { sessionId: string }): Promise<void> {
  await tx.query('update public.coaching_sessions set paused_at = now() where id = $1', [sessionId])
}

/** Moves the session on to a stage; revisiting an earlier stage never moves it back. */
export async function advanceSession(tx: Tx, { sessionId, toStage }: { sessionId: string; toStage: StageNumber }): Promise<void> {
  await tx.query('update public.coaching_sessions set current_stage = greatest(current_stage, $2) where id = $1', [sessionId, toStage])
}

/** Someone on the other side of a program the user belongs to: a coach of theirs, or a client of theirs. */
export interface ProgramPartner {
  userId: string
  name: string
  programId: string
  programName: string
}

/**
 * The people the user works with through programs: as a client, their coaches (whom they
 * can share a session with); as a coach, their clients (whom they can lead a session with).
 */
export async function listProgramPartners(
  db: Database,
  { userId, partnerRole }: { userId: string; partnerRole: 'coach' | 'client' },
): Promise<ProgramPartner[]> {
  const myRole = partnerRole === 'coach' ? 'client' : 'coach'
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ user_id: string; name: string | null; program_id: string; program_name: string }>(
      `select partner.user_id, pr.display_name as name, p.id as program_id, p.name as program_name
       from public.program_members me
       join public.programs p on p.id = me.program_id
       join public.program_members partner on partner.program_id = me.program_id and partner.role = $3
       left join public.profiles pr on pr.id = partner.user_id
       where me.user_id = $1 and me.role = $2
       order by pr.display_name, p.name`,
      [userId, myRole, partnerRole],
    ),
  )
  const fallbackName = partnerRole === 'coach' ? 'Coach' : 'Client'
  return rows.map((r) => ({ userId: r.user_id, name: r.name ?? fallbackName, programId: r.program_id, programName: r.program_name }))
}

/**
 * A client shares a self-coaching session with one of their coaches (who then sees its
 * stages, summary and plans), or makes it private again.
 */
export async function setSessionSharing(
  db: Database,
  input: { userId: string; sessionId: string; share: { coachId: string; programId: string } | null },
): Promise<void> {
  // coach_id and program_id are not updatable by the API roles; this function is the one
  // way they change after insert (supabase/migrations/20261202000100_grants_and_set_based_policies.sql).
  const [result] = await db.asUser(input.userId, (tx) =>
    tx.query<{ changed: boolean }>('select public.set_session_sharing($1, $2, $3) as changed', [
      input.sessionId,
      input.share?.coachId ?? null,
      input.share?.programId ?? null,
    ]),
  )
  if (!result?.changed) throw new AppError('not_found', 'That session does not exist, or it cannot be shared that way.')
}
