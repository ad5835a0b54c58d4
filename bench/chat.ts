/**
 * Benchmark: the AI-coached conversation, against a fake OpenAI-compatible model that
 * answers instantly, so every millisecond measured is the app's own.
 *
 *   npx tsx bench/chat.ts [--turns 200] [--warmup 20] [--users 10] [--turns-per-user 20]
 *                         [--turns-per-session 20] [--chunk-size 4]
 *                         [--targets pglite[,postgres]] [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
 *                         [--rebuild]
 *
 * For each target (the embedded database by default; `postgres` uses a scratch database
 * `stagecoach_bench_*` on the server, created and dropped here) it:
 *   1. starts the fake OpenAI API in this process (tests/mocks/openai/) and the real
 *      production server as a child process with OPENAI_BASE_URL pointing at it;
 *   2. time to first token: POSTs chat turns to /sessions/<id>/chat and parses the NDJSON
 *      stream, timing (performance.now(), from just before fetch) the `saved` event, the
 *      first `delta` event and the `done` event. First one user, one turn after another
 *      (`--turns` after `--warmup`), then `--users` users at once, each sending
 *      `--turns-per-user` turns one after another in their own session. Every
 *      `--turns-per-session` turns a user's session is cancelled and a new one started
 *      (0: all turns go to one session), so transcripts stay session-sized;
 *   3. tokens: runs one whole self-coaching session over HTTP (two turns per stage, Finish
 *      stage, save the drafted fields, complete, write the summary and the action plans) and
 *      adds up what was sent to and received from the model, by kind of call, and how much
 *      of each call's input began as an earlier call's did (what a prompt cache could reuse);
 *   4. opening a finished session again: GETs the session (each stage), its summary, and the
 *      two as single-fetch `.data` (a client-side navigation), each must be 200, and checks
 *      that no model call is made (exits 1 otherwise).
 *
 * Prints tables and writes bench/results/chat.json. Any failed step, a turn that errors, or
 * a model call on re-opening makes the run invalid (exit status 1).
 *
 * The fake model answers at once (no delay between chunks) in chunks of `--chunk-size`
 * characters. Token counts are the fake's estimate, ceil(characters / 4), not a real
 * tokenizer's. The load generator, the fake model and the server share this machine's CPUs.
 *
 * "First token" is the first `delta` event the app sends. The app holds back the tail of a
 * reply as it streams (lib/ai/calls.ts streamReply: one character less than the system
 * prompt canary, 18 characters when this was written), so its first delta leaves once that
 * much more has arrived from the model: with 4-character chunks, after the fifth chunk.
 */
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import {
  coachReply,
  createFakeOpenAI,
  estimateTokens,
  lastUserMessage,
  scriptedObject,
  stageAskedFor,
  startFakeOpenAIServer,
  type Behaviour,
  type FakeOpenAI,
  type RecordedCall,
} from '../tests/mocks/openai'
import { nextStage, stages } from '../lib/coaching/stages.shared'
import { readTurnEvents } from '../lib/coaching/turn-protocol.shared'
import { parseTargets, targetOptions, wholeNumber, type Target } from './support/args'
import { describeMachine, errorText, formatTable, lastLines, loadAverage, log, logBuild, machineInfo, writeResults } from './support/report'
import {
  Cleanup,
  describeBody,
  expectRedirect,
  getPage,
  postForm,
  prepareTarget,
  signUp,
  startServer,
  waitForBuild,
  type RunningServer,
} from './support/server'
import { round, summarize, type Summary } from './support/stats'

const { values: args } = parseArgs({
  options: {
    turns: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    users: { type: 'string', default: '10' },
    'turns-per-user': { type: 'string', default: '20' },
    'turns-per-session': { type: 'string', default: '20' },
    'chunk-size': { type: 'string', default: '4' },
    ...targetOptions('pglite'),
  },
})

const settings = {
  turns: wholeNumber('turns', args.turns, { min: 1 }),
  warmupTurns: wholeNumber('warmup', args.warmup, { min: 0 }),
  users: wholeNumber('users', args.users, { min: 1 }),
  turnsPerUser: wholeNumber('turns-per-user', args['turns-per-user'], { min: 1 }),
  turnsPerSession: wholeNumber('turns-per-session', args['turns-per-session'], { min: 0 }),
  chunkSize: wholeNumber('chunk-size', args['chunk-size'], { min: 1 }),
  warmupTurnsPerConcurrentUser: 2,
  model: 'fake-instant-coach',
  targets: parseTargets(args.targets),
}

// ---------------------------------------------------------------------------------------
// The fake model, instrumented

interface CallNote {
  /** performance.now() when the fake had the request's body parsed and chose its answer. */
  arrivedAt: number
  /** The text the fake answered with (for a structured call, the JSON of the object). */
  outputText: string
}

