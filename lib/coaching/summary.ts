import { createHash } from 'node:crypto'
import { generateStructured, type Usage } from '../ai/calls'
import type { ChatModel } from '../ai/model'
import { promptSetVersion } from '../ai/prompts'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import { summaryPrompt } from './prompt-builders'
import { z } from 'zod'
import { outcomeOf, readSession, savedStageFields, type SessionView } from './sessions'
import { actionStepSchema, stages, type ActionStep, type FieldSpec } from './stages.shared'
import { readSummary, summarySchema, type Summary } from './summary-schema'

/**
 * The end-of-session summary. It is derived from the stage responses and cached with a
 * hash of everything it depends on (the stages' fields and transcripts, the prompts'
 * versions, the model): opening a finished session costs no model call, and the summary
 * is written again only when an input changes or the person asks.
 *
 * Self-coaching: stored in coaching_sessions.summary. Coach-led: stored as a draft only
 * the coach sees, until the coach releases the session to the client.
 */

export interface SummaryDependencies {
  db: Database
  ai: ChatModel | null
}

export function summaryInputHash(session: SessionView, modelId: string): string {
  const inputs = session.stages.map((stage) => ({
    stage: stage.number,
    fields: stage.responses.fields,
    transcript: stage.responses.transcript.map((message) => [message.role, message.content]),
  }))
  return createHash('sha256')
    .update(JSON.stringify({ inputs, prompts: promptSetVersion(), model: modelId }))
    .digest('hex')
}

/** The client's words as one sentence: trimmed, ending in one full stop (or their own ?, ! or …). */
function asSentence(words: string): string {
  const text = words.trim().replace(/[\s.]+$/, '')
  return /[?!…]$/.test(text) ? text : `${text}.`
}

/** "a", "a and b", "a, b and c" — each item as the client wrote it, without its closing full stop. */
function joinList(items: readonly string[]): string {
  const clean = items.map((item) => item.trim().replace(/[\s.]+$/, '')).filter(Boolean)
  return clean.length <= 1 ? (clean[0] ?? '') : `${clean.slice(0, -1).join(', ')} and ${clean.at(-1)}`
}

/** "By 31 May" for a deadline, without doubling a "by" the client already wrote. */
function byWhen(timeBound: string): string {
  const text = timeBound.trim().replace(/[\s.]+$/, '')
  return /^by\b/i.test(text) ? `By${text.slice(2)}` : `By ${text}`
}

