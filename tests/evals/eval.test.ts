/**
 * `npm run eval` against the repo's fake model (tests/mocks/openai), through the same
 * command, env parsing and HTTP client as a real run (decision 021). The fake answers
 * fixed fields whatever was said, so its scores are known in advance: the numbers below
 * are what the scorers must give it, and a broken harness or scorer changes them.
 *
 * Three more fakes pin the other end of each scale: an oracle that extracts exactly the
 * golden fields (F1 1, every claim supported, every plan traced with its date), a judge that
 * accepts every pair (the model-graded columns move, the structural ones do not), and a
 * coach that lectures and advises unasked (the stance scores fall).
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { evalCommand, UsageError } from '#lib/evals/command'
import { loadGoldenSet } from '#lib/evals/golden'
import type { EvalReport, FieldRow } from '#lib/evals/harness'
import { createFakeOpenAI, openAIHandlers, scriptedCoach, startFakeOpenAIServer, type Responder } from '../mocks/openai'

const fake = createFakeOpenAI()
let server: Awaited<ReturnType<typeof startFakeOpenAIServer>>
let outDirectory: string

beforeAll(async () => {
  server = await startFakeOpenAIServer(fake)
  outDirectory = await fs.mkdtemp(path.join(os.tmpdir(), 'stagecoach-evals-'))
})
afterEach(() => fake.reset())
afterAll(async () => {
  await server?.close()
  if (outDirectory) await fs.rm(outDirectory, { recursive: true, force: true })
})

function run(args: string[] = [], model = 'fake-coach') {
  return evalCommand({ argv: ['--out', outDirectory, ...args], env: { OPENAI_BASE_URL: server.baseUrl, AI_MODEL: model } })
}

function field(rows: FieldRow[] | undefined, name: string): Pick<FieldRow, 'tp' | 'fp' | 'fn'> | undefined {
  const found = rows?.find((row) => row.field === name)
  return found && { tp: found.tp, fp: found.fp, fn: found.fn }
}

function numbers(report: EvalReport) {
  const { extraction, faithfulness, stance, safety } = report
  return {
    extraction: extraction && {
      overall: { tp: extraction.overall.tp, fp: extraction.overall.fp, fn: extraction.overall.fn },
      byStage: Object.fromEntries(extraction.byStage.map((row) => [row.field, [row.tp, row.fp, row.fn]])),
      failedCalls: extraction.failedCalls,
    },
    faithfulness: faithfulness && {
      golden: faithfulness.golden,
      extracted: faithfulness.extracted,
      summaries: { ...faithfulness.summaries, unsupported: faithfulness.summaries.unsupported.length },
      plans: { ...faithfulness.plans, checks: undefined, unsupported: faithfulness.plans.unsupported.length },
    },
    stance: stance && { totals: stance.totals, doneReached: stance.doneReached, failedCalls: stance.failedCalls },
    safety: safety && {
      rules: [safety.rules.caught, safety.rules.crises, safety.rules.falseAlarms, safety.rules.nonCrises],
      withModel: [safety.withModel.caught, safety.withModel.crises, safety.withModel.falseAlarms, safety.withModel.nonCrises],
      modelChecks: safety.modelChecks,
    },
  }
}

describe('npm run eval against the fake model', () => {
  it('gets the scores the scripted fake must get, prints the tables and writes the JSON', async () => {
    const { report, text, file } = await run()
    console.log(text)

    expect(report.model).toBe('openai-compatible:fake-coach')
    expect(report.judge).toBeNull()
    // 32 extractions, 7 plan details, 7 summaries, 5 conversations (28 client + 28 coach turns, 5 extractions), 23 safety checks.
    expect(fake.calls).toHaveLength(32 + 7 + 7 + 28 + 28 + 5 + 23)

    expect(numbers(report)).toEqual({
      extraction: {
        // The fake rates everything 7 and writes its own words: only its 7s and the remembered reviews score.
        overall: { tp: 15, fp: 186, fn: 197 },
        byStage: { check_in: [14, 31, 22], starting_point: [0, 42, 60], connect: [0, 24, 43], finish: [0, 70, 55], check_out: [1, 19, 17] },
        failedCalls: 0,
      },
      faithfulness: {
        golden: { claims: 215, supported: 215, rate: 1 },
        // Supported by chance: 12 of the fake's 7s where the client said 7, one list item, one step detail, one SMART part.
        extracted: { claims: 213, supported: 15, rate: 15 / 213 },
        // 7 people with a Finish; each summary of the fake's: 3 sentences, an insight, the goal,
        // 2 actions with dates, 2 metrics and a sentence of support, none of it the client's.
        summaries: { sessions: 7, claims: { claims: 84, supported: 0, rate: 0 }, actions: 14, actionsTracedToAgreedStep: 0, judged: null, unsupported: 84, failedCalls: 0 },
        plans: {
          finishTranscripts: 7,
          agreedSteps: 14,
          plans: 14,
          // The fake's steps are its own, so no plan traces to what the client agreed…
          tracedToAgreedStep: 0,
          withTheDateGiven: 0,
          stepsWithoutPlan: 14,
          // …and the milestone dates it invents are dropped by the app (decision 020).
          milestoneDates: 0,
          milestoneDatesNotGiven: 0,
          // Each plan's detail, 5 SMART parts and 2 milestones: 14 × 8 claims, the fake's words.
          claims: { claims: 112, supported: 15, rate: 15 / 112 },
          judged: null,
          unsupported: 97,
          failedCalls: 0,
          checks: undefined,
        },
      },
      stance: {
        totals: {
          replies: 28,
          sentences: 60,
          questionSentences: 28,
          oneQuestion: 28,
          noQuestion: 0,
          words: 477,
          maxWords: 18,
          lectures: 0,
          adviceAsked: 0,
          adviceGivenWhenAsked: 0,
          unsolicitedAdvice: 0,
        },
        // Connect needs three options of the client's; the fake lists one.
        doneReached: 4,
        failedCalls: 0,
      },
      safety: { rules: [167, 167, 0, 100], withModel: [167, 167, 0, 100], modelChecks: 23 },
    })
    // The counting middleware sees every call the fake answered, suite by suite.
    expect(Object.fromEntries(Object.entries(report.usage).map(([suite, u]) => [suite, u?.calls]))).toEqual({ extraction: 32, faithfulness: 14, stance: 61, safety: 23, judge: undefined })
    expect(report.usage.judge).toBeNull()
    for (const suite of ['extraction', 'faithfulness', 'stance', 'safety'] as const) {
      expect(report.usage[suite].inputTokens).toBeGreaterThan(report.usage[suite].calls * 100)
      expect(report.usage[suite].outputTokens).toBeGreaterThan(0)
    }
    expect(text).toMatch(/^## Model calls and tokens/m)
    expect(report.extraction?.overall.f1).toBeCloseTo((2 * 15) / (2 * 15 + 186 + 197), 12)
    expect(field(report.extraction?.fields, 'check_in.presenceLevel')).toEqual({ tp: 1, fp: 6, fn: 4 })
    expect(report.stance?.conversations.find((c) => c.persona === 'founder-asks-advice')?.missing).toEqual(['three options of their own'])

    expect(text).toMatch(/^## Extraction: 32 golden transcripts, normalised text match$/m)
    expect(text).toMatch(/^all fields\s+0\.075\s+0\.071\s+0\.073\s+15\s+186\s+197$/m)
    expect(text).toMatch(/^rules \+ model \(23 checks\)\s+1\.000\s+167\/167\s+0\/100\s+0\.000$/m)
    expect(path.dirname(file)).toBe(outDirectory)
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)))
  })

  it('scores an oracle that extracts the golden fields as perfect, and its plans as faithful', async () => {
    const golden = loadGoldenSet()
    const oracle: Responder = (call) => {
      const match = call.structured ? golden.find((item) => call.userText.includes(item.transcript.map((m) => `${m.role === 'client' ? 'Client' : 'Coach'}: ${m.content}`).join('\n'))) : undefined
      return match ? { kind: 'object', value: match.expected } : scriptedCoach(call)
    }
    fake.setDefault(oracle)
    const { report } = await run(['--suite', 'faithfulness'])
    expect(report.extraction).toBeNull()
    const n = numbers(report)
    expect(n.faithfulness).toEqual({
      golden: { claims: 215, supported: 215, rate: 1 },
      extracted: { claims: 215, supported: 215, rate: 1 },
      // The summaries' goal and actions are the client's (the app puts Finish's in), the fake's
      // prose is not: 7 goals + 14 actions + 12 of their dates supported, of 7 × 8 prose claims + 26.
      summaries: { sessions: 7, claims: { claims: 82, supported: 33, rate: 33 / 82 }, actions: 14, actionsTracedToAgreedStep: 14, judged: null, unsupported: 49, failedCalls: 0 },
      plans: {
        finishTranscripts: 7,
        agreedSteps: 14,
        plans: 14,
        tracedToAgreedStep: 14,
        withTheDateGiven: 14,
        stepsWithoutPlan: 0,
        // finish-04's two milestones, as the client dated them.
        milestoneDates: 2,
        milestoneDatesNotGiven: 0,
        // The client's own SMART answers and milestones are used as they are; the fake's descriptions and milestones are not.
        claims: { claims: 107, supported: 65, rate: 65 / 107 },
        judged: null,
        unsupported: 42,
        failedCalls: 0,
        checks: undefined,
      },
    })
    // Faithfulness ran the extraction it checks: all of it right.
    expect(report.faithfulness?.unsupported).toEqual([])
  })

  it('reports a judge’s verdicts apart from the structural scores', async () => {
    // A judge that accepts everything it is asked about.
    fake.setDefault((call) => {
      if (call.schemaKeys.includes('verdicts')) {
        // The numbered items ("1. field …" or "1. actionSteps.title: …"), not a client's own numbered list in the transcript.
        const items = [...call.userText.matchAll(/^\d+\. (?:field |[\w.]+: )/gm)].length
        return { kind: 'object', value: { verdicts: Array.from({ length: items }, () => true) } }
      }
      return scriptedCoach(call)
    })
    const { report, text } = await run(['--suite', 'extraction,faithfulness', '--judge', 'fake-judge'])
    expect(report.judge).toBe('openai-compatible:fake-judge')
    // One judge call per extraction (32), per summary (7), per Finish transcript's plans (7), for support of the extractions (32).
    expect(report.usage.judge?.calls).toBe(32 + 32 + 7 + 7)
    // The structural scores are the fake's, as above.
    expect(report.extraction?.overall).toMatchObject({ tp: 15, fp: 186, fn: 197 })
    // Every text pair judged the same: each text the fake filled where the golden one is filled
    // is a hit, each list pairs its one item, ratings, dates and progress are still exact
    // (worked out apart from the harness, from the golden set and the fake's fixed answers).
    expect(report.extraction?.judged?.overall).toMatchObject({ tp: 142, fp: 85, fn: 85 })
    expect(report.faithfulness?.judged).toEqual({ claims: 213, supported: 213, rate: 1 })
    expect(report.faithfulness?.plans.judged).toEqual({ claims: 112, supported: 112, rate: 1 })
    expect(report.faithfulness?.summaries.judged).toEqual({ claims: 84, supported: 84, rate: 1 })
    expect(report.faithfulness?.summaries.claims).toEqual({ claims: 84, supported: 0, rate: 0 })
    expect(report.faithfulness?.extracted).toEqual({ claims: 213, supported: 15, rate: 15 / 213 })
    expect(text).toMatch(/^## Extraction, model-graded match/m)
  })

  it('marks down a coach that lectures and advises unasked, with the scripted client', async () => {
    const lecture = `You should get more sleep and I recommend writing a plan tonight. ${'It is important to keep going. '.repeat(12)}What will you do? And when?`
    fake.setDefault((call) => (call.structured ? scriptedCoach(call) : { kind: 'text', text: lecture }))
    const { report } = await run(['--suite', 'stance', '--client', 'scripted'])
    expect(numbers(report).stance?.totals).toEqual({
      replies: 28,
      sentences: 28 * 15,
      questionSentences: 28 * 2,
      oneQuestion: 0,
      noQuestion: 0,
      words: 28 * 90,
      maxWords: 90,
      lectures: 28,
      // Two scripted clients ask for advice once each ("What would you do in my place?", "any tips").
      adviceAsked: 2,
      adviceGivenWhenAsked: 2,
      unsolicitedAdvice: 26,
    })
  })

  it('says how to configure a model when there is none', async () => {
    await expect(evalCommand({ argv: [], env: {} })).rejects.toThrow(UsageError)
    await expect(evalCommand({ argv: [], env: {} })).rejects.toThrow(/OPENAI_BASE_URL and AI_MODEL/)
    await expect(run(['--suite', 'vibes'])).rejects.toThrow(/Unknown suite vibes/)
  })
})

describe('npm run eval with OPENAI_API_KEY', () => {
  // OpenAI itself, through the Responses API as the app calls it; msw plays api.openai.com.
  const openai = createFakeOpenAI()
  const intercept = setupServer(...openAIHandlers(openai, ['https://api.openai.com/v1']))
  beforeAll(() => intercept.listen({ onUnhandledRequest: 'error' }))
  afterAll(() => intercept.close())

  it('scores the same fake answers the same way', async () => {
    const { report } = await evalCommand({ argv: ['--out', outDirectory, '--suite', 'extraction'], env: { OPENAI_API_KEY: 'sk-test', AI_MODEL: 'gpt-test' } })
    expect(report.model).toBe('openai:gpt-test')
    expect(report.extraction?.overall).toMatchObject({ tp: 15, fp: 186, fn: 197 })
    expect(openai.calls).toHaveLength(32)
    expect(openai.calls.every((call) => call.api === 'responses' && call.structured)).toBe(true)
  })
})