interface InstrumentedFake {
  fake: FakeOpenAI
  baseUrl: string
  notes: Map<RecordedCall, CallNote>
  /** performance.now() when a conversation turn tagged `[tag]` reached the fake. */
  turnArrivals: Map<string, number>
  close(): Promise<void>
}

async function startInstrumentedFake(chunkSize: number): Promise<InstrumentedFake> {
  const fake = createFakeOpenAI()
  const notes = new Map<RecordedCall, CallNote>()
  const turnArrivals = new Map<string, number>()
  // The scripted coach (tests/mocks/openai/scripted-coach.ts), with small chunks and no delay.
  fake.setDefault((call): Behaviour => {
    const arrivedAt = performance.now()
    if (call.structured) {
      const value = scriptedObject(call)
      notes.set(call, { arrivedAt, outputText: JSON.stringify(value) ?? 'null' })
      return { kind: 'object', value }
    }
    const text = coachReply(call)
    notes.set(call, { arrivedAt, outputText: text })
    const tag = /^\[([\w-]+)\]/.exec(lastUserMessage(call))?.[1]
    if (tag) turnArrivals.set(tag, arrivedAt)
    return { kind: 'text', text, chunkSize, delayMs: 0 }
  })
  const server = await startFakeOpenAIServer(fake)
  return { fake, baseUrl: server.baseUrl, notes, turnArrivals, close: () => server.close() }
}

// ---------------------------------------------------------------------------------------
// One chat turn over HTTP

interface TurnResult {
  ok: boolean
  error?: string
  /** Milliseconds from just before fetch() to: */
  headersMs: number
  savedMs: number | null
  firstDeltaMs: number | null
  doneMs: number | null
  /** performance.now() just before fetch(). */
  startedAt: number
  deltas: number
  /** The deltas joined equal the `done` message's content (trimmed). */
  deltasMatchDone: boolean
  usage: { inputTokens: number; outputTokens: number } | null
  contentEncoding: string | null
}

async function chatTurn(baseUrl: string, cookie: string, sessionId: string, stage: number, text: string): Promise<TurnResult> {
  const body = JSON.stringify({ stage, kind: 'message', messageId: randomUUID(), text })
  const result: TurnResult = {
    ok: false,
    headersMs: NaN,
    savedMs: null,
    firstDeltaMs: null,
    doneMs: null,
    startedAt: 0,
    deltas: 0,
    deltasMatchDone: false,
    usage: null,
    contentEncoding: null,
  }
  const started = performance.now()
  result.startedAt = started
  try {
    const response = await fetch(`${baseUrl}/sessions/${sessionId}/chat`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/json', Accept: 'application/x-ndjson', Cookie: cookie },
      body,
    })
    result.headersMs = performance.now() - started
    result.contentEncoding = response.headers.get('content-encoding')
    const type = response.headers.get('content-type') ?? ''
    if (response.status !== 200 || !type.startsWith('application/x-ndjson')) {
      const text = await response.text()
      result.error = `POST /sessions/${sessionId}/chat answered ${response.status} (${type}); body starts: ${text.slice(0, 300)}`
      return result
    }
    let streamed = ''
    for await (const event of readTurnEvents(response.body!)) {
      const now = performance.now() - started
      switch (event.type) {
        case 'saved':
          result.savedMs ??= now
          break
        case 'delta':
          result.firstDeltaMs ??= now
          result.deltas += 1
          streamed += event.text
          break
        case 'done':
          result.doneMs = now
          result.usage = event.usage
          result.deltasMatchDone = event.message.content === streamed.trim()
          break
        default:
          result.error ??= `the stream sent ${JSON.stringify(event).slice(0, 300)}`
      }
    }
    if (!result.error && result.doneMs === null) result.error = 'the stream ended without a done event'
    if (!result.error && result.firstDeltaMs === null) result.error = 'the stream had no delta event'
    result.ok = !result.error
  } catch (error) {
    result.error = errorText(error)
  }
  return result
}

// ---------------------------------------------------------------------------------------
// A user chatting in stage 1 of their session, starting a new session every N turns

const loadMessages = [
  'I want to plan my week better.',
  'Meetings keep eating my mornings.',
  'I feel scattered but hopeful today.',
  'My manager wants the project outline soon.',
  'I could block Tuesday mornings for deep work.',
  'I am not sure where to start with the plan.',
  'Maybe a rough draft first, then feedback.',
  'I would like to feel more in control of my time.',
]

async function startSession(baseUrl: string, cookie: string): Promise<string> {
  const response = await postForm(baseUrl, '/sessions/new', { intent: 'start', sessionType: 'self_coaching', title: '' }, cookie)
  return expectRedirect('POST /sessions/new (intent=start)', response, /^\/sessions\/([0-9a-f-]{36})$/)[1]!
}

class Chatter {
  sessionId = ''
  private turnsInSession = 0
  private sent = 0

  constructor(
    readonly baseUrl: string,
    readonly cookie: string,
    readonly name: string,
    readonly turnsPerSession: number,
  ) {}

