import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { assessRisk, crisisCategories, normaliseForSafety, signalsCrisis } from './safety'
import { coachSupportMessageFor, supportMessage, supportMessageFor, supportResourcesByCountry } from './support-resources'

const fixtureFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures/crisis-messages.json')
const fixture = z
  .object({
    messages: z.array(
      z.object({
        text: z.string().min(1),
        crisis: z.boolean(),
        category: z.enum(crisisCategories).nullable(),
        kind: z.enum(['direct', 'indirect', 'misspelled', 'negation', 'figure', 'sport', 'resolved', 'everyday']),
        batch: z.string(),
      }),
    ),
  })
  .parse(JSON.parse(fs.readFileSync(fixtureFile, 'utf8')))

describe('the labelled crisis set (tests/fixtures/crisis-messages.json)', () => {
  const { messages } = fixture
  const crises = messages.filter((m) => m.crisis)
  const others = messages.filter((m) => !m.crisis)

  it('has at least 150 messages, every category, direct, indirect and misspelled crises, and every kind of negative', () => {
    expect(messages.length).toBeGreaterThanOrEqual(150)
    expect(new Set(messages.map((m) => m.text)).size, 'no message twice').toBe(messages.length)
    for (const category of crisisCategories) expect(crises.filter((m) => m.category === category).length, category).toBeGreaterThanOrEqual(8)
    for (const kind of ['direct', 'indirect', 'misspelled'] as const) expect(crises.some((m) => m.kind === kind), kind).toBe(true)
    for (const kind of ['negation', 'figure', 'sport', 'resolved'] as const) expect(others.filter((m) => m.kind === kind).length, kind).toBeGreaterThanOrEqual(8)
  })

  it('catches at least 98% of crises with at most 5% false alarms (figures printed)', () => {
    const missed = crises.filter((m) => !signalsCrisis(m.text))
    const falseAlarms = others.filter((m) => signalsCrisis(m.text))
    const recall = (crises.length - missed.length) / crises.length
    const falseAlarmRate = falseAlarms.length / others.length
    const byCategory = crisisCategories.map((category) => {
      const inCategory = crises.filter((m) => m.category === category)
      return `${category} ${inCategory.filter((m) => signalsCrisis(m.text)).length}/${inCategory.length}`
    })
    console.log(
      [
        `crisis detection on ${messages.length} labelled messages (${crises.length} crises, ${others.length} not):`,
        `  recall ${recall.toFixed(3)} (${crises.length - missed.length}/${crises.length}) — ${byCategory.join(', ')}`,
        `  false alarms ${(falseAlarmRate * 100).toFixed(1)}% (${falseAlarms.length}/${others.length})`,
        ...missed.map((m) => `  missed: ${m.text}`),
        ...falseAlarms.map((m) => `  false alarm: ${m.text}`),
      ].join('\n'),
    )
    expect(recall).toBeGreaterThanOrEqual(0.98)
    expect(falseAlarmRate).toBeLessThanOrEqual(0.05)
  })

  it('the examples from issue 14', () => {
    for (const text of [
      'I can’t go on anymore',
      'I have a plan to end it all',
      'I took too many pills',
      'I have been cutting again',
      'I was raped last year',
      'He threatens me at home and I am scared',
    ]) {
      expect(signalsCrisis(text), text).toBe(true)
    }
    expect(signalsCrisis('I am not suicidal, just tired')).toBe(false)
    expect(signalsCrisis('My chest pain from the workout is gone')).toBe(false)
  })

  it('a negated, resolved or figurative signal is ambiguous: no pause by itself, a question for the model when AI is on', () => {
    expect(assessRisk('I am not suicidal, just tired')).toMatchObject({ level: 'ambiguous', categories: ['suicide'] })
    expect(assessRisk('My chest pain from the workout is gone')).toMatchObject({ level: 'ambiguous', categories: ['medical'] })
    expect(assessRisk('I nearly had a heart attack when I saw the bill')).toMatchObject({ level: 'ambiguous' })
    expect(assessRisk('My goal is to run 5k without stopping')).toEqual({ level: 'none', categories: [], reasons: [] })
    // A clear signal beside a negated one still pauses.
    expect(assessRisk('I am not suicidal but I took too many pills')).toMatchObject({ level: 'crisis', categories: ['overdose'] })
  })

  it('reads through misspellings, shorthand and stretched letters', () => {
    expect(normaliseForSafety('i wanna kil myslef')).toBe('i want to kill myself')
    expect(normaliseForSafety('Im sooo sucidal')).toBe('i am so suicidal')
    expect(normaliseForSafety('kms')).toBe('kill myself')
    expect(normaliseForSafety('I cant breath')).toBe('i can not breathe')
  })
})

describe('a coach’s note, written about the client', () => {
  it.each([
    'She says her partner hits her when he drinks',
    'He has been cutting himself again',
    'She told me she wants to kill herself',
    'He took too many of his pills last night',
    'She is suicidal',
    'She does not want to live anymore',
    'He said he can not go on',
    'He threatens her at home and she is scared',
    'She was raped last year',
  ])('pauses on "%s"', (note) => {
    expect(signalsCrisis(note, { about: 'client' })).toBe(true)
  })
  it.each([
    'She is tired after the move, a 6 today',
    'Her boss is killing her with deadlines',
    'He hurt his knee running',
    'She wants to kill it at the race',
    'His chest pain from training is gone',
    'She is not suicidal, just exhausted',
  ])('does not pause on "%s"', (note) => {
    expect(signalsCrisis(note, { about: 'client' })).toBe(false)
  })
})

describe('support resources', () => {
  it('the international list: emergency numbers, crisis lines and that this is not a clinician', () => {
    expect(supportMessage).toMatch(/emergency number/)
    expect(supportMessage).toMatch(/988/)
    expect(supportMessage).toMatch(/findahelpline\.com/)
    expect(supportMessage).toMatch(/not a counsellor or a clinician/)
    expect(supportMessageFor(null)).toBe(supportMessage)
    expect(supportMessageFor('ZZ'), 'a country without its own list gets the international one').toBe(supportMessage)
  })

  it('a country setting gives that country’s numbers', () => {
    expect(supportMessageFor('GB')).toMatch(/999/)
    expect(supportMessageFor('GB')).toMatch(/116 123/)
    expect(supportMessageFor('GB')).not.toMatch(/988/)
    expect(supportMessageFor('de')).toMatch(/0800 111 0 111/)
    expect(supportMessageFor('AU')).toMatch(/13 11 14/)
    for (const [code, resources] of Object.entries(supportResourcesByCountry)) {
      expect(code).toMatch(/^[A-Z]{2}$/)
      const message = supportMessageFor(code)
      for (const line of [resources.emergency, resources.crisisLine, resources.abuseLine]) expect(message).toContain(line)
      expect(message).toMatch(/not a counsellor or a clinician/)
    }
  })

  it('a coach whose note signals a crisis is told what to do and given the client’s resources', () => {
    const message = coachSupportMessageFor('US')
    expect(message).toMatch(/your client may be at risk/)
    expect(message).toMatch(/988/)
  })
})
