import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { memoryItemSchema, type MemoryItem } from '../coaching/responses'
import { parseStageFields, stageInfo, stageNumberSchema, type AnyStageFields, type StageNumber } from '../coaching/stages.shared'
import type { Message } from '../coaching/turn-protocol.shared'

/**
 * The eval suite's data (decision 021), read and checked once: the extraction golden set
 * (tests/evals/extraction-golden.json), the client simulator's persona cards
 * (tests/evals/personas.json) and the labelled crisis messages (tests/fixtures/crisis-messages.json).
 * A case whose expected fields do not fit its stage's schema is a broken golden set, not a
 * low score, so loading fails.
 */

const evalsDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../tests/evals')
const fixturesDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures')

/** The session date every golden transcript is dated on (a Monday), and the `today` the eval's prompts are built with. */
export const goldenSessionDate = '2026-03-02'

const lineSchema = z.string().regex(/^(Coach|Client): [\s\S]+$/, 'Each line starts with "Coach: " or "Client: "')

const caseSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  stage: stageNumberSchema,
  person: z.string().min(1),
  traits: z.array(z.enum(['messy', 'change-of-mind', 'refusal', 'advice', 'vague'])),
  memory: z.array(memoryItemSchema).default([]),
  transcript: z.array(lineSchema).min(2),
  expected: z.record(z.string(), z.unknown()),
})

export interface GoldenCase {
  id: string
  stage: StageNumber
  person: string
  traits: string[]
  memory: MemoryItem[]
  transcript: Message[]
  expected: AnyStageFields
}

/** A transcript line as a stored message ("Coach: …" is the AI coach, "Client: …" the person coached). */
export function messagesFromLines(lines: readonly string[], prefix: string): Message[] {
  return lines.map((line, index) => {
    const client = line.startsWith('Client: ')
    return {
      id: `${prefix}-${index + 1}`,
      role: client ? 'client' : 'assistant',
      content: line.slice(client ? 'Client: '.length : 'Coach: '.length),
      at: `${goldenSessionDate}T09:${String(index).padStart(2, '0')}:00.000Z`,
    }
  })
}

export function parseGoldenSet(json: unknown): GoldenCase[] {
  const { cases } = z.object({ cases: z.array(caseSchema).min(1) }).parse(json)
  const ids = new Set<string>()
  return cases.map((item) => {
    if (ids.has(item.id)) throw new Error(`Golden case ${item.id} appears twice`)
    ids.add(item.id)
    const parsed = parseStageFields(stageInfo(item.stage).slug, item.expected)
    if (!parsed.success) throw new Error(`Golden case ${item.id}: expected fields do not fit ${stageInfo(item.stage).name}: ${JSON.stringify(parsed.problems)}`)
    return { ...item, transcript: messagesFromLines(item.transcript, item.id), expected: parsed.data }
  })
}

export function loadGoldenSet(file = path.join(evalsDirectory, 'extraction-golden.json')): GoldenCase[] {
  return parseGoldenSet(JSON.parse(fs.readFileSync(file, 'utf8')))
}

const personaSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  stage: stageNumberSchema,
  name: z.string().min(1),
  card: z.string().min(1),
  asksForAdvice: z.boolean(),
  memory: z.array(memoryItemSchema).default([]),
  turns: z.number().int().min(1).max(20),
  lines: z.array(z.string().min(1)).min(1),
})
export type Persona = z.infer<typeof personaSchema>

export function loadPersonas(file = path.join(evalsDirectory, 'personas.json')): Persona[] {
  return z.object({ personas: z.array(personaSchema).min(1) }).parse(JSON.parse(fs.readFileSync(file, 'utf8'))).personas
}

const crisisMessageSchema = z.object({ text: z.string().min(1), crisis: z.boolean(), category: z.string().nullable().optional(), kind: z.string() })
export type CrisisMessage = z.infer<typeof crisisMessageSchema>

export function loadCrisisMessages(file = path.join(fixturesDirectory, 'crisis-messages.json')): CrisisMessage[] {
  return z.object({ messages: z.array(crisisMessageSchema).min(1) }).parse(JSON.parse(fs.readFileSync(file, 'utf8'))).messages
}