  async open() {
    this.sessionId = await startSession(this.baseUrl, this.cookie)
    this.turnsInSession = 0
  }

  /** One stage-1 turn; starts a new session first (outside the timing) when this one is full. */
  async turn(tags: { tag: string }): Promise<TurnResult> {
    if (this.turnsPerSession > 0 && this.turnsInSession >= this.turnsPerSession) {
      const cancelled = await postForm(this.baseUrl, `/sessions/${this.sessionId}`, { intent: 'cancel' }, this.cookie)
      expectRedirect(`POST /sessions/${this.sessionId} (intent=cancel)`, cancelled, /^\/dashboard$/)
      await this.open()
    }
    const text = `[${tags.tag}] ${loadMessages[this.sent % loadMessages.length]}`
    this.sent += 1
    this.turnsInSession += 1
    return chatTurn(this.baseUrl, this.cookie, this.sessionId, 1, text)
  }
}

// ---------------------------------------------------------------------------------------
// Statistics

interface LatencyRun {
  label: string
  users: number
  turns: number
  errors: number
  errorSamples: string[]
  durationMs: number
  turnsPerSecond: number
  modelCalls: number
  contentEncodings: string[]
  deltasPerTurn: number
  streamMismatches: number
  /** fetch → first `delta` event: the time to first token as the browser sees it. */
  firstTokenMs: Summary
  /** fetch → `done` event. */
  doneMs: Summary
  /** fetch → `saved` (the message is stored). */
  savedMs: Summary
  /** fetch → the model request reaching the fake: the app's work before it calls the model. */
  beforeModelMs: Summary
  /** model request reaching the fake → first `delta` at the client. */
  modelToFirstTokenMs: Summary
}

function summariseRun(label: string, users: number, results: { result: TurnResult; tag: string }[], elapsedMs: number, modelCalls: number, fake: InstrumentedFake): LatencyRun {
  const good = results.filter(({ result }) => result.ok)
  const failed = results.filter(({ result }) => !result.ok)
  const beforeModel: number[] = []
  const modelToFirst: number[] = []
  for (const { result, tag } of good) {
    const arrivedAt = fake.turnArrivals.get(tag)
    if (arrivedAt === undefined) continue
    beforeModel.push(arrivedAt - result.startedAt)
    modelToFirst.push(result.firstDeltaMs! - (arrivedAt - result.startedAt))
  }
  return {
    label,
    users,
    turns: results.length,
    errors: failed.length,
    errorSamples: failed.slice(0, 5).map(({ result }) => result.error ?? 'unknown'),
    durationMs: round(elapsedMs, 1),
    turnsPerSecond: round(results.length / (elapsedMs / 1000), 1),
    modelCalls,
    contentEncodings: [...new Set(results.map(({ result }) => result.contentEncoding ?? 'identity'))],
    deltasPerTurn: round(good.reduce((sum, { result }) => sum + result.deltas, 0) / Math.max(1, good.length), 1),
    streamMismatches: good.filter(({ result }) => !result.deltasMatchDone).length,
    firstTokenMs: summarize(good.map(({ result }) => result.firstDeltaMs!)),
    doneMs: summarize(good.map(({ result }) => result.doneMs!)),
    savedMs: summarize(good.map(({ result }) => result.savedMs ?? NaN).filter(Number.isFinite)),
    beforeModelMs: summarize(beforeModel),
    modelToFirstTokenMs: summarize(modelToFirst),
  }
}

// ---------------------------------------------------------------------------------------
// Part 1: time to first token

async function sequentialRun(baseUrl: string, fake: InstrumentedFake, target: Target): Promise<LatencyRun> {
  const user = await signUp(baseUrl, { displayName: 'Sequential Sam' })
  const chatter = new Chatter(baseUrl, user.cookie, 'seq', settings.turnsPerSession)
  await chatter.open()
  for (let i = 0; i < settings.warmupTurns; i++) {
    const result = await chatter.turn({ tag: `w${i}` })
    if (!result.ok) throw new Error(`warm-up turn ${i + 1} failed: ${result.error}`)
  }
  log(`${target}: 1 user, ${settings.turns} turns one after another…`)
  const callsBefore = fake.fake.calls.length
  const results: { result: TurnResult; tag: string }[] = []
  const started = performance.now()
  for (let i = 0; i < settings.turns; i++) {
    const tag = `s${i}`
    results.push({ result: await chatter.turn({ tag }), tag })
  }
  const elapsed = performance.now() - started
  return summariseRun('sequential', 1, results, elapsed, fake.fake.calls.length - callsBefore, fake)
}

