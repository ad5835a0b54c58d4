import { streamReply } from '../ai/calls'
import type { ChatModel } from '../ai/model'
import { fillTemplate, loadPrompt } from '../ai/prompts'
import { turnPrompt, type PromptMoment } from '../coaching/prompt-builders'
import type { MemoryItem } from '../coaching/responses'
import { screenForCrisis } from '../coaching/safety-check'
import { stageOpening, type SessionView } from '../coaching/sessions'
import { extractStageFields } from '../coaching/stage-work'
import { writeSummary } from '../coaching/summary'
import { emptyFields, sessionOutcome, stageInfo, stages, type ActionStep, type AnyStageFields, type StageFields, type StageNumber } from '../coaching/stages.shared'
import type { Message } from '../coaching/turn-protocol.shared'
import { draftPlans, proposePlanDetails } from '../plans/from-session'
import { add, overallCounts, rates, scoreExtraction, sumFieldCounts, zero, type Counts, type FieldCounts, type Rates } from './extraction-score'
import { checkPlans, claimsOf, evidenceFrom, planClaims, summaryClaims, type Claim, type PlanCheck } from './faithfulness'
import { goldenSessionDate, loadCrisisMessages, loadGoldenSet, loadPersonas, type CrisisMessage, type GoldenCase, type Persona } from './golden'
import { judgeMatches, judgeSupport } from './judge'
import { scoreSafety, type SafetyScore } from './safety-score'
import { replyStance, stageDone, stanceTotals, type Exchange, type StanceTotals } from './stance'
import { normalisedMatch, type TextMatcher } from './text-match'
import { countingUsage, noUsage, usageSince, type UsageTally } from './usage'

/**
 * The eval suite (issue 14, decision 021): the app's own model calls, on any configured
 * model, scored without a framework.
 *
 * - extraction: each golden transcript through the app's extraction call (`extractStageFields`,
 *   what "Finish stage" runs), scored per field against the golden fields;
 * - faithfulness: every claim of those extractions checked against the client's words, and
 *   for Finish the app's plans (`proposePlanDetails` + `draftPlans`, what "Make action plans"
 *   runs) traced to the agreed steps and the dates the client gave;
 * - stance: simulated conversations, the app's turn prompt and streamed reply against a
 *   client played by the model from a persona card (or the card's scripted lines), scored
 *   for questions, length, advice only when asked and the stage's "done";
 * - safety: the labelled crisis messages through `screenForCrisis`, the rules and, with a
 *   model, the model's check of the ambiguous ones, as a message, note or edit goes.
 *
 * Nothing here touches a database: each call gets the session it would have had, built in
 * memory (`evalSession`). A failed model call is counted and scored as an empty answer.
 */

export const suiteNames = ['extraction', 'faithfulness', 'stance', 'safety'] as const
export type SuiteName = (typeof suiteNames)[number]

export interface EvalSettings {
  ai: ChatModel
  /** A model that grades matches and support; null for the structural scores only. */
  judge: ChatModel | null
  /** Who plays the client in simulated conversations: the model, or each card's scripted lines. */
  client: 'model' | 'scripted'
  suites: readonly SuiteName[]
  /** Model calls at once (results keep the golden set's order whatever the value). */
  concurrency: number
  cases?: GoldenCase[]
  personas?: Persona[]
  crisisMessages?: CrisisMessage[]
  onProgress?: (line: string) => void
}

// ─── sessions in memory ──────────────────────────────────────────────────────────────

/** The session a stage's call would see: self-coaching, on the golden date, the stage open with its transcript. */
export function evalSession({ stage, memory = [], transcript = [] }: { stage: StageNumber; memory?: MemoryItem[]; transcript?: Message[] }): SessionView {
  return {
    id: '00000000-0000-4000-8000-00000000e7a1',
    title: 'Eval session',
    sessionType: 'self_coaching',
    source: 'self_assigned',
    status: 'active',
    currentStage: stage,
    sessionDate: goldenSessionDate,
    startedAt: null,
    completedAt: null,
    cancelledAt: null,
    pausedAt: null,
    releasedAt: null,
    visibility: 'private',
    clientId: '00000000-0000-4000-8000-00000000c11e',
    clientName: 'Client',
    coachId: null,
    coachName: null,
    programId: null,
    items: [],
    hasConversation: true,
    dueAt: null,
    templateId: null,
    moduleRunId: null,
    viewerRole: 'client',
    viewerRuns: true,
    contentVisible: true,
    summary: null,
    memory,
    stages: stages
      .filter((s) => s.number <= stage)
      .map((s) => ({ number: s.number, name: s.name, purpose: s.purpose, completedAt: null, responses: { transcript: s.number === stage ? transcript : [], fields: null, fieldsDraft: null } })),
  }
}