/** Each distinct item once, first wording kept (insights often come back as learnings). */
function distinct(items: readonly string[]): string[] {
  const seen = new Set<string>()
  return items.filter((item) => {
    const key = item.trim().toLowerCase().replace(/[\s.]+$/, '')
    if (!key || seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** A step as the client agreed it: "Buy running shoes by 2026-12-09". */
function stepText(step: ActionStep): string {
  return `${step.title.trim().replace(/[\s.]+$/, '')}${step.dueDate ? ` by ${step.dueDate}` : ''}`
}

/** One field read back through its recap (stages.shared.ts), or null when it has none or is empty. */
function recapOf(spec: FieldSpec, value: unknown): string | null {
  if (!spec.recap) return null
  const fill = (words: string) => (words ? spec.recap!.replace('{}', words) : null)
  switch (spec.kind) {
    case 'text':
      return typeof value === 'string' && value.trim() ? fill(asSentence(value)) : null
    case 'rating':
      return typeof value === 'number' ? fill(String(value)) : null
    case 'list':
      return fill(joinList(z.array(z.string()).catch([]).parse(value)))
    case 'actionSteps':
      return fill(joinList(z.array(actionStepSchema).catch([]).parse(value).map(stepText)))
    default:
      return null
  }
}

/**
 * Guided mode's summary, written as a coach would write it back: what was said, in the
 * client's own words, stage by stage, each field through its recap in the stage registry.
 * Nothing is counted, invented or repeated; a field the client left empty is left out.
 */
export function composeSummaryFromFields(session: SessionView): Summary {
  const outcome = outcomeOf(session)
  const sentences = stages.flatMap((stage) => {
    const fields: Record<string, unknown> = savedStageFields(session, stage.slug) ?? {}
    return stage.fieldSpecs.map((spec) => recapOf(spec, fields[spec.key])).filter((sentence): sentence is string => Boolean(sentence))
  })
  if (sentences.length === 0 && outcome.arrivedFeeling) sentences.push(`You arrived feeling ${asSentence(outcome.arrivedFeeling)}`)
  const smart = outcome.smart
  const { expectedObstacles: obstacles, contingencies: plans } = outcome
  const clean = (words: string) => words.trim().replace(/[\s.]+$/, '')
  const ifThen = obstacles.length
    ? obstacles.flatMap((obstacle, index) => (plans[index] ? [`if ${clean(obstacle)}: ${clean(plans[index]!)}`] : []))
    : plans
  return {
    executiveSummary: (sentences.join(' ') || 'You took time for yourself today.').slice(0, 2000),
    keyInsights: distinct(outcome.insights)
      .slice(0, 8)
      .map((item) => item.slice(0, 500)),
    goalStatement: outcome.goal ?? '',
    actionPlan: (outcome.steps ?? []).map((s) => ({ title: s.title, dueDate: s.dueDate })),
    successMetrics: [smart?.measurable, smart?.timeBound ? byWhen(smart.timeBound) : null].filter((metric): metric is string => Boolean(metric)),
    supportAndAccountability: [
      outcome.resources.length ? `What you can draw on: ${joinList(outcome.resources)}.` : null,
      ifThen.length ? `Your plan if something gets in the way — ${joinList(ifThen)}.` : null,
      'Your next Check In starts with how these actions went.',
    ]
      .filter(Boolean)
      .join(' ')
      .slice(0, 1000),
  }
}

export interface SummaryResult {
  summary: Summary
  /** False when the cached summary was returned and no model was called. */
  generated: boolean
  usage: Usage | null
}

async function storedSummary(deps: SummaryDependencies, userId: string, session: SessionView): Promise<{ summary: Summary; hash: string } | null> {
  if (session.sessionType === 'coach_led' && session.viewerRole === 'coach' && !session.releasedAt) {
    const [draft] = await deps.db.asUser(userId, (tx) =>
      tx.query<{ summary: unknown; summary_input_hash: string }>(
        'select summary, summary_input_hash from public.session_summary_drafts where session_id = $1',
        [session.id],
      ),
    )
    const summary = readSummary(draft?.summary)
    return draft && summary ? { summary, hash: draft.summary_input_hash } : null
  }
  const [row] = await deps.db.asUser(userId, (tx) =>
    tx.query<{ summary: unknown; summary_input_hash: string | null }>(
      'select summary, summary_input_hash from public.coaching_sessions where id = $1',
      [session.id],
    ),
  )
  const summary = readSummary(row?.summary)
  return row && summary ? { summary, hash: row.summary_input_hash ?? '' } : null
}

/** The session's summary if one exists (draft for its coach, released for its client), without any model call. */
export async function getSummary(
  deps: SummaryDependencies,
  { userId, sessionId }: { userId: string; sessionId: string },
): Promise<{ summary: Summary; upToDate: boolean } | null> {
  const session = await deps.db.asUser(userId, (tx) => readSession(tx, { userId, sessionId }))
  const stored = await storedSummary(deps, userId, session)
  if (!stored) return null
  return { summary: stored.summary, upToDate: stored.hash === summaryInputHash(session, deps.ai?.id ?? 'guided') }
}

/**
 * Returns the summary, writing it only if there is none, its inputs changed, or `force`.
 * Only the person who ran a completed session can have it written.
 */
export async function ensureSummary(
  deps: SummaryDependencies,
  { userId, sessionId, force = false }: { userId: string; sessionId: string; force?: boolean },
): Promise<SummaryResult> {
  const session = await deps.db.asUser(userId, (tx) => readSession(tx, { userId, sessionId }))
  if (!session.contentVisible) throw new AppError('not_found', 'That session does not exist, or you do not have access to it.')
  const hash = summaryInputHash(session, deps.ai?.id ?? 'guided')
  const stored = await storedSummary(deps, userId, session)
  if (stored && stored.hash === hash && !force) return { summary: stored.summary, generated: false, usage: null }
  if (!session.viewerRuns) {
    if (stored) return { summary: stored.summary, generated: false, usage: null }
    throw new AppError('conflict', 'The summary has not been written yet.')
  }
  if (session.status !== 'completed') throw new AppError('conflict', 'Complete the session first; the summary is written at the end.')
  if (session.sessionType === 'coach_led' && session.releasedAt) {
    throw new AppError('conflict', 'This session was released to the client; its summary no longer changes.')
  }

  const { summary, usage } = await writeSummary(deps.ai, session)

  await deps.db.asUser(userId, async (tx) => {
    if (session.sessionType === 'coach_led') {
      await tx.query(
        `insert into public.session_summary_drafts (session_id, summary, summary_input_hash)
         values ($1, $2::jsonb, $3)
         on conflict (session_id) do update set summary = excluded.summary, summary_input_hash = excluded.summary_input_hash`,
        [session.id, JSON.stringify(summary), hash],
      )
    } else {
      await tx.query('update public.coaching_sessions set summary = $2::jsonb, summary_input_hash = $3 where id = $1', [
        session.id,
        JSON.stringify(summary),
        hash,
      ])
    }
  })
  return { summary, generated: true, usage }
}

/**
 * A session's summary: the model's, or in guided mode composed from the fields; whatever the
 * model wrote, the goal and the agreed steps are the client's own from Finish. What
 * `ensureSummary` stores, and what the eval suite checks for faithfulness (decision 021).
 */
export async function writeSummary(ai: ChatModel | null, session: SessionView): Promise<{ summary: Summary; usage: Usage | null }> {
  let summary: Summary
  let usage: Usage | null = null
  if (ai) {
    const result = await generateStructured(ai, { ...summaryPrompt(session), schema: summarySchema })
    summary = result.value
    usage = result.usage
  } else {
    summary = composeSummaryFromFields(session)
  }
  const { goal, steps } = outcomeOf(session)
  if (steps) {
    summary = {
      ...summary,
      goalStatement: goal ?? summary.goalStatement,
      actionPlan: steps.map((step) => ({ title: step.title, dueDate: step.dueDate })),
    }
  }
  return { summary, usage }
}

/** The coach edits the draft summary of a coach-led session before releasing it. */
export async function saveSummaryDraft(
  deps: SummaryDependencies,
  { userId, sessionId, summary }: { userId: string; sessionId: string; summary: unknown },
): Promise<void> {
  const parsed = summarySchema.safeParse(summary)
  if (!parsed.success) {
    throw new AppError('invalid', 'Some parts of the summary need fixing.', Object.fromEntries(parsed.error.issues.map((i) => [i.path.join('.'), [i.message]])))
  }
  const rows = await deps.db.asUser(userId, (tx) =>
    tx.query('update public.session_summary_drafts set summary = $2::jsonb where session_id = $1 returning session_id', [sessionId, JSON.stringify(parsed.data)]),
  )
  if (rows.length === 0) throw new AppError('not_found', 'There is no draft summary to edit for that session.')
}

/**
 * The coach releases a reviewed coach-led session: the summary becomes the client's, and
 * the stages and action plans become visible to them. One transaction.
 */
export async function releaseSession(deps: SummaryDependencies, { userId, sessionId }: { userId: string; sessionId: string }): Promise<void> {
  await deps.db.asUser(userId, async (tx) => {
    const [draft] = await tx.query<{ summary: unknown; summary_input_hash: string }>(
      'select summary, summary_input_hash from public.session_summary_drafts where session_id = $1',
      [sessionId],
    )
    if (!draft) throw new AppError('conflict', 'Write and review the summary before releasing the session.')
    const rows = await tx.query(
      `update public.coaching_sessions
       set summary = $2::jsonb, summary_input_hash = $3, released_at = now()
       where id = $1 and session_type = 'coach_led' and completed_at is not null and released_at is null
       returning id`,
      [sessionId, JSON.stringify(draft.summary), draft.summary_input_hash],
    )
    if (rows.length === 0) throw new AppError('conflict', 'Only a completed coach-led session that is not yet released can be released.')
    await tx.query('delete from public.session_summary_drafts where session_id = $1', [sessionId])
  })
}