async function concurrentRun(baseUrl: string, fake: InstrumentedFake, target: Target): Promise<LatencyRun> {
  const chatters: Chatter[] = []
  for (let u = 0; u < settings.users; u++) {
    const user = await signUp(baseUrl, { displayName: `Concurrent ${u + 1}` })
    const chatter = new Chatter(baseUrl, user.cookie, `u${u}`, settings.turnsPerSession)
    await chatter.open()
    chatters.push(chatter)
  }
  await Promise.all(
    chatters.map(async (chatter, u) => {
      for (let i = 0; i < settings.warmupTurnsPerConcurrentUser; i++) {
        const result = await chatter.turn({ tag: `cw${u}-${i}` })
        if (!result.ok) throw new Error(`warm-up turn of user ${u + 1} failed: ${result.error}`)
      }
    }),
  )
  log(`${target}: ${settings.users} users at once, ${settings.turnsPerUser} turns each…`)
  const callsBefore = fake.fake.calls.length
  const results: { result: TurnResult; tag: string }[] = []
  const started = performance.now()
  await Promise.all(
    chatters.map(async (chatter, u) => {
      for (let i = 0; i < settings.turnsPerUser; i++) {
        const tag = `c${u}-${i}`
        results.push({ result: await chatter.turn({ tag }), tag })
      }
    }),
  )
  const elapsed = performance.now() - started
  return summariseRun(`${settings.users} users at once`, settings.users, results, elapsed, fake.fake.calls.length - callsBefore, fake)
}

// ---------------------------------------------------------------------------------------
// Part 2: one whole session, and the tokens it costs

const sessionScript: Record<number, string[]> = {
  1: ['I feel fairly present today, maybe a 7 out of 10. A long week, but calm.', 'I am ready to work on something, about an 8.'],
  2: [
    'I want to talk about planning the new project at work.',
    'I keep putting it off. Where things stand is maybe a 4. I know the team well, but meetings fill my week.',
  ],
  3: [
    'I could block Tuesday mornings, or ask a colleague to review a rough draft.',
    'I think I wait for a perfect plan instead of starting with a rough one.',
  ],
  4: [
    'My goal is to share a clear plan with my team within two weeks.',
    'First I draft a one-page outline by next week, then I review it with my manager the week after.',
  ],
  5: ['I learned that starting rough beats waiting for perfect.', 'It was very valuable, a 9, and my next steps are clear, an 8.'],
}

type CallKind = 'conversation turns' | 'field extraction' | 'summary' | 'action plans' | 'other'
const callKinds: CallKind[] = ['conversation turns', 'field extraction', 'summary', 'action plans', 'other']

function kindOf(call: RecordedCall): CallKind {
  if (!call.structured) return 'conversation turns'
  if (call.schemaKeys.includes('executiveSummary')) return 'summary'
  if (call.schemaKeys.includes('plans')) return 'action plans'
  if (stageAskedFor(call)) return 'field extraction'
  return 'other'
}

/** The texts the fake counts as input: the system prompt and every message's text, as tests/mocks/openai/ does. */
function inputText(call: RecordedCall): string {
  const body = (call.body ?? {}) as Record<string, unknown>
  const messages = Array.isArray(body.messages) ? body.messages : Array.isArray(body.input) ? body.input : []
  const texts: string[] = []
  for (const message of messages as { role?: unknown; content?: unknown }[]) {
    if (message.role === 'system' || message.role === 'developer' || typeof message.role !== 'string') continue
    const content = message.content
    texts.push(
      typeof content === 'string'
        ? content
        : Array.isArray(content)
          ? content
              .map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : ''))
              .filter(Boolean)
              .join('\n')
          : '',
    )
  }
  return call.system + texts.join('\n')
}

interface CallCost {
  kind: CallKind
  api: string
  stream: boolean
  inputTokens: number
  outputTokens: number
  /** characters of the system prompt and messages (what the token estimate counts) */
  inputChars: number
  /** characters of the answer's text */
  outputChars: number
  /** bytes of the whole JSON request body (adds roles, the model name and, for structured calls, the JSON schema) */
  requestBytes: number
  /** estimated tokens of the longest start of this call's input that an earlier call of the session also began with (what any prefix cache could reuse) */
  repeatedPrefixTokens: number
  /** of those, what OpenAI's prompt cache would count as cached: nothing below 1,024 tokens, then in steps of 128 */
  openaiCachedTokens: number
}

interface KindTotals {
  kind: CallKind | 'total'
  calls: number
  inputTokens: number
  outputTokens: number
  inputTokensPerCall: number
  outputTokensPerCall: number
  inputChars: number
  outputChars: number
  requestBytes: number
  repeatedPrefixTokens: number
  openaiCachedTokens: number
}

function sharedStart(a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  let index = 0
  while (index < length && a.charCodeAt(index) === b.charCodeAt(index)) index++
  return index
}

/**
 * What a provider's prompt cache could reuse of a call, given the calls before it in the
 * session (decision 023): the longest start it shares with any of them, in the fake's
 * estimated tokens (whole 4-character tokens only), and that under OpenAI's rule (a prompt
 * of 1,024 tokens or more; cached in steps of 128 from 1,024). An estimate, from the same
 * texts the fake counts; a real cache also needs the earlier call to be recent.
 */
