import type { Database, Tx } from '../db/database'
import type { Env } from '../env'
import { createMailer, type Mailer } from '../mail/mailer'
import { countOf } from '../words.shared'
import { weekStartIn } from '../weekly/weeks.shared'
import { isoDateInZone } from '../dates.shared'
import { digestHour } from './digest.shared'
import { unsubscribeToken } from './unsubscribe-token'

/**
 * The weekly email digest (issue 13, point 6; docs/decisions/029-a-weekly-email-digest.md):
 * for people who turned it on, on Monday from 07:00 in their own time zone, one plain-text
 * email with what is due in the week — their weekly plan, sessions due or overdue, action
 * plans due or overdue, and last week's review once it is theirs to read — with links into
 * the app and an unsubscribe link that works without signing in.
 *
 * The job picks people and claims each week as the service (it must see across people), and
 * writes only its own rows (public.email_digests_sent); what goes into a person's email is
 * read *as that person*, so row-level security decides what it may hold, exactly as their
 * own pages would. A week's claim is committed before the email is sent: at most one digest
 * per person and week, whatever runs twice or is retried.
 */

/** What the job needs to send: a mailer, where links point, and the key that signs unsubscribe links. */
export interface DigestMail {
  mailer: Mailer
  appUrl: string
  /** The app's session secret (lib/auth/session-secret.ts). */
  secret: string
}

/** The digest's mail settings, or null when SMTP_URL is not set (then there is no digest). */
export function digestMailFrom(env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM' | 'appUrl'>, secret: string): DigestMail | null {
  const mailer = createMailer(env)
  return mailer ? { mailer, appUrl: env.appUrl, secret } : null
}

// ─── the person's setting ────────────────────────────────────────────────────────────

export async function getDigestSetting(db: Database, { userId }: { userId: string }): Promise<{ weekly: boolean }> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ weekly: boolean }>('select weekly from public.email_digest_settings where user_id = $1', [userId]),
  )
  return { weekly: row?.weekly ?? false }
}

/** Turns the weekly digest on or off for the person (as them: only they may). */
export async function setDigestSetting(db: Database, { userId, weekly }: { userId: string; weekly: boolean }): Promise<void> {
  await db.asUser(userId, (tx) =>
    tx.query(
      `insert into public.email_digest_settings (user_id, weekly) values ($1, $2)
       on conflict (user_id) do update set weekly = excluded.weekly, updated_at = now()`,
      [userId, weekly],
    ),
  )
}

/**
 * The unsubscribe link's POST: once its signature is checked, it acts as the person it was
 * made for, like their own settings page. Nothing to change (never turned on, account gone)
 * is no error: they get no digest either way.
 */
export async function unsubscribeFromDigest(db: Database, { userId }: { userId: string }): Promise<void> {
  await db.asUser(userId, (tx) =>
    tx.query('update public.email_digest_settings set weekly = false, updated_at = now() where user_id = $1 and weekly', [userId]),
  )
}

// ─── what a digest holds ─────────────────────────────────────────────────────────────

export interface DigestContent {
  displayName: string
  timeZone: string
  weekStart: string
  plan: { note: string; items: { day: string; title: string; sessionId: string | null; done: boolean }[] } | null
  sessions: { id: string; title: string; dueOn: string; overdue: boolean }[]
  actionPlans: { id: string; title: string; dueOn: string; overdue: boolean }[]
  /** Last week's review, when the person may read it (released by the coach, or theirs alone). */
  review: { weekStart: string; adherence: number | null } | null
}

export function digestItemCount(content: DigestContent): number {
  return (content.plan?.items.length ?? 0) + content.sessions.length + content.actionPlans.length + (content.review ? 1 : 0)
}

/**
 * The week's digest for `userId`, read in a transaction *as that person* (so only what
 * they may read), of their own records only (a coach's RLS also shows clients' rows).
 */