/** Every call is made as on the golden session's day, so "next Friday" in a transcript is the same day whenever the suite runs. */
const onTheSessionDate: PromptMoment = { today: goldenSessionDate }

/** Runs `work` on each item, at most `limit` at once, results in the items' order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index]!, index)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

// ─── extraction ──────────────────────────────────────────────────────────────────────

export interface FieldRow extends Counts, Rates {
  field: string
}

export interface ExtractionCaseResult {
  id: string
  stage: StageNumber
  /** The extraction, or null when the call failed (scored as empty fields). */
  predicted: AnyStageFields | null
  error: string | null
  counts: Counts
  f1: number | null
  judgedCounts: Counts | null
}

export interface ExtractionResult {
  cases: ExtractionCaseResult[]
  failedCalls: number
  fields: FieldRow[]
  byStage: FieldRow[]
  overall: FieldRow
  /** With a judge: the same scores where a pair the judge calls the same counts as a match; null without one. */
  judged: { fields: FieldRow[]; overall: FieldRow } | null
}

function row(field: string, counts: Counts): FieldRow {
  return { field, ...counts, ...rates(counts) }
}

function prefixed(slug: string, counts: FieldCounts): FieldCounts {
  return Object.fromEntries(Object.entries(counts).map(([key, value]) => [`${slug}.${key}`, value]))
}

/** Field rows in the registry's stage order, then the keys' first-seen order. */
function fieldRows(all: FieldCounts[]): FieldRow[] {
  return Object.entries(sumFieldCounts(all)).map(([field, counts]) => row(field, counts))
}

async function runExtraction(settings: EvalSettings, cases: GoldenCase[]): Promise<ExtractionResult> {
  const extracted = await mapLimit(cases, settings.concurrency, async (item) => {
    try {
      const session = evalSession({ stage: item.stage, memory: item.memory, transcript: item.transcript })
      return { predicted: await extractStageFields(settings.ai, { session, stage: item.stage, transcript: item.transcript, moment: onTheSessionDate }), error: null }
    } catch (error) {
      return { predicted: null, error: errorText(error) }
    }
  })
  settings.onProgress?.(`extraction: ${cases.length} transcripts`)

  const scored = cases.map((item, index) => {
    const { predicted } = extracted[index]!
    const fields = prefixed(stageInfo(item.stage).slug, scoreExtraction(item.stage, item.expected, predicted ?? emptyFields(stageInfo(item.stage).slug)))
    return { fields, counts: overallCounts(fields) }
  })

  let judged: ExtractionResult['judged'] = null
  const judgedByCase: (FieldCounts | null)[] = cases.map(() => null)
  if (settings.judge) {
    const judge = settings.judge
    await mapLimit(cases, settings.concurrency, async (item, index) => {
      const predicted = extracted[index]!.predicted
      if (!predicted) return
      // The pairs normalised match rejects are the ones the judge may accept.
      const rejected: { field: string; expected: string; predicted: string }[] = []
      const recording: TextMatcher = (expected, said) => {
        const hit = normalisedMatch(expected, said)
        if (!hit && !rejected.some((p) => p.expected === expected && p.predicted === said)) rejected.push({ field: stageInfo(item.stage).name, expected, predicted: said })
        return hit
      }
      scoreExtraction(item.stage, item.expected, predicted, recording)
      let verdicts: boolean[] = []
      try {
        verdicts = rejected.length > 0 ? await judgeMatches(judge, rejected.slice(0, 60)) : []
      } catch {
        verdicts = []
      }
      const same = new Set(rejected.filter((_, i) => verdicts[i]).map((p) => `${p.expected}\u0000${p.predicted}`))
      const judgedMatcher: TextMatcher = (expected, said) => normalisedMatch(expected, said) || same.has(`${expected}\u0000${said}`)
      judgedByCase[index] = prefixed(stageInfo(item.stage).slug, scoreExtraction(item.stage, item.expected, predicted, judgedMatcher))
    })
    const judgedFields = judgedByCase.map((fields, index) => fields ?? scored[index]!.fields)
    judged = { fields: fieldRows(judgedFields), overall: row('all fields', overallCounts(sumFieldCounts(judgedFields))) }
    settings.onProgress?.('extraction: judged')
  }

  const byStage = stages.flatMap((stage) => {
    const inStage = scored.filter((_, index) => cases[index]!.stage === stage.number)
    return inStage.length ? [row(stage.slug, inStage.map((s) => s.counts).reduce(add, zero()))] : []
  })
  return {
    cases: cases.map((item, index) => ({
      id: item.id,
      stage: item.stage,
      predicted: extracted[index]!.predicted,
      error: extracted[index]!.error,
      counts: scored[index]!.counts,
      f1: rates(scored[index]!.counts).f1,
      judgedCounts: judgedByCase[index] ? overallCounts(judgedByCase[index]!) : null,
    })),
    failedCalls: extracted.filter((e) => e.error !== null).length,
    fields: fieldRows(scored.map((s) => s.fields)),
    byStage,
    overall: row('all fields', overallCounts(sumFieldCounts(scored.map((s) => s.fields)))),
    judged,
  }
}