function prefixReuse(input: string, earlierInputs: string[]): { repeatedPrefixTokens: number; openaiCachedTokens: number } {
  const shared = earlierInputs.reduce((longest, earlier) => Math.max(longest, sharedStart(input, earlier)), 0)
  const repeatedPrefixTokens = Math.floor(shared / 4)
  const openaiCachedTokens = repeatedPrefixTokens < 1024 ? 0 : 1024 + Math.floor((repeatedPrefixTokens - 1024) / 128) * 128
  return { repeatedPrefixTokens, openaiCachedTokens }
}

function costOf(call: RecordedCall, fake: InstrumentedFake, earlier: RecordedCall[] = []): CallCost {
  const input = inputText(call)
  const output = fake.notes.get(call)?.outputText ?? ''
  return {
    ...prefixReuse(input, earlier.map(inputText)),
    kind: kindOf(call),
    api: call.api,
    stream: call.stream,
    inputTokens: estimateTokens(input),
    outputTokens: estimateTokens(output),
    inputChars: input.length,
    outputChars: output.length,
    requestBytes: Buffer.byteLength(JSON.stringify(call.body)),
  }
}

function totalsOf(kind: KindTotals['kind'], selected: CallCost[]): KindTotals {
  const sum = (pick: (cost: CallCost) => number) => selected.reduce((total, cost) => total + pick(cost), 0)
  return {
    kind,
    calls: selected.length,
    inputTokens: sum((c) => c.inputTokens),
    outputTokens: sum((c) => c.outputTokens),
    inputTokensPerCall: round(sum((c) => c.inputTokens) / Math.max(1, selected.length), 1),
    outputTokensPerCall: round(sum((c) => c.outputTokens) / Math.max(1, selected.length), 1),
    inputChars: sum((c) => c.inputChars),
    outputChars: sum((c) => c.outputChars),
    requestBytes: sum((c) => c.requestBytes),
    repeatedPrefixTokens: sum((c) => c.repeatedPrefixTokens),
    openaiCachedTokens: sum((c) => c.openaiCachedTokens),
  }
}

function totalsByKind(costs: CallCost[]): KindTotals[] {
  return callKinds
    .map((kind) => totalsOf(kind, costs.filter((cost) => cost.kind === kind)))
    .filter((totals) => totals.calls > 0 || totals.kind !== 'other')
}

/** A drafted fields object as the review form would submit it (app/utils/stage-form.ts reads it back). */
function toFormFields(fields: Record<string, unknown>): Record<string, string> {
  const form: Record<string, string> = {}
  const scalar = (value: unknown) => (value === null || value === undefined ? '' : String(value))
  for (const [key, value] of Object.entries(fields)) {
    const name = key
    if (Array.isArray(value)) {
      if (value.every((item) => typeof item !== 'object' || item === null)) {
        form[name] = value.map(scalar).join('\n')
      } else {
        value.forEach((item: Record<string, unknown>, index) => {
          for (const [field, fieldValue] of Object.entries(item)) form[`${name}[${index}].${field}`] = scalar(fieldValue)
        })
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [field, fieldValue] of Object.entries(value)) form[`${name}.${field}`] = scalar(fieldValue)
    } else {
      form[name] = scalar(value)
    }
  }
  return form
}

async function followRedirect(baseUrl: string, location: string, cookie: string) {
  const page = await getPage(baseUrl, location, cookie)
  if (page.status !== 200) throw new Error(`GET ${location} (after a redirect) answered ${page.status}; ${describeBody(page.body)}`)
}

interface SessionRunResult {
  sessionId: string
  calls: CallCost[]
  byKind: KindTotals[]
  total: KindTotals
  turns: number
  appReportedTurnUsage: { inputTokens: number; outputTokens: number; turnsWithUsage: number }
  summaryMessage: string
}

