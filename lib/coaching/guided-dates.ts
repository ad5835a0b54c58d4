import * as chrono from 'chrono-node'

/**
 * Dates as people say them ("by next Friday", "end of January", "on the 20th", "by
 * Christmas"), read in the client's own time zone: "next Friday" depends on the day it is
 * where they are, not where the server runs. chrono-node does the reading; what it gets
 * wrong for coaching answers is handled here (decision 020):
 *
 * - frequency and duration phrases ("three times a week", "for 20 minutes", "8 hours") are
 *   masked first, so they are not read as dates ("a week until next Friday" → 10 December,
 *   "8 hours" → today);
 * - only a day the words pin down is accepted: a certain day of a month, a weekday, or a
 *   relative day ("tomorrow", "in two weeks"); a month alone ("in January") or a time alone
 *   ("at 7am") is not a date, and is reported as vague so guided mode can ask;
 * - "the 20th", "mid-January", Christmas and New Year, which chrono does not read.
 */

export interface FoundDate {
  /** The calendar date, YYYY-MM-DD, in the client's time zone. */
  date: string
  /** Where the words were in the text (after masking, positions are unchanged). */
  index: number
  text: string
  /**
   * Said as a date ("by Friday", "on the 20th", "5 December", "tomorrow") rather than a bare
   * weekday inside a phrase ("block Tuesday and Thursday mornings"). When a text has
   * anchored dates, its bare weekdays are part of the words, not dates.
   */
  anchored: boolean
}

export interface DateReading {
  dates: FoundDate[]
  /** Words that sound like a time ("in January", "soon") but name no day. */
  vague: string[]
}

export interface DateContext {
  /** IANA time zone of the client (profiles.timezone); unknown zones read as UTC. */
  timeZone: string
  /** When the words were said (the message's time); "next Friday" is counted from here. */
  reference: Date
}

const numberWord = '(?:\\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|sixty|ninety|a few|a couple of|couple of|several|half an?)'
const unit = '(?:minutes?|mins?|hours?|hrs?|h|seconds?|secs?|days?|nights?|weeks?|months?|years?|sessions?|times?|reps?|sets?|km|k|kms|kilometres?|kilometers?|miles?|mi|laps?|pages?|words?|steps?|kg|kilos?|lbs?|pounds?)'

/** Phrases that say how often or how long, never when. Each is blanked out before chrono reads the text. */
const maskPatterns: RegExp[] = [
  // "three times a week", "twice a day", "5x per week", "once every two weeks"
  new RegExp(`\\b(?:once|twice|thrice|${numberWord}\\s*(?:times|x))\\s+(?:a|an|per|each|every)\\s+(?:${numberWord}\\s+)?(?:day|days|week|weeks|month|months|year|morning|evening|night|weekday|weekend)\\b`, 'gi'),
  // "every day", "each week", "per month", "every other day", "a day"
  /\b(?:every|each|per)\s+(?:other\s+|single\s+)?(?:day|week|month|year|morning|evening|night|weekday|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b/gi,
  /\b(?:daily|weekly|monthly|nightly|fortnightly)\b/gi,
  // "for 20 minutes", "for two weeks", "for a month"
  new RegExp(`\\bfor\\s+(?:at\\s+least\\s+|about\\s+|around\\s+|up\\s+to\\s+)?${numberWord}\\s+${unit}\\b`, 'gi'),
  // "8 hours", "30 minutes", "5k", "10 km", "3 sets" — amounts, not dates ("in 3 days" is kept)
  new RegExp(`(?<!\\b(?:in|within)\\s+)(?<!\\b(?:in|within)\\s+(?:the\\s+next\\s+))\\b${numberWord}[\\s-]*(?:minutes?|mins?|hours?|hrs?|h|seconds?|secs?|sessions?|reps?|sets?|km|k|kms|kilometres?|kilometers?|miles?|mi|laps?|pages?|words?|steps?|kg|kilos?|lbs?|pounds?)\\b`, 'gi'),
  // "a week" / "two weeks" not after "in"/"within"/"next" ("run 3 times a week" is masked above)
  new RegExp(`(?<!\\b(?:in|within|next|last|this|of|the)\\s+)(?<!\\b(?:in|within)\\s+(?:the\\s+next\\s+|about\\s+|around\\s+))\\b${numberWord}\\s+(?:days?|weeks?|months?|years?)(?!\\s+(?:from|after|later|time|away|ago))\\b`, 'gi'),
  // clock times are not dates: "at 7am", "before 9"
  /\b(?:at|before|after|by|around)\s+\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)?(?=\s|$|[,.;!?])(?!\s*(?:st|nd|rd|th|\/|-|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))/gi,
  /\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)\b/gi,
  // "until the end" alone, "a week ago" are not due dates either
  /\b(?:yesterday|last\s+(?:week|month|year|night|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b/gi,
]

function blank(text: string, patterns: RegExp[]): string {
  let masked = text
  for (const pattern of patterns) masked = masked.replace(pattern, (match) => ' '.repeat(match.length))
  return masked
}

const monthNames = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']
const monthPattern = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)'

function monthNumber(name: string): number {
  const lower = name.toLowerCase()
  return monthNames.findIndex((month) => month.startsWith(lower.slice(0, 3))) + 1
}