// ─── faithfulness ────────────────────────────────────────────────────────────────────

export interface SupportTally {
  claims: number
  supported: number
  /** supported / claims; null without claims. */
  rate: number | null
}

function tally(claims: readonly { supported: boolean }[]): SupportTally {
  const supported = claims.filter((c) => c.supported).length
  return { claims: claims.length, supported, rate: claims.length ? supported / claims.length : null }
}

export interface FaithfulnessResult {
  /** The golden fields themselves, through the same checks: the ceiling of the structural check. */
  golden: SupportTally
  extracted: SupportTally
  /** Unsupported claims of the extractions, by case, for reading. */
  unsupported: { id: string; field: string; value: string }[]
  /** With a judge: how many of the extractions' claims it calls supported; null without one. */
  judged: SupportTally | null
  /**
   * Summaries of whole sessions, one per person whose stages include a Finish: the golden
   * transcripts of their stages, with the extractions as the saved fields.
   */
  summaries: {
    sessions: number
    claims: SupportTally
    /** Summary actions that trace to a step the client agreed (the golden Finish steps). */
    actions: number
    actionsTracedToAgreedStep: number
    judged: SupportTally | null
    unsupported: { person: string; field: string; value: string }[]
    failedCalls: number
  }
  plans: {
    finishTranscripts: number
    agreedSteps: number
    plans: number
    tracedToAgreedStep: number
    withTheDateGiven: number
    /** Agreed steps no plan traces to. */
    stepsWithoutPlan: number
    milestoneDates: number
    milestoneDatesNotGiven: number
    /** What the plans add (descriptions, SMART parts, milestones) against the client's words in Finish. */
    claims: SupportTally
    judged: SupportTally | null
    unsupported: { id: string; field: string; value: string }[]
    failedCalls: number
    checks: { id: string; checks: PlanCheck[] }[]
  }
}

