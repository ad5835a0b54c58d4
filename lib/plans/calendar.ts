import { createHash, randomBytes } from 'node:crypto'
import type { Database } from '../db/database'

/**
 * A private iCalendar feed of a user's action-plan and milestone due dates, at a secret
 * URL their calendar app subscribes to — so reminders land where people already look.
 * Only a hash of the URL's token is stored; resetting it makes the old URL stop working.
 */

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

export async function hasCalendarFeed(db: Database, { userId }: { userId: string }): Promise<boolean> {
  const rows = await db.asUser(userId, (tx) => tx.query('select 1 from public.calendar_feeds where user_id = $1', [userId]))
  return rows.length > 0
}

/** Creates the feed, or replaces its token: returns the new token (shown once, in the URL). */
export async function resetCalendarFeed(db: Database, { userId }: { userId: string }): Promise<string> {
  const token = randomBytes(24).toString('base64url')
  await db.asUser(userId, (tx) =>
    tx.query(
      `insert into public.calendar_feeds (user_id, token_hash) values ($1, $2)
       on conflict (user_id) do update set token_hash = excluded.token_hash, created_at = now()`,
      [userId, hashToken(token)],
    ),
  )
  return token
}

export async function removeCalendarFeed(db: Database, { userId }: { userId: string }): Promise<void> {
  await db.asUser(userId, (tx) => tx.query('delete from public.calendar_feeds where user_id = $1', [userId]))
}

interface DueItem {
  uid: string
  date: string
  summary: string
  description: string
}

/**
 * The feed for a token, or null if no feed has that token. The token is the credential of
 * a calendar app with no session: the database answers with the due dates its owner can
 * see, and nothing else (not even whose feed it is).
 */
export async function calendarFeed(db: Database, { token, now = new Date() }: { token: string; now?: Date }): Promise<string | null> {
  if (token.length > 200) return null
  const { known, entries } = await db.asAnonymous(async (tx) => {
    const [feed] = await tx.query<{ known: boolean }>('select public.calendar_feed_exists($1) as known', [token])
    if (!feed?.known) return { known: false, entries: [] }
    return {
      known: true,
      entries: await tx.query<{ kind: string; item_id: string; title: string; plan_title: string; description: string; completed: boolean; due_on: string }>(
        'select kind, item_id, title, plan_title, description, completed, due_on from public.calendar_feed_entries($1)',
        [token],
      ),
    }
  })
  if (!known) return null
  const items = entries.map<DueItem>((entry) => {
    const done = entry.completed ? '✓ ' : ''
    switch (entry.kind) {
      case 'action_plan':
        return { uid: `action-plan-${entry.item_id}@stagecoach`, date: entry.due_on, summary: `${done}Due: ${entry.title}`, description: entry.description }
      case 'milestone':
        return { uid: `milestone-${entry.item_id}@stagecoach`, date: entry.due_on, summary: `${done}Milestone: ${entry.title}`, description: `Part of: ${entry.plan_title}` }
      case 'session':
        return { uid: `session-${entry.item_id}@stagecoach`, date: entry.due_on, summary: `${done}Session: ${entry.title}`, description: '' }
      default:
        return { uid: `week-${entry.item_id}@stagecoach`, date: entry.due_on, summary: `${done}Week planned by your coach`, description: entry.description }
    }
  })
  return renderCalendar(items, now)
}

/**
 * Escapes TEXT values (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash,
 * and every kind of line break — CRLF, a bare CR or LF, VT, FF, NEL, U+2028, U+2029 —
 * becomes the two characters `\\n`. Other control characters are dropped. So no value can
 * end its content line early: parsers that split on any line break see the same lines.
 */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/g, '\\n')
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g, '')
}

/** Folds content lines longer than 75 octets (RFC 5545 §3.1), never splitting a character. */
function fold(line: string): string {
  const parts: string[] = []
  let current = ''
  let octets = 0
  for (const char of line) {
    const size = Buffer.byteLength(char)
    if (octets + size > (parts.length === 0 ? 75 : 74)) {
      parts.push(current)
      current = ''
      octets = 0
    }
    current += char
    octets += size
  }
  parts.push(current)
  return parts.join('\r\n ')
}

function basicDate(isoDate: string): string {
  return isoDate.replaceAll('-', '')
}

function nextDay(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + 1)
  return date.toISOString().slice(0, 10)
}

export function renderCalendar(items: DueItem[], now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Stagecoach//Action plans//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:Stagecoach action plans',
    ...items.flatMap((item) => [
      'BEGIN:VEVENT',
      `UID:${item.uid}`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${basicDate(item.date)}`,
      `DTEND;VALUE=DATE:${basicDate(nextDay(item.date))}`,
      `SUMMARY:${escapeText(item.summary)}`,
      ...(item.description ? [`DESCRIPTION:${escapeText(item.description)}`] : []),
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
  ]
  return `${lines.map(fold).join('\r\n')}\r\n`
}
