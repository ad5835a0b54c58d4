import type { ActionReview, ActionStep, StepMilestone } from './stages.shared'
import { readDates, spokenDate, type DateContext, type FoundDate } from './guided-dates'

/**
 * Guided mode reads the client's answers without a model (decision 020): ratings said in
 * words and in context, lists however they are written, action steps with dates as
 * people say them, and how an earlier action went, with negation understood. Each reader
 * says when it could not be sure, so guided mode can ask one confirming question rather
 * than record a guess.
 */

// ─── numbers and ratings ─────────────────────────────────────────────────────────────

const numberWords: Record<string, number> = {
  zero: 0, nil: 0, none: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, fifty: 50, hundred: 100,
}

/** Number words as digits ("eight out of ten" → "8 out of 10"); "a/an" before a unit is left alone. */
export function digitsForWords(text: string): string {
  return text.replace(/\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred)\b/gi, (word) =>
    String(numberWords[word.toLowerCase()]),
  )
}

export type RatingReading =
  | { kind: 'value'; value: number }
  | { kind: 'range'; low: number; high: number }
  | { kind: 'choice'; options: number[] }
  | { kind: 'out_of_range'; said: number }
  | { kind: 'none' }

const amountAfter = /^\s*(?:-\s*)?(?:\+|%|percent|per ?cent|hours?|hrs?|h\b|minutes?|mins?|seconds?|secs?|days?|nights?|weeks?|months?|years?|yrs?|times?|x\b|km\b|k\b|kms|kilomet|miles?|mi\b|kg|kilos?|lbs?|pounds?|people|kids|children|reports|meetings|emails|cups?|glasses|coffees?|pages?|steps?|am\b|pm\b|a\.m|p\.m|o'?clock|:\d|st\b|nd\b|rd\b|th\b|of (?:my|the|them|us)|euros?|dollars?|€|\$|£)/i
const amountBefore = /(?:\$|€|£|#|no\.\s*|number\s+|at\s+|since\s+|from\s+|level\s+of\s+\d+\s+|top\s+|grade\s+|year\s+|page\s+|step\s+|week\s+|day\s+)$/i

interface Candidate {
  value: number
  index: number
  strong: boolean
  decimal: boolean
}

/**
 * A 1–10 rating from what the client said: "maybe 8", "eight out of ten", "7/10", "a solid
 * seven", "I slept 5 hours, so maybe 8" (amounts with a unit are not ratings). A range
 * ("between 3 and 4", "6-7", "6 or 7") or two different numbers is a question, not a value;
 * a later correction ("6, no, actually 7") wins.
 */
export function readRating(answer: string | undefined): RatingReading {
  const text = digitsForWords((answer ?? '').toLowerCase().replace(/[’‘]/g, "'"))
  if (!text.trim()) return { kind: 'none' }

  // Ranges first: "between 3 and 4", "3-4", "3 to 4", "3 or 4", "3/4 ish" is not a range.
  const range = /\b(?:between\s+)?(10|[0-9])(?:\.\d)?\s*(?:-|–|—|to|and|or)\s*(10|[0-9])(?:\.\d)?\b(?!\s*(?:\/|out of|of)\s*\d)(?!\s*(?:hours?|hrs?|minutes?|mins?|days?|weeks?|times?|km|miles?|kg|people|%))/.exec(text)
  if (range) {
    const low = Number(range[1])
    const high = Number(range[2])
    const between = /between\s*$/.test(text.slice(0, range.index + 8)) || /^between/.test(range[0])
    if (low !== high && Math.abs(high - low) <= 3 && (between || high > low)) {
      return { kind: 'range', low: Math.min(low, high), high: Math.max(low, high) }
    }
  }

  // Another scale ("4/5", "3 out of 5") is not a 1–10 rating: ask rather than convert.
  if (/\b\d{1,2}\s*(?:\/|out of|outta)\s*(?!10\b)\d{1,3}\b/.test(text)) return { kind: 'none' }
  const candidates: Candidate[] = []
  // "7/10", "7 out of 10", "7 of 10": the strongest signal.
  for (const match of text.matchAll(/\b(\d{1,2}(?:\.\d+)?)\s*(?:\/|out of|outta|of)\s*10\b/g)) {
    candidates.push({ value: Number(match[1]), index: match.index, strong: true, decimal: (match[1] ?? '').includes('.') })
  }
  for (const match of text.matchAll(/(?<![\d.,:/])(\d{1,3}(?:\.\d+)?)(?![\d.,:]*\d)/g)) {
    const index = match.index
    const raw = match[1] ?? ''
    if (candidates.some((c) => c.index === index)) continue
    const before = text.slice(0, index)
    const after = text.slice(index + raw.length)
    // The 10 of "out of 10" and "/10" is the scale, not the answer.
    if (/(?:\/|out of|outta|\bof)\s*$/.test(before) && raw === '10') continue
    if (/^\s*(?:\/|out of|outta|of)\s*10\b/.test(after)) continue
    if (amountAfter.test(after) || amountBefore.test(before)) continue
    candidates.push({ value: Number(raw), index, strong: false, decimal: raw.includes('.') })
  }
  if (candidates.length === 0) return { kind: 'none' }

  // A correction: the number after "actually", "no,", "make that", "I mean", "rather" wins.
  const correction = /\b(?:actually|make (?:it|that)|i mean|rather|no,|no\s+wait|wait|on second thought|correction|scratch that)\b/g
  let lastCorrection = -1
  for (const match of text.matchAll(correction)) lastCorrection = match.index
  let pool = candidates
  if (lastCorrection >= 0) {
    const after = candidates.filter((c) => c.index > lastCorrection)
    if (after.length > 0) pool = after.slice(-1)
  }
  const strong = pool.filter((c) => c.strong)
  if (strong.length > 0) pool = strong
  // "so maybe 8", "I'd say 8", "today 8", "now a 7": a conclusion after a story counts over the story.
  // "3, maybe 4": two numbers side by side with a hedge between is a choice, not a conclusion.
  if (pool.length === 2 && pool[0]!.value !== pool[1]!.value) {
    const between = text.slice(pool[0]!.index, pool[1]!.index)
    if (between.length <= 14 && /\b(?:maybe|or|perhaps|possibly)\b/.test(between)) {
      const options = pool.map((c) => c.value).filter((value) => value >= 1 && value <= 10)
      if (options.length === 2) return { kind: 'range', low: Math.min(...options), high: Math.max(...options) }
    }
  }
  if (pool.length > 1) {
    const concluding = pool.filter((c) => /\b(?:so|i'?d say|i would say|say|maybe|probably|today|now|overall|call it|guess|feel like)\b[^.!?\d]{0,14}$/.test(text.slice(0, c.index)))
    if (concluding.length === 1) pool = concluding
  }
  const distinct = [...new Set(pool.map((c) => c.value))]
  if (distinct.length > 1) {
    const inRange = distinct.filter((value) => value >= 1 && value <= 10)
    if (inRange.length === 1) return { kind: 'value', value: inRange[0]! }
    if (inRange.length > 1) return { kind: 'choice', options: inRange.slice(0, 3) }
    return { kind: 'out_of_range', said: distinct[0]! }
  }
  const chosen = pool[0]!
  if (chosen.decimal) {
    const low = Math.floor(chosen.value)
    const high = Math.ceil(chosen.value)
    if (low >= 1 && high <= 10) return { kind: 'range', low, high }
  }
  if (chosen.value >= 1 && chosen.value <= 10 && Number.isInteger(chosen.value)) return { kind: 'value', value: chosen.value }
  return { kind: 'out_of_range', said: chosen.value }
}

/** The rating, or null when the answer gives none or is not sure which. */
export function parseRating(answer: string | undefined): number | null {
  const reading = readRating(answer)
  return reading.kind === 'value' ? reading.value : null
}

// ─── lists ───────────────────────────────────────────────────────────────────────────

const bullet = /^\s*(?:[-*•‣◦·–—>]+|\(?\d{1,2}[.):]|\(?[a-h][.)])\s+/i
/** Words that continue a clause after a comma rather than start a new item. */
const continuing = /^(?:but|so|because|cause|cos|which|who|that|though|although|though|then|and then|or|if|when|while|unless|until|since|as|especially|even|like|such as|including|plus|too|etc|i think|i guess|maybe|really|sometimes|usually|mostly|at least|for example|e\.g)\b/i
/** An item opening with one of these runs on past its comma ("When I am tired, I skip it"). */
const subordinate = /^(?:when|if|because|although|though|since|after|before|while|unless|as soon as|once|whenever|even if|even though)\b/i

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length
}

function tidy(item: string): string {
  return item
    .replace(bullet, '')
    .replace(/^\s*(?:and|also|plus|&)\s+/i, '')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .replace(/^[\s,;:.–—-]+|[\s,;:.–—-]+$/g, '')
    .trim()
}

/** Splits one line at commas and "and" where they separate items, not clauses or pairs ("pen and paper"). */
function splitLine(line: string): string[] {
  // Inline numbering: "1) a 2) b 3) c" or "1. a 2. b".
  if (/(?:^|\s)\(?1[.)]\s+\S.*\s\(?2[.)]\s+\S/.test(line)) {
    return line.split(/(?:^|\s+)\(?\d{1,2}[.)]\s+/).map(tidy).filter(Boolean)
  }
  const pieces = line.split(/\s*,\s*/)
  const merged: string[] = []
  for (const piece of pieces) {
    const previous = merged.at(-1)
    if (previous !== undefined && (continuing.test(piece) || subordinate.test(previous) || words(piece) === 0 || /\b(?:like|such as|e\.g\.?|including)$/i.test(previous))) {
      merged[merged.length - 1] = `${previous}, ${piece}`
    } else merged.push(piece)
  }
  const commaList = merged.length >= 2
  return merged.flatMap((piece) => {
    // "a, b and c": the last "and" of a comma list separates items.
    const parts = piece.split(/\s+(?:and|&|as well as)\s+/i)
    if (parts.length === 1) return [piece]
    const allLong = parts.every((part) => words(part) >= 2)
    if ((commaList && piece === merged.at(-1)) || allLong) {
      // Keep "between 3 and 4", "black and white", or a pair of single words in a longer phrase.
      if (/\bbetween\s+\S+$/i.test(parts[0] ?? '')) return [piece]
      if (!allLong && parts.slice(0, -1).some((part) => words(part) < 1)) return [piece]
      return parts
    }
    return [piece]
  })
}

/**
 * A list from an answer: one item per line, bullet or number, or — on one line — per
 * comma, semicolon or "and" ("Run before work, join a club and ask a friend" → three).
 * A clause after a comma stays with its item ("When I am tired, I skip it").
 */
export function parseList(answer: string | undefined): string[] {
  if (!answer?.trim()) return []
  const lines = answer
    .replace(/\s+•\s+/g, '\n')
    .split(/\r?\n|;|\s+\/\s+/)
    .map((line) => line.trim())
    .filter(Boolean)
  const inlineNumbers = /(?:^|\s)\(?1[.)]\s+\S.*\s\(?2[.)]\s+\S/
  const bulleted = lines.length > 1 || lines.some((line) => bullet.test(line) && !inlineNumbers.test(line))
  return lines
    .flatMap((line) => (inlineNumbers.test(line) ? splitLine(line) : bulleted && !/,/.test(line.replace(bullet, '')) ? [line] : splitLine(line.replace(bullet, ''))))
    .map(tidy)
    .filter((item) => item && !/^(?:none|nothing|n\/a|na|no|not really|nope|-)$/i.test(item))
    .slice(0, 20)
    .map((item) => item.slice(0, 500))
}

// ─── action steps ────────────────────────────────────────────────────────────────────

/** An action step read from an answer, with what could not be pinned down. */
export interface ReadStep extends ActionStep {
  /** Time words that name no day ("in January", "soon"): guided mode asks which day. */
  vagueDate: string | null
}

const datePreposition = /(?:\b(?:by|before|on|until|till|til|due|no later than|not later than|latest by|at the latest by|from|starting|start|this coming|for|around|about|on or before)\s+(?:the\s+)?)$/i
const sequence = /\s*(?:,?\s*(?:and\s+)?then\s+|,?\s*after that,?\s+|,?\s*afterwards,?\s+|,?\s*followed by\s+|\s*→\s*|\s*->\s*)/i

/** Removes one date's words, with the "by"/"until" before it, without leaving "until" or " ," behind. */
function withoutDate(text: string, found: FoundDate): string {
  let start = found.index
  let end = found.index + found.text.length
  const before = text.slice(0, start)
  const preposition = datePreposition.exec(before)
  if (preposition) start -= preposition[0].length
  // "… on Friday at the latest", "… by Friday latest"
  const tail = /^\s*(?:at the latest|latest|or earlier|or before|or so)\b/i.exec(text.slice(end))
  if (tail) end += tail[0].length
  return `${text.slice(0, start)} ${text.slice(end)}`
}

/**
 * The text without any date the client did not give: a date in `allowed` stays, any other
 * (with its "by"/"on" before it) is taken out, and the words around it are tidied. Used on
 * what a model writes, so that a date nobody agreed cannot reach a plan (decision 020).
 */
export function withoutDatesOtherThan(text: string, allowed: ReadonlySet<string>, context: DateContext): string {
  const found = readDates(text, context).dates.filter((date) => !allowed.has(date.date))
  // Written dates chrono reads as another year ("2026-12-04" is read as it is) are covered too.
  let out = text
  for (const date of [...found].reverse()) out = withoutDate(out, date)
  out = out.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (iso) => (allowed.has(iso) ? iso : ' '))
  if (out === text) return text
  const cleaned = cleanTitle(out)
  return /[.!?]$/.test(text.trim()) && cleaned && !/[.!?]$/.test(cleaned) ? `${cleaned}.` : cleaned
}

function cleanTitle(text: string): string {
  let title = text
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/([,;:])(?=[,;:.])/g, '')
    .replace(/\s{2,}/g, ' ')
    .trim()
  // Dangling connectors where a date was: "Run until", "Draft it, then", "Call Sam and"
  for (;;) {
    const next = title
      .replace(/[\s,;:–—-]+$/g, '')
      .replace(/\s+(?:by|before|on|until|till|til|due|and|then|or|from|at|the|latest|no later than)$/i, '')
      .replace(/^[\s,;:–—-]+/g, '')
      .replace(/^(?:by|before|on|until|till|due|and|then|starting)\b[\s,]*/i, '')
    if (next === title) break
    title = next
  }
  // "I will call Sam" → "Call Sam"
  title = title.replace(/^(?:i\s+(?:will|'ll|shall|am going to|'m going to|want to|plan to|need to|have to|must|should|can)|i'll|going to|gonna|to)\s+/i, '')
  title = title.replace(/^[,;:\s]+/, '').replace(/\.$/, '')
  return title.charAt(0).toUpperCase() + title.slice(1)
}

/** Lines of an action-steps answer: one per line, bullet or number, or several on one line with their own dates. */
function stepLines(answer: string, context: DateContext): string[] {
  const lines = answer
    .split(/\r?\n|;/)
    .map((line) => line.trim())
    .filter(Boolean)
  return lines.flatMap((numbered) => {
    if (/(?:^|\s)\(?1[.)]\s+\S.*\s\(?2[.)]\s+\S/.test(numbered)) return numbered.split(/(?:^|\s+)\(?\d{1,2}[.)]\s+/).map((part) => part.trim()).filter(Boolean)
    const line = numbered.replace(bullet, '').trim()
    // Several steps on one line: split at a comma or "and" only where each side has its own date.
    const parts = line.split(/\s*,\s*(?:and\s+)?(?!then\b|after that\b|so\b|but\b|which\b)|\s+and\s+(?!then\b)/i)
    if (parts.length > 1 && parts.every((part) => words(part) >= 2 && readDates(part, context).dates.some((found) => found.anchored))) return parts
    return [line]
  })
}

/** Frequency: "three times a week", "twice a week", "every day" — a habit, checked week by week. */
const frequency = /\b((?:once|twice|thrice|\d+\s*(?:times|x)|one time|two times|three times|four times|five times|six times|seven times)\s+(?:a|per|each|every)\s+week|every\s+(?:day|morning|evening|weekday)|daily)\b/i

function proposedMilestones(line: string, title: string, dueDate: string | null, context: DateContext): StepMilestone[] {
  // A sequence the client said ("draft it, then send it to Sam"): each part, with its own date.
  const parts = line.split(sequence).map((part) => part.trim()).filter(Boolean)
  if (parts.length >= 2) {
    const milestones = parts.slice(0, 4).map((part, index) => {
      const dates = readDates(part, context).dates
      let stripped = part
      for (const found of [...dates].reverse()) stripped = withoutDate(stripped, found)
      const own = dates.at(-1)?.date ?? null
      return { title: cleanTitle(stripped).slice(0, 200) || `Part ${index + 1}`, dueDate: own }
    })
    // The step's date belongs to its last part only when no part had a date of its own.
    if (dueDate && milestones.every((milestone) => milestone.dueDate === null)) milestones[milestones.length - 1]!.dueDate = dueDate
    return milestones
  }
  // A habit until a date: a check each week, the last on the client's date.
  const habit = frequency.exec(title)
  if (habit) {
    const today = new Date(`${dueDate ?? '2000-01-01'}T00:00:00Z`)
    const start = new Date(`${readDates('today', context).dates[0]?.date ?? '2000-01-01'}T00:00:00Z`)
    const weeks = dueDate ? Math.min(4, Math.max(1, Math.ceil((today.getTime() - start.getTime()) / (7 * 86_400_000)))) : 2
    return Array.from({ length: weeks }, (_, index) => ({
      title: `Week ${index + 1}: ${title}`.slice(0, 200),
      dueDate: index === weeks - 1 ? dueDate : null,
    }))
  }
  return []
}

/**
 * Action steps from an answer: one per line, bullet, number or semicolon (or several on a
 * line, each with its own date). Each step's date is the latest day its words name, in the
 * client's time zone; the title keeps everything else ("Run three times a week", "Draft
 * the proposal, then send it to Sam"). Milestones are proposed from what the client said:
 * the parts of a sequence, or a weekly check for a habit; the client accepts or edits them
 * in the review form.
 */
export function readActionSteps(answer: string | undefined, context: DateContext): ReadStep[] {
  return stepLines(answer ?? '', context)
    .filter((line) => !/^(?:none|nothing|no|n\/a|not yet|nope)\.?$/i.test(line))
    .slice(0, 12)
    .map((line) => {
      const { dates, vague } = readDates(line, context)
      let stripped = line
      for (const found of [...dates].reverse()) stripped = withoutDate(stripped, found)
      const title = cleanTitle(stripped) || cleanTitle(line)
      const dueDate = dates.map((found) => found.date).sort().at(-1) ?? null
      const milestones = proposedMilestones(line, title, dueDate, context)
      return {
        title: title.slice(0, 200),
        description: null,
        dueDate,
        priority: null,
        milestones,
        vagueDate: dueDate ? null : (vague[0] ?? null),
      }
    })
}

export function parseActionSteps(answer: string | undefined, context: DateContext): ActionStep[] {
  return readActionSteps(answer, context).map(({ vagueDate: _vague, ...step }) => step)
}

/** "Draft the proposal — Friday 11 December 2026": how guided mode reads a step back. */
export function spokenStep(step: ActionStep): string {
  return step.dueDate ? `${step.title} — by ${spokenDate(step.dueDate)}` : `${step.title} — no date`
}

// ─── progress on an earlier action ───────────────────────────────────────────────────

type Progress = NonNullable<ActionReview['progress']>
export type ProgressReading = { kind: 'value'; value: Progress } | { kind: 'mixed'; options: Progress[] } | { kind: 'none' }

/** Phrases that contain "no"/"not" but say nothing against the action: "no problems", "nothing got in the way". */
const neutralPhrases =
  /\b(?:no|not any|without(?: any)?|zero)\s+(?:real\s+|big\s+|major\s+)?(?:problems?|issues?|trouble|worries|drama|hiccups?|complaints?|excuses?|regrets?|bother|hassle|difficult(?:y|ies)|obstacles?|blockers?)\b(?:\s+at all)?|\bnothing\s+(?:got|stood|came)\s+in\s+(?:the|my)\s+way\b|\bnot\s+(?:a|one)\s+(?:problem|issue)\b|\bno\s+doubt\b|\bnot\s+bad\b|\bnot\s+too\s+bad\b|\bno\s+way\s+i\s+(?:would|could)\s+(?:skip|miss)\b|\bcouldn'?t\s+(?:be|have been)\s+(?:happier|better|easier)\b|\bnot\s+only\b|\bnot\s+(?:that\s+)?(?:hard|difficult)\b|\bdidn'?t\s+(?:even\s+)?(?:need|have)\s+to\b|\bno\s+(?:help|reminders?)\s+needed\b/gi

const partlyPattern =
  /\b(?:partly|partially|part of it|in part|half(?:way)?|half of it|some of it|somewhat|in progress|ongoing|started|began|begun|made a start|got (?:a )?(?:start|started)|underway|not (?:quite|completely|fully|entirely|all(?: of it)?)|mostly|most of it|almost|nearly|a bit of it|bits of it|some progress|made progress|on and off|here and there|a few times|once or twice|\d+ (?:of|out of) \d+|sort of|kind of|kinda|more or less|getting there|working on it|still going|still working|still on it|in the middle of it)\b/i

/** Negated "done" verbs count as not done; other negations ("didn't enjoy it") do not. */
const negatedAction =
  /\b(?:didn'?t|did not|haven'?t|have not|hadn'?t|couldn'?t|could not|wasn'?t able to|was not able to|never)\s+(?:really\s+|even\s+|actually\s+|quite\s+|fully\s+)?(?:do|did|done|get|got|manage|managed|start|started|finish|finished|complete|completed|make|made|try|tried|happen|go|begin|book|buy|call|send|write|run|go for|touch|look at)\b|\bnot\s+(?:done|finished|completed|started|begun|happened|yet)\b|\bnot\s+at\s+all\b|\bno progress\b|\bforgot\b|\bskipped\b|\bmissed\b|\bgave up\b|\bran out of time\b|\bnone of it\b|\bnot really\b|\bnothing done\b|\bnope\b|\bnah\b/i

const donePattern =
  /\b(?:done|did it|did that|did them|did all|finished|completed|complete|accomplished|achieved|nailed it|smashed it|sorted|ticked (?:it )?off|got it done|managed it|managed to|pulled it off|all of it|every (?:single )?(?:time|day|one)|yes|yep|yeah|yup|absolutely|of course|sure did|i did)\b/i

const doneFirst = /^\W*(?:done|finished|completed|yes|yep|yeah|yup|all done|i did(?: it)?|did it|absolutely|totally done|fully done)\b/i
const partlyFirst = /^\W*(?:partly|partially|part(?:ly)? done|half(?: done)?|some|somewhat|sort of|kind of|mostly|almost|nearly|not (?:quite|completely|fully|entirely))\b/i
const notDoneFirst = /^\W*(?:not done|not yet|no\b(?!\s+(?:problems?|issues?|trouble|worries|doubt))|nope|nah|didn'?t|did not|haven'?t|have not|not at all|not really|never)\b/i

/**
 * How far an earlier action got, from the answer: done, partly or not done. The first words
 * decide when they say it ("Done, no problems at all" → done; "No, I didn't get to it" → not
 * done); otherwise the whole answer is read, with "no problems"-style phrases set aside and
 * only negated doing ("didn't get to it", not "didn't enjoy it") counted as not done. Done and
 * not done together is mixed, and guided mode asks.
 */
export function readProgress(answer: string | undefined): ProgressReading {
  const text = digitsForWords((answer ?? '').toLowerCase().replace(/[’‘]/g, "'").trim())
  if (!text) return { kind: 'none' }
  const cleaned = text.replace(neutralPhrases, ' ')
  // "two of the three runs": a count says how far it got.
  const count = /\b(\d+)\s+(?:of|out of)\s+(?:the\s+|my\s+)?(\d+)\b/.exec(cleaned)
  if (count) {
    const [done, planned] = [Number(count[1]), Number(count[2])]
    if (planned > 0 && done <= planned) return { kind: 'value', value: done === 0 ? 'not_done' : done === planned ? 'done' : 'partly' }
  }
  if (partlyFirst.test(cleaned)) return { kind: 'value', value: 'partly' }
  if (notDoneFirst.test(cleaned) && !/^\W*not\s+(?:quite|completely|fully|entirely|all)\b/.test(cleaned)) {
    // "No, but I did half" is partly.
    const rest = cleaned.replace(notDoneFirst, '').replace(/\b(?:started|start|began|begun|yet)\b/g, ' ')
    if (partlyPattern.test(rest)) return { kind: 'value', value: 'partly' }
    return { kind: 'value', value: 'not_done' }
  }
  if (doneFirst.test(cleaned)) {
    const rest = cleaned.replace(doneFirst, '')
    // "Done — well, most of it": the later words correct the first.
    if (/^\W*(?:well|mostly|apart from|except|but not|sort of|kind of|almost|nearly)\b/.test(rest) || /\b(?:except|apart from|but not all|not all of it|most of it)\b/.test(rest)) {
      return { kind: 'value', value: 'partly' }
    }
    return { kind: 'value', value: 'done' }
  }
  const partly = partlyPattern.test(cleaned) && !/\bnot\s+(?:started|begun)\b/.test(cleaned)
  const notDone = negatedAction.test(cleaned)
  const done = donePattern.test(cleaned.replace(/\b(?:not|never|didn'?t|haven'?t|hadn'?t)\s+(?:\w+\s+){0,2}?(?:done|finished|completed|complete)\b/g, ' '))
  if (partly) return { kind: 'value', value: 'partly' }
  if (notDone && done) {
    // "I did the first part but didn't finish" reads as partly; anything else, ask.
    if (/\bbut\b|\bthough\b|\bhowever\b/.test(cleaned)) return { kind: 'value', value: 'partly' }
    return { kind: 'mixed', options: ['done', 'not_done'] }
  }
  if (notDone) return { kind: 'value', value: 'not_done' }
  if (done) return { kind: 'value', value: 'done' }
  return { kind: 'none' }
}

export function parseProgress(answer: string | undefined): ActionReview['progress'] {
  const reading = readProgress(answer)
  return reading.kind === 'value' ? reading.value : null
}

// ─── confirmations ───────────────────────────────────────────────────────────────────

/** A short "yes" to a read-back: the thing read back stands. */
export function isAffirmation(answer: string): boolean {
  return /^(?:\W*(?:yes|yep|yeah|yup|correct|right|that'?s (?:right|correct|it|fine|good)|exactly|spot on|confirmed?|ok(?:ay)?|sure|perfect|good|fine|looks (?:good|right|fine)|all good|keep (?:it|them)|y|thanks?|thank you|please))+\W*$/i.test(answer.trim().replace(/[’‘]/g, "'"))
}