async function runFaithfulness(settings: EvalSettings, cases: GoldenCase[], extraction: ExtractionResult): Promise<FaithfulnessResult> {
  const evidence = cases.map((item) => evidenceFrom(item.transcript, goldenSessionDate))
  const golden = cases.flatMap((item, index) => claimsOf(item.stage, item.expected, evidence[index]!))
  const extractedClaims: { id: string; claims: Claim[] }[] = cases.map((item, index) => {
    const predicted = extraction.cases[index]!.predicted
    return { id: item.id, claims: predicted ? claimsOf(item.stage, predicted, evidence[index]!) : [] }
  })

  let judged: SupportTally | null = null
  if (settings.judge) {
    const judge = settings.judge
    const verdicts = await mapLimit(cases, settings.concurrency, async (item, index) => {
      const claims = extractedClaims[index]!.claims
      if (claims.length === 0) return []
      const clientWords = item.transcript.filter((m) => m.role === 'client').map((m) => m.content).join('\n')
      try {
        return await judgeSupport(judge, clientWords, claims)
      } catch {
        return claims.map(() => false)
      }
    })
    judged = tally(verdicts.flat().map((supported) => ({ supported })))
  }

  const finishCases = cases.map((item, index) => ({ item, index })).filter(({ item }) => item.stage === 4)
  let failedCalls = 0
  const checks = await mapLimit(finishCases, settings.concurrency, async ({ item, index }) => {
    const agreed = (item.expected as StageFields['finish']).actionSteps
    const extracted = extraction.cases[index]!.predicted
    const steps: ActionStep[] = extracted ? (extracted as StageFields['finish']).actionSteps : []
    const outcome = sessionOutcome((slug) => (slug === 'finish' ? extracted : null))
    let enrichment: Awaited<ReturnType<typeof proposePlanDetails>>['enrichment'] = []
    if (steps.length > 0) {
      try {
        enrichment = (await proposePlanDetails(settings.ai, { sessionDate: goldenSessionDate, outcome, summary: null })).enrichment
      } catch {
        failedCalls += 1
      }
    }
    const plans = draftPlans({ steps, outcome, sessionDate: goldenSessionDate, enrichment })
    const clientDates = new Set([...evidence[index]!.dates, ...agreed.flatMap((s) => [s.dueDate, ...s.milestones.map((m) => m.dueDate)]).filter((d): d is string => d !== null)])
    const claims = plans.flatMap((plan) => planClaims(plan, evidence[index]!))
    let judgedClaims: boolean[] = []
    if (settings.judge && claims.length > 0) {
      const clientWords = item.transcript.filter((m) => m.role === 'client').map((m) => m.content).join('\n')
      judgedClaims = await judgeSupport(settings.judge, clientWords, claims).catch(() => claims.map(() => false))
    }
    return { id: item.id, agreed: agreed.length, checks: checkPlans(plans, agreed, clientDates), claims, judgedClaims }
  })
  settings.onProgress?.(`faithfulness: ${finishCases.length} Finish transcripts`)

  const summaries = await runSummaries(settings, cases, extraction)

  const allChecks = checks.flatMap((c) => c.checks)
  const agreedSteps = checks.reduce((n, c) => n + c.agreed, 0)
  const traced = allChecks.filter((c) => c.tracesTo !== null).length
  return {
    golden: tally(golden),
    extracted: tally(extractedClaims.flatMap((c) => c.claims)),
    unsupported: extractedClaims.flatMap(({ id, claims }) => claims.filter((c) => !c.supported).map((c) => ({ id, field: c.field, value: c.value }))),
    judged,
    summaries,
    plans: {
      finishTranscripts: finishCases.length,
      agreedSteps,
      plans: allChecks.length,
      tracedToAgreedStep: traced,
      withTheDateGiven: allChecks.filter((c) => c.dateAsGiven).length,
      stepsWithoutPlan: agreedSteps - traced,
      milestoneDates: allChecks.reduce((n, c) => n + c.milestoneDates, 0),
      milestoneDatesNotGiven: allChecks.reduce((n, c) => n + c.ungivenMilestoneDates.length, 0),
      claims: tally(checks.flatMap((c) => c.claims)),
      judged: settings.judge ? tally(checks.flatMap((c) => c.judgedClaims.map((supported) => ({ supported })))) : null,
      unsupported: checks.flatMap(({ id, claims }) => claims.filter((c) => !c.supported).map((c) => ({ id, field: c.field, value: c.value }))),
      failedCalls,
      checks: checks.map(({ id, checks }) => ({ id, checks })),
    },
  }
}

/** A whole session of one person from their golden transcripts, completed, the extractions as its saved fields. */
function personSession(cases: readonly GoldenCase[], predicted: (item: GoldenCase) => AnyStageFields | null): SessionView {
  const base = evalSession({ stage: 5, memory: cases.find((item) => item.stage === 1)?.memory ?? [] })
  return {
    ...base,
    status: 'completed',
    stages: base.stages.map((stage) => {
      const item = cases.find((c) => c.stage === stage.number)
      return { ...stage, responses: { transcript: item?.transcript ?? [], fields: item ? (predicted(item) as Record<string, unknown> | null) : null, fieldsDraft: null } }
    }),
  }
}