/** What chrono does not read: the 20th, mid-January, Christmas, New Year. */
const extraParsers: chrono.Parser[] = [
  {
    pattern: () => /\b(christmas eve|christmas day|christmas|xmas|boxing day|new year'?s eve|new year'?s day|new year|the new year)\b/i,
    extract: (_context, match) => {
      const name = (match[1] ?? '').toLowerCase()
      if (name.startsWith('christmas eve')) return { day: 24, month: 12 }
      if (name.startsWith('boxing')) return { day: 26, month: 12 }
      if (name.startsWith('christmas') || name === 'xmas') return { day: 25, month: 12 }
      if (name.includes('eve')) return { day: 31, month: 12 }
      return { day: 1, month: 1 }
    },
  },
  {
    pattern: () => new RegExp(`\\b(?:mid|middle of)[\\s-]+(${monthPattern})\\b`, 'i'),
    extract: (_context, match) => ({ day: 15, month: monthNumber(match[1] ?? '') }),
  },
  {
    // "the 20th", "on the 3rd" — not "the 20th of May" or "20th December" (chrono reads those).
    pattern: () => new RegExp(`\\b(?:the\\s+)(\\d{1,2})(?:st|nd|rd|th)\\b(?!\\s+(?:of\\s+)?${monthPattern})`, 'i'),
    extract: (context, match) => {
      const day = Number(match[1])
      if (day < 1 || day > 31) return null
      const reference = context.refDate
      let month = reference.getMonth() + 1
      let year = reference.getFullYear()
      if (day < reference.getDate()) {
        month += 1
        if (month > 12) {
          month = 1
          year += 1
        }
      }
      return { day, month, year }
    },
  },
]

const reader = (() => {
  const custom = chrono.en.GB.clone()
  custom.parsers.push(...extraParsers)
  return custom
})()
const usReader = (() => {
  const custom = chrono.en.casual.clone()
  custom.parsers.push(...extraParsers)
  return custom
})()

/** The client's wall clock at `instant`, as a Date whose local fields are that wall clock (what chrono reads). */
function wallClock(instant: Date, timeZone: string): Date {
  let parts: Intl.DateTimeFormatPart[]
  try {
    parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant)
  } catch {
    parts = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(instant)
  }
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value)
  return new Date(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'))
}

function iso(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  return date.toISOString().slice(0, 10)
}

/** The client's "today", YYYY-MM-DD, in their time zone. */
export function localToday(context: DateContext): string {
  const now = wallClock(context.reference, context.timeZone)
  return iso(now.getFullYear(), now.getMonth() + 1, now.getDate()) ?? context.reference.toISOString().slice(0, 10)
}

const vaguePattern = /\b(?:soon|asap|as soon as possible|sometime|some time|someday|some day|one day|eventually|later|when i can|at some point|shortly)\b/gi

/** Whether a chrono result names a day: a certain day, a weekday, or a relative day ("tomorrow", "in two weeks"). */
function namesADay(result: chrono.ParsedResult): boolean {
  const start = result.start
  if (start.isCertain('day')) return true
  if (start.isCertain('weekday')) return true
  return false
}

/**
 * Every date in the text, in order, in the client's time zone, never before the day the
 * words were said (a bare "Friday" is the coming one). Unreadable time words are `vague`.
 */
export function readDates(text: string, context: DateContext): DateReading {
  const masked = blank(text, maskPatterns)
  const reference = wallClock(context.reference, context.timeZone)
  // Day-first (5/12 = 5 December) unless the zone is American.
  const americas = /^America\/(?!Sao_Paulo|Argentina|Santiago|Bogota|Lima|Caracas|Montevideo|Asuncion|La_Paz)/.test(context.timeZone)
  const results = (americas ? usReader : reader).parse(masked, reference, { forwardDate: true })
  const dates: FoundDate[] = []
  const vague: string[] = []
  for (const result of results) {
    // chrono sometimes takes the comma after a date ("next Friday,"); it belongs to the sentence.
    const originalText = text.slice(result.index, result.index + result.text.length).replace(/[\s,;:.]+$/, '')
    if (!namesADay(result)) {
      if (result.start.isCertain('month') || result.start.isCertain('year')) vague.push(originalText.trim())
      continue
    }
    const date = iso(result.start.get('year') ?? reference.getFullYear(), result.start.get('month') ?? 1, result.start.get('day') ?? 1)
    const anchored = result.start.isCertain('day') || /\b(?:by|before|until|till|til|due|on|no later than|deadline|from|starting|latest)\s+(?:the\s+)?$/i.test(masked.slice(0, result.index)) || /^(?:next|this|coming)\b/i.test(result.text)
    if (date) dates.push({ date, index: result.index, text: originalText, anchored })
  }
  if (dates.some((found) => found.anchored)) {
    const anchoredOnly = dates.filter((found) => found.anchored)
    dates.length = 0
    dates.push(...anchoredOnly)
  }
  for (const match of masked.matchAll(vaguePattern)) vague.push(match[0])
  return { dates, vague }
}

/** A date as people read it back: "Friday 11 December 2026". */
export function spokenDate(date: string): string {
  const day = new Date(`${date}T12:00:00Z`)
  const weekday = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][day.getUTCDay()]
  const month = monthNames[day.getUTCMonth()]!
  return `${weekday} ${day.getUTCDate()} ${month.charAt(0).toUpperCase()}${month.slice(1)} ${day.getUTCFullYear()}`
}
