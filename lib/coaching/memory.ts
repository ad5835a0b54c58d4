import { randomUUID } from 'node:crypto'
import type { Database, Tx } from '../db/database'
import { z } from 'zod'
import { memoryItemSchema, type MemoryItem } from './responses'
import type { ActionReview } from './stages.shared'
import { readSummary } from './summary-schema'

/**
 * What the coach "remembers" when a session starts: the client's open action plans and
 * the last finished session's summary. It is read under the access rules of whoever
 * starts the session, kept in public.session_memories (readable by whoever runs the
 * session and by its client, never by a coach a self-coaching session is shared with),
 * shown in full to the user, and editable or removable before the AI sees it. There is
 * no other, hidden profile. While the client has paused memory (the settings page), a
 * session starts with none.
 */
export async function buildMemory(tx: Tx, { clientId, excludeSessionId }: { clientId: string; excludeSessionId: string }): Promise<MemoryItem[]> {
  const [profile] = await tx.query<{ memory_paused: boolean }>('select memory_paused from public.profiles where id = $1', [clientId])
  if (profile?.memory_paused) return []
  const plans = await tx.query<{ id: string; title: string; status: string; timeline_end: string | null }>(
    `select id, title, status, timeline_end from public.action_plans
     where user_id = $1 and status <> 'completed'
     order by timeline_end asc nulls last, created_at
     limit 10`,
    [clientId],
  )
  const [lastSession] = await tx.query<{ title: string; summary: unknown; completed_at: Date }>(
    `select title, summary, completed_at from public.coaching_sessions
     where user_id = $1 and id <> $2 and completed_at is not null and summary is not null
     order by completed_at desc
     limit 1`,
    [clientId, excludeSessionId],
  )
  const items: MemoryItem[] = plans.map((plan) => ({
    id: randomUUID(),
    kind: 'open_action',
    text: `${plan.title} (${plan.status.replace('_', ' ')}${plan.timeline_end ? `, due ${plan.timeline_end}` : ''})`,
    actionPlanId: plan.id,
  }))
  const summary = lastSession ? readSummary(lastSession.summary) : null
  if (lastSession && summary) {
    items.push({
      id: randomUUID(),
      kind: 'last_summary',
      text: `Last session, “${lastSession.title}”: ${summary.executiveSummary}${summary.goalStatement ? ` Goal: ${summary.goalStatement}` : ''}`.slice(0, 2000),
      actionPlanId: null,
    })
  }
  return items
}

/** An open action's title, without the status and date shown beside it in memory. */
export function openActionTitle(item: MemoryItem): string {
  return item.text.replace(/\s*\([^)]*\)\s*$/, '').slice(0, 200)
}

/**
 * Check In's review rows: exactly the open plans the client let the coach remember, keyed by
 * their ids, each with what was said about it (or "not discussed"). A review of any other
 * plan — invented by a model, or of a plan removed from memory — is dropped.
 */
export function reviewRowsFor(memory: MemoryItem[], reviews: readonly ActionReview[]): ActionReview[] {
  return memory.flatMap((item) => {
    if (item.kind !== 'open_action' || !item.actionPlanId) return []
    const said = reviews.find((review) => review.actionPlanId === item.actionPlanId)
    return [{ actionPlanId: item.actionPlanId, title: openActionTitle(item), progress: said?.progress ?? null, whatGotInTheWay: said?.whatGotInTheWay ?? null }]
  })
}

const memoryItemsSchema = z.array(memoryItemSchema).catch([])

/** A session's memory as read under its policy: none when it has none, or for a coach the session is only shared with. */
export function readMemoryItems(value: unknown): MemoryItem[] {
  return value == null ? [] : memoryItemsSchema.parse(value)
}

/** Records or replaces a session's memory (only whoever runs the session may). */
export async function saveMemory(tx: Tx, { sessionId, items }: { sessionId: string; items: MemoryItem[] }): Promise<void> {
  await tx.query(
    `insert into public.session_memories (session_id, items) values ($1, $2::jsonb)
     on conflict (session_id) do update set items = excluded.items`,
    [sessionId, JSON.stringify(items)],
  )
}

export interface RememberedSession {
  sessionId: string
  title: string
  items: number
  /** A coach-led session's memory is its coach's to clear; the client can read it. */
  ledByCoach: boolean
}

/** How many remembered sessions the settings page lists, newest first. */
const rememberedPageSize = 20

/**
 * Everything the coach remembers about the signed-in person, for the settings page: what a
 * session started now would begin with (nothing while paused), and the sessions that hold a
 * memory, newest first, a page of them.
 */
export async function memoryOverview(db: Database, { userId }: { userId: string }): Promise<{ next: MemoryItem[]; sessions: RememberedSession[]; more: boolean }> {
  return db.asUser(userId, async (tx) => {
    const next = await buildMemory(tx, { clientId: userId, excludeSessionId: '00000000-0000-0000-0000-000000000000' })
    const rows = await tx.query<{ session_id: string; title: string; items: number; led_by_coach: boolean }>(
      `select m.session_id, s.title, jsonb_array_length(m.items)::int as items, s.session_type = 'coach_led' as led_by_coach
       from public.coaching_sessions s
       join public.session_memories m on m.session_id = s.id
       where s.user_id = $1 and m.items <> '[]'::jsonb
       order by s.created_at desc, s.id desc
       limit ${rememberedPageSize + 1}`,
      [userId],
    )
    return {
      next,
      sessions: rows.slice(0, rememberedPageSize).map((row) => ({ sessionId: row.session_id, title: row.title, items: row.items, ledByCoach: row.led_by_coach })),
      more: rows.length > rememberedPageSize,
    }
  })
}

/**
 * Clears what the coach remembers in every session the person runs themself. A coach-led
 * session's memory was drawn under its coach's access and is the coach's to clear; how many
 * of those remain is returned so the page can say so.
 */
export async function clearRememberedMemory(db: Database, { userId }: { userId: string }): Promise<{ cleared: number; keptByCoach: number }> {
  return db.asUser(userId, async (tx) => {
    const cleared = await tx.query(
      `delete from public.session_memories m
       using public.coaching_sessions s
       where s.id = m.session_id and s.user_id = $1 and s.session_type = 'self_coaching'
       returning m.session_id`,
      [userId],
    )
    const [kept] = await tx.query<{ count: number }>(
      `select count(*)::int as count from public.session_memories m
       join public.coaching_sessions s on s.id = m.session_id
       where s.user_id = $1 and m.items <> '[]'::jsonb`,
      [userId],
    )
    return { cleared: cleared.length, keptByCoach: kept?.count ?? 0 }
  })
}
