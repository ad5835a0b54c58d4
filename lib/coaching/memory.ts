import { randomUUID } from 'node:crypto'
import type { Tx } from '../db/database'
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
 * no other, hidden profile.
 */
export async function buildMemory(tx: Tx, { clientId, excludeSessionId }: { clientId: string; excludeSessionId: string }): Promise<MemoryItem[]> {
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

/** A session's memory, as far as the reader may see it: nothing for a coach the session is only shared with. */
export async function readMemory(tx: Tx, { sessionId }: { sessionId: string }): Promise<MemoryItem[]> {
  const [row] = await tx.query<{ items: unknown }>('select items from public.session_memories where session_id = $1', [sessionId])
  return row ? memoryItemsSchema.parse(row.items) : []
}

/** Records or replaces a session's memory (only whoever runs the session may). */
export async function saveMemory(tx: Tx, { sessionId, items }: { sessionId: string; items: MemoryItem[] }): Promise<void> {
  await tx.query(
    `insert into public.session_memories (session_id, items) values ($1, $2::jsonb)
     on conflict (session_id) do update set items = excluded.items`,
    [sessionId, JSON.stringify(items)],
  )
}