async function runSummaries(settings: EvalSettings, cases: GoldenCase[], extraction: ExtractionResult): Promise<FaithfulnessResult['summaries']> {
  const predicted = (item: GoldenCase) => extraction.cases[cases.indexOf(item)]?.predicted ?? null
  const people = [...new Set(cases.filter((item) => item.stage === 4).map((item) => item.person))]
  let failedCalls = 0
  const results = await mapLimit(people, settings.concurrency, async (person) => {
    const own = cases.filter((item) => item.person === person)
    const transcript = own.flatMap((item) => item.transcript)
    const evidence = evidenceFrom(transcript, goldenSessionDate)
    let summary
    try {
      summary = (await writeSummary(settings.ai, personSession(own, predicted))).summary
    } catch {
      failedCalls += 1
      return { person, claims: [] as Claim[], judged: [] as boolean[], actions: 0, traced: 0 }
    }
    const claims = summaryClaims(summary, evidence)
    const agreed = (own.find((item) => item.stage === 4)!.expected as StageFields['finish']).actionSteps
    const traced = checkPlans(summary.actionPlan.map((a) => ({ title: a.title, timelineEnd: a.dueDate, milestones: [] })), agreed, evidence.dates).filter((c) => c.tracesTo !== null).length
    let judged: boolean[] = []
    if (settings.judge && claims.length > 0) {
      const clientWords = transcript.filter((m) => m.role === 'client').map((m) => m.content).join('\n')
      judged = await judgeSupport(settings.judge, clientWords, claims).catch(() => claims.map(() => false))
    }
    return { person, claims, judged, actions: summary.actionPlan.length, traced }
  })
  settings.onProgress?.(`faithfulness: ${people.length} session summaries`)
  return {
    sessions: people.length,
    claims: tally(results.flatMap((r) => r.claims)),
    actions: results.reduce((n, r) => n + r.actions, 0),
    actionsTracedToAgreedStep: results.reduce((n, r) => n + r.traced, 0),
    judged: settings.judge ? tally(results.flatMap((r) => r.judged.map((supported) => ({ supported })))) : null,
    unsupported: results.flatMap(({ person, claims }) => claims.filter((c) => !c.supported).map((c) => ({ person, field: c.field, value: c.value }))),
    failedCalls,
  }
}

// ─── coaching stance ─────────────────────────────────────────────────────────────────

export interface StanceConversation {
  persona: string
  stage: StageNumber
  exchanges: Exchange[]
  totals: StanceTotals
  done: boolean
  missing: string[]
  error: string | null
}

export interface StanceResult {
  conversations: StanceConversation[]
  totals: StanceTotals
  doneReached: number
  failedCalls: number
}

async function replyText(ai: ChatModel, request: Parameters<typeof streamReply>[1]): Promise<string> {
  for await (const event of streamReply(ai, request)) {
    if (event.type === 'finish') return event.text.trim()
  }
  throw new Error('The reply never finished')
}

/** The client's next message: the card's next scripted line, or the model playing the card. */
async function clientSays(settings: EvalSettings, persona: Persona, transcript: Message[], turn: number): Promise<string> {
  if (settings.client === 'scripted') return persona.lines[turn]!
  // The simulator sees the conversation from the client's side: the coach's words are "user", its own "assistant".
  const messages = transcript.map((m) => (m.role === 'client' ? { role: 'assistant' as const, content: m.content } : { role: 'user' as const, content: m.content }))
  return replyText(settings.ai, { system: fillTemplate(loadPrompt('evals/client-simulator.md').body, { card: persona.card }), messages })
}

async function runConversation(settings: EvalSettings, persona: Persona): Promise<StanceConversation> {
  const { stage, memory } = persona
  const transcript: Message[] = [...(stageOpening(stage, 'self_coaching', memory).transcript ?? [])]
  const exchanges: Exchange[] = []
  const turns = settings.client === 'scripted' ? Math.min(persona.turns, persona.lines.length) : persona.turns
  let error: string | null = null
  try {
    for (let turn = 0; turn < turns; turn++) {
      const said = await clientSays(settings, persona, transcript, turn)
      transcript.push({ id: `${persona.id}-c${turn}`, role: 'client', content: said, at: new Date(0).toISOString() })
      const { system, messages } = turnPrompt(evalSession({ stage, memory, transcript }), stage, transcript, onTheSessionDate)
      const reply = await replyText(settings.ai, { system, messages })
      transcript.push({ id: `${persona.id}-a${turn}`, role: 'assistant', content: reply, at: new Date(0).toISOString() })
      exchanges.push({ client: said, coach: reply })
    }
  } catch (caught) {
    error = errorText(caught)
  }
  let fields: AnyStageFields = emptyFields(stageInfo(stage).slug)
  if (exchanges.length > 0) {
    try {
      fields = await extractStageFields(settings.ai, { session: evalSession({ stage, memory, transcript }), stage, transcript, moment: onTheSessionDate })
    } catch (caught) {
      error ??= errorText(caught)
    }
  }
  const { done, missing } = stageDone(stage, fields)
  return { persona: persona.id, stage, exchanges, totals: stanceTotals(exchanges.map(replyStance)), done, missing, error }
}

