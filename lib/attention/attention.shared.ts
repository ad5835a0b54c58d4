import { formatDate } from '../dates.shared'
import { messageBodySchema } from '../messages/messages.shared'
import { z } from '../zod.shared'

/**
 * "Needs attention" (issue 13, point 5; docs/decisions/028): the rules that turn what the
 * database counted about a client (lib/attention/needs-attention.ts) into the reasons a
 * coach sees, and the follow-up message drafted for each client. Pure, so the thresholds
 * are tested exactly where they bite; the numbers come from SQL, never from a model.
 */

export const attentionReasons = ['crisis_pause', 'low_rating', 'adherence_drop', 'overdue', 'inactive'] as const
export type AttentionReason = (typeof attentionReasons)[number]

export const attentionThresholds = {
  /** Flagged when the 7-day share of planned sessions done is this far (or more) below the 30-day share. */
  adherenceDrop: 0.3,
  /** …and the last 7 days had at least this many planned sessions due (one missed session is not a trend). */
  adherenceMinDueInWeek: 2,
  /** A readiness or session-value rating at or below this (out of 10). */
  lowRating: 3,
} as const

/** What SQL counted about one client of the coach's, in one program, at `now`. */
export interface ClientSignals {
  clientId: string
  clientName: string
  programId: string
  programName: string
  timeZone: string
  /** The program's "no activity for N days" setting. */
  inactivityDays: number
  joinedAt: string
  /** Planned sessions due in the last 7 and 30 days, and how many of them are done. */
  due7: number
  done7: number
  due30: number
  done30: number
  /** The latest planned session of the last 7 days not done. */
  lastMissedAt: string | null
  /** Planned sessions past their due date, not done (last 30 days), the latest first. */
  overdueSessions: { count: number; latestTitle: string | null; latestDueAt: string | null }
  /** Action plans past their end date, not completed (last 30 days), the latest first; `overdueSince` is when the latest became overdue (its end date's midnight where the client lives). */
  overduePlans: { count: number; latestTitle: string | null; latestDueDate: string | null; overdueSince: string | null }
  /** The latest session started or completed, or measure recorded, that the coach can see. */
  lastActivityAt: string | null
  /** The lowest readiness or session-value rating of the last 14 days, when it is low. */
  lowRating: { sessionId: string; title: string; field: 'readinessScore' | 'sessionValueRating'; value: number; at: string } | null
  /** A shared session paused because something the client wrote signalled a crisis. */
  crisis: { sessionId: string; title: string; pausedAt: string } | null
  /** When the coach last dismissed each reason for this client. */
  dismissedAt: Partial<Record<AttentionReason, string>>
}

export interface AttentionItem {
  reason: AttentionReason
  /** When the newest evidence for it happened: a dismissal after this hides the item until there is newer. */
  since: string
  /** The reason in a sentence, for the coach. */
  text: string
  /** Where the coach can look (a session), when there is one place. */
  sessionId?: string
}

export interface ClientNeedingAttention {
  clientId: string
  clientName: string
  programId: string
  programName: string
  items: AttentionItem[]
  /** A follow-up message to the client the coach can edit and send. */
  draft: string
}

const dayMs = 24 * 3600 * 1000
const percent = (share: number) => `${Math.round(share * 100)}%`
const ratingLabel = { readinessScore: 'readiness', sessionValueRating: 'how valuable the session was' } as const

/** Whole days from `since` to `now`. */
export function daysBetween(since: string, now: Date): number {
  return Math.floor((now.getTime() - new Date(since).getTime()) / dayMs)
}

/** The reasons a client needs attention at `now`, before dismissals, most urgent first. */
export function attentionItems(signals: ClientSignals, now: Date): AttentionItem[] {
  const items: AttentionItem[] = []
  const { crisis, lowRating, overdueSessions, overduePlans } = signals
  const day = (value: string) => formatDate(value, { timeZone: signals.timeZone })

  if (crisis) {
    items.push({
      reason: 'crisis_pause',
      since: crisis.pausedAt,
      text: `“${crisis.title}” paused on ${day(crisis.pausedAt)}: something they wrote signalled a crisis, and support resources were shown.`,
      sessionId: crisis.sessionId,
    })
  }
  if (lowRating && lowRating.value <= attentionThresholds.lowRating) {
    items.push({
      reason: 'low_rating',
      since: lowRating.at,
      text: `Rated ${ratingLabel[lowRating.field]} ${lowRating.value} out of 10 in “${lowRating.title}” (${day(lowRating.at)}).`,
      sessionId: lowRating.sessionId,
    })
  }
  const drop = adherenceDrop(signals)
  if (drop) {
    items.push({
      reason: 'adherence_drop',
      since: signals.lastMissedAt ?? now.toISOString(),
      text: `Adherence dropped: ${signals.done7} of ${signals.due7} planned sessions done in the last 7 days (${percent(drop.week)}), against ${percent(drop.month)} over 30 days.`,
    })
  }
  if (overdueSessions.count + overduePlans.count > 0) {
    const parts: string[] = []
    if (overdueSessions.count > 0) {
      parts.push(
        `“${overdueSessions.latestTitle}” was due ${day(overdueSessions.latestDueAt!)}` +
          (overdueSessions.count > 1 ? ` (and ${overdueSessions.count - 1} more session${overdueSessions.count > 2 ? 's' : ''})` : ''),
      )
    }
    if (overduePlans.count > 0) {
      parts.push(
        `the plan “${overduePlans.latestTitle}” was due ${formatDate(overduePlans.latestDueDate!, { timeZone: 'UTC' })}` +
          (overduePlans.count > 1 ? ` (and ${overduePlans.count - 1} more plan${overduePlans.count > 2 ? 's' : ''})` : ''),
      )
    }
    const sentence = parts.join('; ')
    items.push({
      reason: 'overdue',
      since: latest([overdueSessions.latestDueAt, overduePlans.overdueSince]) ?? now.toISOString(),
      text: `Overdue: ${sentence}.`,
    })
  }
  const activeSince = latest([signals.lastActivityAt, signals.joinedAt])!
  const idleDays = daysBetween(activeSince, now)
  if (idleDays >= signals.inactivityDays) {
    items.push({
      reason: 'inactive',
      since: activeSince,
      text: signals.lastActivityAt
        ? `No activity for ${idleDays} days: the last was on ${day(signals.lastActivityAt)} (this program flags ${signals.inactivityDays} days).`
        : `No activity in the ${idleDays} days since they joined (this program flags ${signals.inactivityDays} days).`,
    })
  }
  return items
}

