import ICAL from 'ical.js'
import { describe, expect, it } from 'vitest'
import { escapeText, renderCalendar } from './calendar'

const now = new Date('2026-12-01T09:00:00Z')
const item = (summary: string, description = '') => ({ uid: 'action-plan-1@stagecoach', date: '2026-12-10', summary, description })

/** How a lax parser reads a feed: any line break ends a line. */
function laxLines(ics: string): string[] {
  return ics.split(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/).filter(Boolean)
}

describe('the calendar feed keeps each value inside its own content line', () => {
  it.each([
    ['bare CR', '\r'],
    ['bare LF', '\n'],
    ['CRLF', '\r\n'],
    ['vertical tab', '\v'],
    ['form feed', '\f'],
    ['NEL', '\u0085'],
    ['line separator', '\u2028'],
    ['paragraph separator', '\u2029'],
  ])('a title with a %s cannot start events of its own', (_name, lineBreak) => {
    const title = ['C', 'BEGIN:VEVENT', 'UID:evil', 'DTSTART;VALUE=DATE:20261224', 'SUMMARY:Injected', 'END:VEVENT', 'X'].join(lineBreak)
    const ics = renderCalendar([item(`Due: ${title}`, `Notes${lineBreak}END:VCALENDAR`)], now)
    const lines = laxLines(ics)
    expect(lines.filter((line) => line === 'BEGIN:VEVENT')).toHaveLength(1)
    expect(lines.some((line) => line.startsWith('UID:evil'))).toBe(false)
    expect(lines.filter((line) => line === 'END:VCALENDAR')).toHaveLength(1)
    // A strict parser reads the title back with line breaks as newlines.
    const [event] = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c))
    expect(event?.summary).toBe(`Due: ${title.split(lineBreak).join('\n')}`)
  })

  it('escapes backslash, semicolon and comma, and drops other control characters', () => {
    expect(escapeText('a\\b;c,d')).toBe('a\\\\b\\;c\\,d')
    expect(escapeText('bell\u0007nul\u0000esc\u001bdel\u007f c1\u009b')).toBe('bellnulescdel c1')
    expect(escapeText('tab\tstays')).toBe('tab\tstays')
  })

  it('folds every line to at most 75 octets, without splitting a character', () => {
    const long = `Due: ${'Finish the report — ünïcödé, 😀 '.repeat(12)}`
    const ics = renderCalendar([item(long, long)], now)
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75)
    expect(ics).not.toMatch(/\uFFFD/)
    const [event] = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c))
    expect(event?.summary).toBe(long)
    expect(event?.description).toBe(long)
  })
})
