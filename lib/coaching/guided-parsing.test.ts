import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { readDates } from './guided-dates'
import { isAffirmation, parseList, readActionSteps, readProgress, readRating } from './guided-parsing'

const fixtureFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures/guided-answers.json')
const milestone = z.object({ title: z.string(), dueDate: z.string().nullable() })
const fixture = z
  .object({
    reference: z.string(),
    timeZone: z.string(),
    rating: z.array(z.tuple([z.string(), z.union([z.number(), z.object({ ask: z.enum(['range', 'choice', 'none', 'out_of_range']), low: z.number().optional(), high: z.number().optional() })])])),
    list: z.array(z.tuple([z.string(), z.array(z.string())])),
    steps: z.array(z.tuple([z.string(), z.array(z.object({ title: z.string(), dueDate: z.string().nullable(), milestones: z.array(milestone).optional(), vague: z.string().optional() }))])),
    progress: z.array(z.tuple([z.string(), z.union([z.enum(['done', 'partly', 'not_done']), z.object({ ask: z.literal(true) })])])),
  })
  .parse(JSON.parse(fs.readFileSync(fixtureFile, 'utf8')))
const context = { timeZone: fixture.timeZone, reference: new Date(fixture.reference) }

describe('the guided answers table (tests/fixtures/guided-answers.json)', () => {
  it('has at least 100 real-sounding answers', () => {
    expect(fixture.rating.length + fixture.list.length + fixture.steps.length + fixture.progress.length).toBeGreaterThanOrEqual(100)
  })

  it.each(fixture.rating)('rating: %j', (answer, expected) => {
    const reading = readRating(answer)
    if (typeof expected === 'number') expect(reading).toEqual({ kind: 'value', value: expected })
    else expect(reading).toMatchObject({ kind: expected.ask, ...(expected.low === undefined ? {} : { low: expected.low, high: expected.high }) })
  })

  it.each(fixture.list)('list: %j', (answer, expected) => {
    expect(parseList(answer)).toEqual(expected)
  })

  it.each(fixture.steps)('steps: %j', (answer, expected) => {
    const steps = readActionSteps(answer, context)
    expect(steps.map(({ title, dueDate }) => ({ title, dueDate }))).toEqual(expected.map(({ title, dueDate }) => ({ title, dueDate })))
    expected.forEach((step, index) => {
      if (step.milestones) expect(steps[index]?.milestones).toEqual(step.milestones)
      if (step.vague) expect(steps[index]?.vagueDate).toBe(step.vague)
    })
  })

  it.each(fixture.progress)('progress: %j', (answer, expected) => {
    const reading = readProgress(answer)
    if (typeof expected === 'string') expect(reading).toEqual({ kind: 'value', value: expected })
    else expect(reading.kind).not.toBe('value')
  })
})

describe('dates in the client’s time zone', () => {
  it('"tomorrow" is the client’s tomorrow: late evening in Auckland is already the next day', () => {
    // 10:00 UTC on 3 December is 23:00 on 3 December in Auckland (UTC+13)… and 11:00 in London.
    const at = new Date('2026-12-03T11:30:00Z')
    expect(readDates('tomorrow', { timeZone: 'Pacific/Auckland', reference: at }).dates[0]?.date).toBe('2026-12-05')
    expect(readDates('tomorrow', { timeZone: 'Europe/London', reference: at }).dates[0]?.date).toBe('2026-12-04')
    expect(readDates('tomorrow', { timeZone: 'America/Los_Angeles', reference: new Date('2026-12-03T05:00:00Z') }).dates[0]?.date).toBe('2026-12-03')
  })

  it('an unknown zone reads as UTC rather than failing', () => {
    expect(readDates('tomorrow', { timeZone: 'Mars/Olympus', reference: new Date('2026-12-03T10:00:00Z') }).dates[0]?.date).toBe('2026-12-04')
  })

  it('day-first numbers outside the Americas, month-first in the US', () => {
    expect(readDates('by 5/1', { timeZone: 'Europe/London', reference: new Date('2026-12-03T10:00:00Z') }).dates[0]?.date).toBe('2027-01-05')
    expect(readDates('by 5/1', { timeZone: 'America/New_York', reference: new Date('2026-12-03T15:00:00Z') }).dates[0]?.date).toBe('2027-05-01')
  })

  it('frequencies, durations and clock times are not dates', () => {
    for (const text of ['three times a week', 'for 20 minutes', '8 hours', 'at 7am', 'every Monday', 'twice a day for 2 weeks']) {
      expect(readDates(text, context).dates, text).toEqual([])
    }
  })
})

describe('confirmations', () => {
  it.each(['yes', 'Yes, that’s right', 'correct', 'yep thanks', 'looks good'])('"%s" keeps what was read back', (answer) => {
    expect(isAffirmation(answer.replace('’', "'"))).toBe(true)
  })
  it.each(['yes but move it to Friday', 'the 20th', 'no date'])('"%s" changes it', (answer) => {
    expect(isAffirmation(answer)).toBe(false)
  })
})