async function wholeSession(baseUrl: string, fake: InstrumentedFake, target: Target): Promise<{ result: SessionRunResult; cookie: string }> {
  const user = await signUp(baseUrl, { displayName: 'Whole Session Wren' })
  const cookie = user.cookie
  const callsBefore = fake.fake.calls.length
  const sessionId = await startSession(baseUrl, cookie)
  await followRedirect(baseUrl, `/sessions/${sessionId}/stages/1`, cookie)
  const appUsage = { inputTokens: 0, outputTokens: 0, turnsWithUsage: 0 }
  let turns = 0

  for (const { number: stage } of stages) {
    for (const text of sessionScript[stage]!) {
      const turn = await chatTurn(baseUrl, cookie, sessionId, stage, text)
      if (!turn.ok) throw new Error(`stage ${stage}: a chat turn failed: ${turn.error}`)
      turns += 1
      if (turn.usage) {
        appUsage.inputTokens += turn.usage.inputTokens
        appUsage.outputTokens += turn.usage.outputTokens
        appUsage.turnsWithUsage += 1
      }
    }

    const here = `/sessions/${sessionId}/stages/${stage}`
    const beforeDraft = fake.fake.calls.length
    // What the Finish stage fetcher posts; the page then shows the draft for review.
    const drafted = await postForm(baseUrl, here, { intent: 'finish-stage' }, cookie)
    if (drafted.status !== 200) throw new Error(`stage ${stage}: POST ${here} (intent=finish-stage) answered ${drafted.status}; ${describeBody(drafted.body)}`)
    await followRedirect(baseUrl, here, cookie)
    const draftCalls = fake.fake.calls.slice(beforeDraft).filter((call) => kindOf(call) === 'field extraction')
    const draftCall = draftCalls.at(-1)
    if (!draftCall) throw new Error(`stage ${stage}: Finish stage made no field-extraction call to the model`)
    // What the fake answered is what the app drafted; submit it as the review form would.
    const draft = scriptedObject(draftCall) as Record<string, unknown>

    const saved = await postForm(baseUrl, here, { intent: 'save-fields', ...toFormFields(draft) }, cookie)
    expectRedirect(`stage ${stage}: POST ${here} (intent=save-fields)`, saved, new RegExp(`^/sessions/${sessionId}/stages/${nextStage(stage) ?? stage}$`))
    await followRedirect(baseUrl, saved.location!, cookie)
  }

  const here = `/sessions/${sessionId}`
  const completed = await postForm(baseUrl, `${here}/status`, { intent: 'complete' }, cookie)
  expectRedirect(`POST ${here}/status (intent=complete)`, completed, new RegExp(`^${here}/summary$`))
  await followRedirect(baseUrl, completed.location!, cookie)

  // What the summary page's fetcher does when it opens on a completed session without a summary.
  const written = await postForm(baseUrl, `${here}/summary`, { intent: 'write' }, cookie)
  const writtenMessage = /Summary written[^<]*/.exec(written.body)?.[0] ?? ''
  if (written.status >= 400 || !writtenMessage) {
    throw new Error(`POST ${here}/summary (intent=write) answered ${written.status} without "Summary written"; ${describeBody(written.body)}`)
  }
  log(`${target}: session ${sessionId} done: ${writtenMessage.trim()}`)

  const sessionCalls = fake.fake.calls.slice(callsBefore)
  const calls = sessionCalls.map((call, index) => costOf(call, fake, sessionCalls.slice(0, index)))
  const byKind = totalsByKind(calls)
  return {
    cookie,
    result: {
      sessionId,
      calls,
      byKind,
      total: totalsOf('total', calls),
      turns,
      appReportedTurnUsage: appUsage,
      summaryMessage: writtenMessage.trim(),
    },
  }
}

// ---------------------------------------------------------------------------------------
// Part 3: opening the finished session again

interface ReopenResult {
  pages: { path: string; status: number; ms: number }[]
  newModelCalls: number
  summaryShown: boolean
  ok: boolean
}

async function reopen(baseUrl: string, fake: InstrumentedFake, sessionId: string, cookie: string): Promise<ReopenResult> {
  await new Promise((resolve) => setTimeout(resolve, 300)) // let anything still in flight from writing land first
  const before = fake.fake.calls.length
  const paths = [
    `/sessions/${sessionId}`,
    `/sessions/${sessionId}/summary`,
    ...stages.map((stage) => `/sessions/${sessionId}/stages/${stage.number}`),
    // What the browser fetches instead when it navigates there from another page (single fetch).
    `/sessions/${sessionId}.data`,
    `/sessions/${sessionId}/summary.data`,
  ]
  const pages: ReopenResult['pages'] = []
  let summaryShown = false
  for (const pathname of paths) {
    const started = performance.now()
    const page = await getPage(baseUrl, pathname, cookie)
    pages.push({ path: pathname, status: page.status, ms: round(performance.now() - started, 1) })
    if (pathname.endsWith('/summary')) summaryShown = page.body.includes('You came to talk about getting the new project plan started')
  }
  await new Promise((resolve) => setTimeout(resolve, 500)) // a model call started in the background would arrive by now
  const newModelCalls = fake.fake.calls.length - before
  return { pages, newModelCalls, summaryShown, ok: newModelCalls === 0 && summaryShown && pages.every((page) => page.status === 200) }
}

// ---------------------------------------------------------------------------------------

/**
 * startServer, but when build/server/index.js vanished under it (another `remix vite:build`
 * in this working tree empties build/ first), waits for that build to finish and tries again.
 */
async function startServerWithBuild(options: Parameters<typeof startServer>[0]): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServer(options)
    } catch (error) {
      const missingBuild = error instanceof Error && error.message.includes('ERR_MODULE_NOT_FOUND') && error.message.includes('build/server/index.js')
      if (!missingBuild || attempt >= 3) throw error
      log(`build/server/index.js disappeared (someone else is building); waiting for that build, then starting again`)
      log(`build: ${await waitForBuild()}`)
    }
  }
}

