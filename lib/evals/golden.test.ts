import { describe, expect, it } from 'vitest'
import { stageInfo } from '../coaching/stages.shared'
import { loadCrisisMessages, loadGoldenSet, loadPersonas, parseGoldenSet } from './golden'

describe('the eval data', () => {
  it('has at least 30 golden transcripts, every stage covered, each with messy, changed, refused or vague answers among them', () => {
    const cases = loadGoldenSet()
    expect(cases.length).toBeGreaterThanOrEqual(30)
    const byStage = new Map<number, number>()
    for (const item of cases) byStage.set(item.stage, (byStage.get(item.stage) ?? 0) + 1)
    expect([...byStage.keys()].sort()).toEqual([1, 2, 3, 4, 5])
    for (const count of byStage.values()) expect(count).toBeGreaterThanOrEqual(5)
    const traits = new Set(cases.flatMap((item) => item.traits))
    expect([...traits].sort()).toEqual(['advice', 'change-of-mind', 'messy', 'refusal', 'vague'])
    // Varied people: no one person carries more than four of the transcripts.
    const people = new Map<string, number>()
    for (const item of cases) people.set(item.person, (people.get(item.person) ?? 0) + 1)
    expect(Math.max(...people.values())).toBeLessThanOrEqual(4)
    expect(people.size).toBeGreaterThanOrEqual(12)
  })

  it('reads transcript lines as messages: Coach is the AI coach, Client the person', () => {
    const [first] = loadGoldenSet()
    expect(first?.transcript[0]).toMatchObject({ role: 'assistant', content: expect.stringMatching(/^Welcome back/) })
    expect(first?.transcript[1]).toMatchObject({ role: 'client' })
  })

  it('gives Check In one review per open action it remembers, with the title as the app shows it', () => {
    for (const item of loadGoldenSet().filter((c) => c.stage === 1)) {
      const reviews = (item.expected as { previousActionsReview: { actionPlanId: string | null; title: string }[] }).previousActionsReview
      expect(reviews.map((r) => r.actionPlanId)).toEqual(item.memory.map((m) => m.actionPlanId))
      expect(reviews.map((r) => r.title)).toEqual(item.memory.map((m) => m.text.replace(/\s*\([^)]*\)\s*$/, '')))
    }
  })

  it('refuses a case whose expected fields do not fit its stage', () => {
    const bad = { cases: [{ id: 'x', stage: 2, person: 'p', traits: [], transcript: ['Coach: a', 'Client: b'], expected: { currentStateRating: 11 } }] }
    expect(() => parseGoldenSet(bad)).toThrow(new RegExp(stageInfo(2).name))
  })

  it('has persona cards for the client simulator and the labelled crisis set', () => {
    const personas = loadPersonas()
    expect(personas.length).toBeGreaterThanOrEqual(5)
    expect(personas.some((p) => p.asksForAdvice)).toBe(true)
    expect(loadCrisisMessages().length).toBeGreaterThanOrEqual(150)
  })
})
