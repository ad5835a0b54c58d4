import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Tx } from '../db/database'
import type { StageNumber } from './stages.shared'
import { stageInfo } from './stages.shared'
import { messageSchema, type Message } from './turn-protocol.shared'

/**
 * What `stage_responses.responses` holds for a stage: the conversation (transcript), the
 * fields drawn from it once the stage is finished, the draft of those fields while the
 * person reviews them. (The memory the coach was given is kept apart, in
 * public.session_memories: see ./memory.)
 */

export const memoryItemSchema = z.object({
  id: z.string(),
  kind: z.enum(['open_action', 'last_summary']),
  text: z.string().max(2000),
  /** For open actions: the plan it came from, so Check In can record how it went. */
  actionPlanId: z.string().nullable(),
})
export type MemoryItem = z.infer<typeof memoryItemSchema>

export const stageResponsesSchema = z.object({
  transcript: z.array(messageSchema).catch([]),
  fields: z.record(z.string(), z.unknown()).nullable().catch(null),
  fieldsDraft: z.record(z.string(), z.unknown()).nullable().catch(null),
})
export type StageResponses = z.infer<typeof stageResponsesSchema>

export function readResponses(value: unknown): StageResponses {
  return stageResponsesSchema.parse(value ?? {})
}

export function newMessage(role: Message['role'], content: string, extra: Partial<Pick<Message, 'field' | 'kind' | 'id'>> = {}): Message {
  return { id: extra.id ?? randomUUID(), role, content, at: new Date().toISOString(), ...extra }
}

/** Creates a stage's row (if it does not exist yet) with what it starts with. */
export async function openStage(
  tx: Tx,
  { sessionId, stage, opening }: { sessionId: string; stage: StageNumber; opening: Partial<StageResponses> },
): Promise<void> {
  const responses: StageResponses = { transcript: [], fields: null, fieldsDraft: null, ...opening }
  await tx.query(
    `insert into public.stage_responses (session_id, stage_number, stage_name, responses)
     values ($1, $2, $3, $4::jsonb)
     on conflict (session_id, stage_number) do nothing`,
    [sessionId, stage, stageInfo(stage).slug, JSON.stringify(responses)],
  )
}

/**
 * Appends messages to a stage's transcript in one statement, so two tabs sending at once
 * both land. A message whose id is already there is not added again (a double submit).
 * Returns false when the stage row is not there or not writable by this user.
 */
export async function appendMessages(
  tx: Tx,
  { sessionId, stage, messages }: { sessionId: string; stage: StageNumber; messages: Message[] },
): Promise<boolean> {
  const rows = await tx.query(
    `update public.stage_responses r
     set responses = jsonb_set(
       r.responses,
       '{transcript}',
       coalesce(r.responses -> 'transcript', '[]'::jsonb) || (
         select coalesce(jsonb_agg(m), '[]'::jsonb)
         from jsonb_array_elements($3::jsonb) m
         where not exists (
           select 1 from jsonb_array_elements(coalesce(r.responses -> 'transcript', '[]'::jsonb)) e
           where e ->> 'id' = m ->> 'id'
         )
       )
     )
     where r.session_id = $1 and r.stage_number = $2
     returning r.id`,
    [sessionId, stage, JSON.stringify(messages)],
  )
  return rows.length > 0
}

/** Sets one top-level key of a stage's responses (fields, fieldsDraft). */
export async function setResponsesKey(
  tx: Tx,
  { sessionId, stage, key, value }: { sessionId: string; stage: StageNumber; key: 'fields' | 'fieldsDraft'; value: unknown },
): Promise<boolean> {
  const rows = await tx.query(
    `update public.stage_responses
     set responses = jsonb_set(responses, $3::text[], $4::jsonb, true)
     where session_id = $1 and stage_number = $2
     returning id`,
    [sessionId, stage, [key], JSON.stringify(value)],
  )
  return rows.length > 0
}

/** Saves a stage's reviewed fields, drops the draft and marks the stage complete (the first time). */
export async function completeStage(tx: Tx, { sessionId, stage, fields }: { sessionId: string; stage: StageNumber; fields: unknown }): Promise<void> {
  await setResponsesKey(tx, { sessionId, stage, key: 'fields', value: fields })
  await setResponsesKey(tx, { sessionId, stage, key: 'fieldsDraft', value: null })
  await tx.query(
    `update public.stage_responses set completed_at = coalesce(completed_at, now())
     where session_id = $1 and stage_number = $2`,
    [sessionId, stage],
  )
}