interface TargetResult {
  target: Target
  ok: boolean
  failure?: string
  latency?: LatencyRun[]
  session?: SessionRunResult
  reopen?: ReopenResult
  serverLogTail?: string
}

async function benchTarget(target: Target): Promise<TargetResult> {
  const cleanup = new Cleanup()
  let server: RunningServer | undefined
  const result: TargetResult = { target, ok: false }
  try {
    const fake = await startInstrumentedFake(settings.chunkSize)
    cleanup.add('closing the fake OpenAI server', fake.close)
    const { dataDir, databaseUrl, databaseName } = await prepareTarget(cleanup, target, {
      tempPrefix: `stagecoach-bench-chat-${target}-`,
      adminUrl: args['admin-url'],
    })
    if (databaseName) log(`${target}: scratch database ${databaseName}`)

    server = await startServerWithBuild({ dataDir, databaseUrl, env: { OPENAI_BASE_URL: fake.baseUrl, AI_MODEL: settings.model } })
    cleanup.add('stopping the server', () => server!.stop())
    if (!server.output().includes(`openai-compatible:${settings.model}`)) {
      throw new Error(`The server did not say it uses the fake model (expected "openai-compatible:${settings.model}"). It printed:\n${server.output()}`)
    }
    log(`${target}: server at ${server.baseUrl}, fake model at ${fake.baseUrl}`)

    result.latency = [await sequentialRun(server.baseUrl, fake, target), await concurrentRun(server.baseUrl, fake, target)]
    const session = await wholeSession(server.baseUrl, fake, target)
    result.session = session.result
    result.reopen = await reopen(server.baseUrl, fake, session.result.sessionId, session.cookie)
    result.ok = result.latency.every((run) => run.errors === 0 && run.streamMismatches === 0) && result.reopen.ok
    if (!result.ok) result.serverLogTail = lastLines(server.output())
    return result
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error)
    result.serverLogTail = server && lastLines(server.output())
    return result
  } finally {
    await cleanup.run()
  }
}

// ---------------------------------------------------------------------------------------
// Output

function table(header: string[], rows: string[][]) {
  console.log(formatTable(header, rows))
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '–')

function printLatency(results: TargetResult[]) {
  console.log('\n1. Time to first streamed token (fetch → first `delta` event), fake model answering instantly')
  const rows: string[][] = []
  for (const result of results) {
    for (const run of result.latency ?? []) {
      const line = (what: string, s: Summary) => [`${result.target} · ${run.label}`, what, String(s.n), ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)]
      rows.push(line('first token', run.firstTokenMs))
      rows.push(line('done', run.doneMs))
      rows.push(line('  saved', run.savedMs))
      rows.push(line('  app before model', run.beforeModelMs))
      rows.push(line('  model → 1st token', run.modelToFirstTokenMs))
    }
  }
  table(['target · run', 'measure (ms)', 'n', 'p50', 'p95', 'p99', 'max'], rows)
  for (const result of results) {
    for (const run of result.latency ?? []) {
      console.log(
        `  ${result.target} · ${run.label}: ${run.turns} turns in ${(run.durationMs / 1000).toFixed(1)} s (${run.turnsPerSecond} turns/s), ` +
          `${run.errors} errors, ${run.modelCalls} model calls, ${run.deltasPerTurn} delta events per turn, ` +
          `stream encoding ${run.contentEncodings.join(', ')}${run.streamMismatches ? `, ${run.streamMismatches} turns whose deltas did not add up to the stored reply` : ''}`,
      )
      for (const sample of run.errorSamples) console.log(`    error: ${sample}`)
    }
  }
}

function printSession(result: TargetResult) {
  const session = result.session
  if (!session) return
  console.log(`\n2. Tokens for one scripted five-stage session (${result.target}), by kind of model call`)
  console.log('   Token counts are the FAKE model\'s estimate: ceil(characters / 4) of the prompt text (system + messages) and of the answer text.')
  console.log('   A real tokenizer gives different numbers; the JSON schema sent with structured calls is not counted (see request bytes).')
  const row = (totals: KindTotals, label: string) => [
    label,
    String(totals.calls),
    String(totals.inputTokens),
    String(totals.outputTokens),
    totals.inputTokensPerCall.toFixed(1),
    totals.outputTokensPerCall.toFixed(1),
    String(totals.inputChars),
    String(totals.outputChars),
    String(totals.requestBytes),
    String(totals.repeatedPrefixTokens),
    String(totals.openaiCachedTokens),
  ]
  table(
    ['kind', 'calls', 'in tok', 'out tok', 'in tok/call', 'out tok/call', 'in chars', 'out chars', 'request bytes', 'repeated prefix tok', 'OpenAI-cached tok'],
    [...session.byKind.map((totals) => row(totals, totals.kind)), row(session.total, 'total')],
  )
  const turnsCost = session.byKind.find((totals) => totals.kind === 'conversation turns')
  const app = session.appReportedTurnUsage
  console.log(
    `  ${session.turns} turns; the app's own \`done\` usage for them: ${app.inputTokens} in / ${app.outputTokens} out over ${app.turnsWithUsage} turns` +
      (turnsCost ? ` (${app.inputTokens === turnsCost.inputTokens && app.outputTokens === turnsCost.outputTokens ? 'matches' : 'DIFFERS from'} the fake's count above)` : ''),
  )
  const turnInputs = session.calls.filter((call) => call.kind === 'conversation turns').map((call) => call.inputTokens)
  if (turnInputs.length > 0) console.log(`  input tokens per turn ranged ${Math.min(...turnInputs)}–${Math.max(...turnInputs)}`)
  const total = session.total
  console.log(
    `  repeated prefix: ${total.repeatedPrefixTokens} of ${total.inputTokens} input tokens began as an earlier call of the session did (what a prompt cache could reuse); ` +
      `by OpenAI's rule (≥ 1,024 tokens, steps of 128) ${total.openaiCachedTokens} cached, ${total.inputTokens - total.openaiCachedTokens} uncached`,
  )
}