export async function readDigest(tx: Tx, { userId, weekStart, now }: { userId: string; weekStart: string; now: Date }): Promise<DigestContent> {
  const [profile] = await tx.query<{ display_name: string; timezone: string }>(
    'select display_name, timezone from public.profiles where id = $1',
    [userId],
  )
  const timeZone = profile?.timezone ?? 'UTC'
  const today = isoDateInZone(now, timeZone)
  const [plan] = await tx.query<{ note: string; items: { day: string; title: string; session_id: string | null; done: boolean }[] }>(
    `select w.note,
            coalesce(jsonb_agg(jsonb_build_object('day', i.day::text, 'title', i.title, 'session_id', i.session_id, 'done', s.completed_at is not null)
                     order by i.day, i.position) filter (where i.id is not null), '[]'::jsonb) as items
     from public.weekly_plans w
     left join public.weekly_plan_items i on i.plan_id = w.id
     left join public.coaching_sessions s on s.id = i.session_id
     where w.client_id = $1 and w.week_start = $2::date and w.status = 'active'
     group by w.id, w.note, w.version
     order by w.version desc limit 1`,
    [userId, weekStart],
  )
  const plannedSessions = new Set((plan?.items ?? []).flatMap((item) => (item.session_id ? [item.session_id] : [])))
  // Sessions due this week, and those due in the four weeks before that are still open.
  const sessions = await tx.query<{ id: string; title: string; due_on: string; overdue: boolean }>(
    `select s.id, s.title, (s.due_at at time zone $3)::date::text as due_on, s.due_at < $4::timestamptz as overdue
     from public.coaching_sessions s
     where s.user_id = $1 and s.due_at is not null and s.completed_at is null and s.cancelled_at is null
       and s.due_at >= ($2::date - 28)::timestamp at time zone $3
       and s.due_at < ($2::date + 7)::timestamp at time zone $3
     order by s.due_at, s.id
     limit 30`,
    [userId, weekStart, timeZone, now.toISOString()],
  )
  const actionPlans = await tx.query<{ id: string; title: string; due_on: string; overdue: boolean }>(
    `select a.id, a.title, a.timeline_end::text as due_on, a.timeline_end < $3::date as overdue
     from public.action_plans a
     where a.user_id = $1 and a.status <> 'completed' and a.timeline_end is not null and a.timeline_end <= $2::date + 6
     order by a.timeline_end, a.id
     limit 20`,
    [userId, weekStart, today],
  )
  const [review] = await tx.query<{ week_start: string; adherence: number | null }>(
    `select r.week_start::text as week_start, r.adherence::float8 as adherence
     from public.weekly_reviews r where r.client_id = $1 and r.week_start = $2::date - 7`,
    [userId, weekStart],
  )
  return {
    displayName: profile?.display_name ?? '',
    timeZone,
    weekStart,
    plan: plan ? { note: plan.note, items: plan.items.map((item) => ({ day: item.day, title: item.title, sessionId: item.session_id, done: item.done })) } : null,
    sessions: sessions.filter((s) => !plannedSessions.has(s.id)).map((s) => ({ id: s.id, title: s.title, dueOn: s.due_on, overdue: s.overdue })),
    actionPlans: actionPlans.map((a) => ({ id: a.id, title: a.title, dueOn: a.due_on, overdue: a.overdue })),
    review: review ? { weekStart: review.week_start, adherence: review.adherence } : null,
  }
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()
const dayLabel = (isoDate: string) =>
  new Date(`${isoDate}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' })
const longDate = (isoDate: string) =>
  new Date(`${isoDate}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })

/** The email: a subject and plain text, every link absolute (appUrl). Pure. */
export function composeDigest(content: DigestContent, { appUrl, unsubscribeUrl }: { appUrl: string; unsubscribeUrl: string }): { subject: string; text: string } {
  const count = digestItemCount(content)
  const lines: string[] = [`Hello ${oneLine(content.displayName) || 'there'},`, '', `Here is your week on Stagecoach, from ${longDate(content.weekStart)}.`]
  if (content.plan) {
    lines.push('', 'YOUR PLAN FOR THE WEEK')
    for (const item of content.plan.items) {
      lines.push(`  ${dayLabel(item.day)}  ${oneLine(item.title)}${item.done ? ' (done)' : ''}${item.sessionId ? `  ${appUrl}/sessions/${item.sessionId}` : ''}`)
    }
    if (content.plan.items.length === 0) lines.push('  Your coach has planned the week; nothing is on a day yet.')
    if (content.plan.note.trim()) lines.push(`  Note from your coach: ${oneLine(content.plan.note)}`)
    lines.push(`  The whole week: ${appUrl}/week`)
  }
  if (content.sessions.length > 0) {
    lines.push('', 'SESSIONS DUE')
    for (const s of content.sessions) lines.push(`  ${dayLabel(s.dueOn)}  ${oneLine(s.title)}${s.overdue ? ' (overdue)' : ''}  ${appUrl}/sessions/${s.id}`)
  }
  if (content.actionPlans.length > 0) {
    lines.push('', 'ACTION PLANS DUE OR OVERDUE')
    for (const a of content.actionPlans) lines.push(`  ${dayLabel(a.dueOn)}  ${oneLine(a.title)}${a.overdue ? ' (overdue)' : ''}  ${appUrl}/action-plans/${a.id}`)
  }
  if (content.review) {
    const adherence = content.review.adherence === null ? '' : ` You did ${Math.round(content.review.adherence * 100)}% of what was planned.`
    lines.push('', 'LAST WEEK’S REVIEW', `  Your review of the week from ${dayLabel(content.review.weekStart)} is ready.${adherence}`, `  Read it: ${appUrl}/week?start=${content.review.weekStart}`)
  }
  lines.push(
    '',
    '--',
    'You get this email because you turned on the weekly digest in Stagecoach.',
    `Your settings: ${appUrl}/settings`,
    `Unsubscribe (no sign-in needed): ${unsubscribeUrl}`,
  )
  return { subject: `Your week on Stagecoach: ${countOf(count, 'thing')} from ${dayLabel(content.weekStart)}`, text: `${lines.join('\n')}\n` }
}