/** The 7-day and 30-day shares when the drop between them reaches the threshold; null otherwise. */
export function adherenceDrop(signals: Pick<ClientSignals, 'due7' | 'done7' | 'due30' | 'done30'>): { week: number; month: number } | null {
  if (signals.due7 < attentionThresholds.adherenceMinDueInWeek || signals.due30 === 0) return null
  const week = signals.done7 / signals.due7
  const month = signals.done30 / signals.due30
  // In whole tenths of a percent, so 80% − 50% counts as exactly 30 points.
  return Math.round((month - week) * 1000) >= Math.round(attentionThresholds.adherenceDrop * 1000) ? { week, month } : null
}

/** The items still to show: those with evidence newer than the coach's last dismissal of their reason. */
export function notDismissed(items: AttentionItem[], dismissedAt: ClientSignals['dismissedAt']): AttentionItem[] {
  return items.filter((item) => {
    const dismissed = dismissedAt[item.reason]
    return !dismissed || new Date(item.since).getTime() > new Date(dismissed).getTime()
  })
}

/**
 * A follow-up to the client, in the coach's voice, from the reasons: warm, specific, and
 * asking rather than telling. A crisis pause gets a message of its own — nothing about
 * missed sessions goes with it.
 */
export function draftFollowUp(clientName: string, items: AttentionItem[], signals: ClientSignals): string {
  const firstName = clientName.trim().split(/\s+/)[0] || clientName
  const day = (value: string) => formatDate(value, { timeZone: signals.timeZone })
  const greeting = `Hi ${firstName},`
  if (items.some((item) => item.reason === 'crisis_pause') && signals.crisis) {
    return [
      greeting,
      `I saw that our session “${signals.crisis.title}” paused to show you support resources. I wanted to check in with you: how are you doing?`,
      'There is no rush to pick the session up again. If you are in danger right now, please call your local emergency number.',
      'I am here whenever you want to talk.',
    ].join('\n\n')
  }
  const lines: string[] = []
  for (const item of items) {
    switch (item.reason) {
      case 'low_rating':
        if (signals.lowRating) {
          lines.push(
            `I noticed you rated ${ratingLabel[signals.lowRating.field]} ${signals.lowRating.value} out of 10 in “${signals.lowRating.title}”. What made it hard? If something needs to change, tell me and we will change it.`,
          )
        }
        break
      case 'adherence_drop':
        lines.push(
          `This last week looked different from the weeks before: ${signals.done7} of ${signals.due7} planned sessions done. No judgement — what got in the way? We can make the plan fit the week you actually have.`,
        )
        break
      case 'overdue':
        if (signals.overdueSessions.count > 0) {
          lines.push(
            `“${signals.overdueSessions.latestTitle}” (due ${day(signals.overdueSessions.latestDueAt!)}) is still open. Is it still the right session for you, or shall we move it or change what it asks?`,
          )
        } else if (signals.overduePlans.count > 0) {
          lines.push(`Your plan “${signals.overduePlans.latestTitle}” has passed its date. Shall we look at it together and set a date that works?`)
        }
        break
      case 'inactive':
        lines.push(`It has been a while since we last heard from you. How are things going? Would a short session this week help you get back into it?`)
        break
    }
  }
  return [greeting, ...lines, 'Reply here whenever suits you.'].join('\n\n')
}

/** A client's reasons still to show, and the draft; null when nothing needs attention. */
export function needsAttention(signals: ClientSignals, now: Date): ClientNeedingAttention | null {
  const items = notDismissed(attentionItems(signals, now), signals.dismissedAt)
  if (items.length === 0) return null
  return {
    clientId: signals.clientId,
    clientName: signals.clientName,
    programId: signals.programId,
    programName: signals.programName,
    items,
    draft: draftFollowUp(signals.clientName, items, signals),
  }
}

function latest(values: (string | null)[]): string | null {
  const known = values.filter((value): value is string => value !== null)
  if (known.length === 0) return null
  return known.reduce((a, b) => (new Date(a).getTime() >= new Date(b).getTime() ? a : b))
}


// ─── the forms ───────────────────────────────────────────────────────────────────────

const personId = z.uuid('That is not one of your clients.')
const reasonList = z
  .union([z.enum(attentionReasons), z.array(z.enum(attentionReasons))], { error: 'That is not a reason this list shows.' })
  .transform((value) => (Array.isArray(value) ? value : [value]))

/** The needs-attention card's two buttons: send the follow-up (which also clears the reasons it answers), or dismiss them. */
export const attentionForm = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('follow-up'), clientId: personId, programId: personId, reasons: reasonList, messageId: z.uuid('Reload the page and send it again.'), body: messageBodySchema }),
  z.object({ intent: z.literal('dismiss'), clientId: personId, programId: personId, reasons: reasonList }),
])