function printReopen(result: TargetResult) {
  const reopened = result.reopen
  if (!reopened) return
  console.log(`\n3. Model calls when the finished session is opened again (${result.target}); goal: 0`)
  for (const page of reopened.pages) console.log(`  GET ${page.path} → ${page.status} in ${page.ms} ms`)
  console.log(`  summary shown: ${reopened.summaryShown ? 'yes' : 'NO'}; new model calls: ${reopened.newModelCalls}${reopened.newModelCalls === 0 ? '' : '  ← FAIL'}`)
}

async function main() {
  const machine = {
    ...machineInfo(),
    // Anything else running on the machine skews these figures; the 1-minute load average says how busy it was.
    loadAverageAtStart: loadAverage(),
    loadAverageAtEnd: NaN,
  }
  console.log(
    `Chat benchmark: ${settings.turns} turns one after another (after ${settings.warmupTurns} warm-up), then ${settings.users} users × ${settings.turnsPerUser} turns at once; ` +
      `a new session every ${settings.turnsPerSession || '∞'} turns; fake model streams ${settings.chunkSize}-character chunks with no delay`,
  )
  console.log(
    `  ${describeMachine(machine)}, load average ${machine.loadAverageAtStart}; load generator, fake model and server share the machine`,
  )
  await logBuild({ force: args.rebuild })

  const results: TargetResult[] = []
  for (const [index, target] of settings.targets.entries()) {
    // Others may rebuild (or clear) build/ while this runs; make sure it is there and current.
    if (index > 0) await logBuild()
    results.push(await benchTarget(target))
  }

  machine.loadAverageAtEnd = loadAverage()
  printLatency(results)
  for (const result of results) printSession(result)
  for (const result of results) printReopen(result)
  for (const result of results) {
    if (result.failure) console.log(`\n${result.target}: FAILED: ${result.failure}`)
    if (!result.ok && result.serverLogTail) console.log(`${result.target}: the server's last lines:\n${result.serverLogTail}`)
  }

  const valid = results.every((result) => result.ok)
  const resultsFile = writeResults('chat', {
    description:
      'Chat turns over POST /sessions/<id>/chat against a fake OpenAI-compatible model that answers instantly: time from just before fetch to the first delta event and to done; ' +
      'tokens of one scripted five-stage session by kind of call (fake estimate: ceil(chars/4)); model calls made when the finished session is opened again.',
    valid,
    machine,
    settings,
    notes: [
      'Token counts are the fake model’s estimate, ceil(characters / 4), not a real tokenizer’s; the JSON schema of structured calls is not in them (requestBytes includes it).',
      'The fake model, the load generator and the app server share the machine’s CPUs.',
      'First token = the first delta event of the app’s NDJSON stream. The app holds back the last (canary length − 1) characters of a reply while streaming (lib/ai/calls.ts), so that event leaves only once that many characters plus one have arrived from the model.',
      'repeatedPrefixTokens = the longest start of a call’s input (system + messages) that an earlier call of the same session began with, in whole 4-character tokens: what a provider’s prompt cache could reuse; openaiCachedTokens = that by OpenAI’s rule (nothing under 1,024 tokens, then steps of 128). Estimates from the same texts; they assume the cache still holds the earlier call.',
      'beforeModelMs = fetch → the model request reaching the fake; modelToFirstTokenMs = that → the first delta at the client (includes the fake’s own work and the hold-back).',
    ],
    results,
  })
  console.log(`\nLoad average (1 min) ${machine.loadAverageAtStart} at the start, ${machine.loadAverageAtEnd} at the end, on ${machine.cpus} CPUs.`)
  console.log(`${valid ? 'Valid run' : 'INVALID run (see failures above)'}; figures written to ${resultsFile}`)
  process.exitCode = valid ? 0 : 1
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