// ─── the job ─────────────────────────────────────────────────────────────────────────

export interface DigestRun {
  sent: number
  /** Claimed, but nothing was due: no email. */
  empty: number
  /** Already claimed for this week by an earlier run (or another worker). */
  alreadyClaimed: number
  failed: number
  /** No SMTP_URL: the job has nothing to do. */
  noMail?: true
}

/**
 * The hourly job: everyone who turned the digest on, whose Monday has reached digestHour
 * where they live and who has no digest for this week yet. For each: claim the week
 * (committed first), read what is due as them, send, mark it sent. A failed send gives the
 * claim back and fails the job after the others, so its retry sends that one; a crash
 * between claim and send skips that week's digest rather than risk a second.
 */
export async function sendDueDigests({ db, mail }: { db: Database; mail: DigestMail | null }, { now = new Date() }: { now?: Date } = {}): Promise<DigestRun> {
  const run: DigestRun = { sent: 0, empty: 0, alreadyClaimed: 0, failed: 0 }
  if (!mail) return { ...run, noMail: true }
  const due = await db.asService((tx) =>
    tx.query<{ user_id: string; email: string; timezone: string }>(
      `select s.user_id, u.email::text as email, coalesce(p.timezone, 'UTC') as timezone
       from public.email_digest_settings s
       join public.profiles p on p.id = s.user_id
       join auth.users u on u.id = s.user_id
       cross join lateral (select $1::timestamptz at time zone coalesce(p.timezone, 'UTC') as local_time) l
       where s.weekly and u.email is not null
         and extract(isodow from l.local_time) = 1 and extract(hour from l.local_time) >= $2
         and not exists (
           select 1 from public.email_digests_sent d
           where d.user_id = s.user_id and d.period_start = date_trunc('week', l.local_time)::date
         )
       order by s.user_id
       limit 5000`,
      [now.toISOString(), digestHour],
    ),
  )
  const failures: string[] = []
  for (const person of due) {
    const weekStart = weekStartIn(now, person.timezone)
    // The claim: one row per person and week, committed before anything is sent, and only
    // while the digest is still on (they may have unsubscribed since the list was read).
    const claimed = await db.asService((tx) =>
      tx.query(
        `insert into public.email_digests_sent (user_id, period_start)
         select $1::uuid, $2::date where exists (select 1 from public.email_digest_settings where user_id = $1::uuid and weekly)
         on conflict (user_id, period_start) do nothing
         returning user_id`,
        [person.user_id, weekStart],
      ),
    )
    if (claimed.length === 0) {
      run.alreadyClaimed += 1
      continue
    }
    let count = 0
    try {
      const content = await db.asUser(person.user_id, (tx) => readDigest(tx, { userId: person.user_id, weekStart, now }))
      count = digestItemCount(content)
      if (count > 0) {
        const unsubscribeUrl = `${mail.appUrl}/unsubscribe/${unsubscribeToken(mail.secret, person.user_id)}`
        const { subject, text } = composeDigest(content, { appUrl: mail.appUrl, unsubscribeUrl })
        await mail.mailer.send({
          to: person.email,
          subject,
          text,
          headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        })
      }
    } catch (error) {
      // Not sent: give the claim back, so the job's retry (or the next hourly run) sends it.
      await db.asService((tx) =>
        tx.query(`delete from public.email_digests_sent where user_id = $1 and period_start = $2 and status = 'claimed'`, [person.user_id, weekStart]),
      )
      run.failed += 1
      failures.push(error instanceof Error ? error.message : String(error))
      continue
    }
    await db.asService((tx) =>
      tx.query(
        `update public.email_digests_sent
         set status = $3::text, item_count = $4, sent_at = case when $3::text = 'sent' then now() end
         where user_id = $1 and period_start = $2::date`,
        [person.user_id, weekStart, count > 0 ? 'sent' : 'empty', count],
      ),
    )
    if (count > 0) run.sent += 1
    else run.empty += 1
  }
  if (failures.length > 0) {
    throw new Error(`The digest could not be sent to ${countOf(failures.length, 'person', 'people')} (sent ${run.sent}): ${failures[0]}`)
  }
  return run
}