async function runStance(settings: EvalSettings, personas: Persona[]): Promise<StanceResult> {
  const conversations = await mapLimit(personas, settings.concurrency, (persona) => runConversation(settings, persona))
  settings.onProgress?.(`stance: ${personas.length} conversations`)
  return {
    conversations,
    totals: stanceTotals(conversations.flatMap((c) => c.exchanges.map(replyStance))),
    doneReached: conversations.filter((c) => c.done).length,
    failedCalls: conversations.filter((c) => c.error !== null).length,
  }
}

// ─── safety ──────────────────────────────────────────────────────────────────────────

export interface SafetyResult {
  /** The rules alone (guided mode, and the first layer with AI on). */
  rules: SafetyScore
  /** The rules, then the model's check of what they find ambiguous: what runs with AI on. */
  withModel: SafetyScore
  modelChecks: number
  /** Messages the labels call a crisis that did not pause, for reading. */
  missed: string[]
  falseAlarms: string[]
}

async function runSafety(settings: EvalSettings, messages: CrisisMessage[]): Promise<SafetyResult> {
  const screened = await mapLimit(messages, settings.concurrency, async (message) => {
    const [rules, withModel] = [await screenForCrisis(null, message.text), await screenForCrisis(settings.ai, message.text)]
    return { message, rules: rules.pause, withModel: withModel.pause, asked: withModel.assessment.level === 'ambiguous' }
  })
  settings.onProgress?.(`safety: ${messages.length} messages`)
  const outcomes = (pick: 'rules' | 'withModel') => screened.map((s) => ({ crisis: s.message.crisis, category: s.message.category, paused: s[pick] }))
  return {
    rules: scoreSafety(outcomes('rules')),
    withModel: scoreSafety(outcomes('withModel')),
    modelChecks: screened.filter((s) => s.asked).length,
    missed: screened.filter((s) => s.message.crisis && !s.withModel).map((s) => s.message.text),
    falseAlarms: screened.filter((s) => !s.message.crisis && s.withModel).map((s) => s.message.text),
  }
}

// ─── the whole suite ─────────────────────────────────────────────────────────────────

export interface EvalReport {
  model: string
  judge: string | null
  client: 'model' | 'scripted'
  startedAt: string
  durationMs: number
  extraction: ExtractionResult | null
  faithfulness: FaithfulnessResult | null
  stance: StanceResult | null
  safety: SafetyResult | null
  /** The model's calls and tokens per suite (the simulated client's included in stance), and the judge's. */
  usage: { extraction: UsageTally; faithfulness: UsageTally; stance: UsageTally; safety: UsageTally; judge: UsageTally | null }
}

export async function runEvals(input: EvalSettings): Promise<EvalReport> {
  const started = performance.now()
  const startedAt = new Date().toISOString()
  const model = countingUsage(input.ai)
  const judge = input.judge ? countingUsage(input.judge) : null
  const settings: EvalSettings = { ...input, ai: model.ai, judge: judge?.ai ?? null }
  const wants = (suite: SuiteName) => settings.suites.includes(suite)
  const cases = settings.cases ?? loadGoldenSet()
  const usage: EvalReport['usage'] = { extraction: noUsage(), faithfulness: noUsage(), stance: noUsage(), safety: noUsage(), judge: null }
  async function measured<T>(suite: SuiteName, run: () => Promise<T>): Promise<T> {
    const before = model.tally()
    const result = await run()
    usage[suite] = usageSince(model.tally(), before)
    return result
  }
  // Faithfulness checks the extractions, so it runs them when extraction was not asked for.
  const extraction = wants('extraction') || wants('faithfulness') ? await measured('extraction', () => runExtraction(settings, cases)) : null
  const faithfulness = wants('faithfulness') && extraction ? await measured('faithfulness', () => runFaithfulness(settings, cases, extraction)) : null
  const stance = wants('stance') ? await measured('stance', () => runStance(settings, settings.personas ?? loadPersonas())) : null
  const safety = wants('safety') ? await measured('safety', () => runSafety(settings, settings.crisisMessages ?? loadCrisisMessages())) : null
  usage.judge = judge ? judge.tally() : null
  return {
    model: input.ai.id,
    judge: input.judge?.id ?? null,
    client: settings.client,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    extraction: wants('extraction') ? extraction : null,
    faithfulness,
    stance,
    safety,
    usage,
  }
}
