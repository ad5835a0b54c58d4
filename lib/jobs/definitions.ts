import { z } from 'zod'
import { pruneAuditLog } from '../audit/retention'
import { pruneSignInState } from '../auth/housekeeping'
import type { ChatModel } from '../ai/model'
import type { Database } from '../db/database'
import { emailPendingMessages } from '../messages/messages'
import { sendDueDigests, type DigestMail } from '../reminders/email-digest'
import { completePastWeeks } from '../weekly/plans'
import { writeDueReviews } from '../weekly/review'

/**
 * The background and scheduled jobs, one entry each: the queue it runs on (declared in a
 * migration, like any table; tests/integration/jobs.test.ts checks the two agree), what its
 * data must look like, how it is retried, when it runs by itself, and what it does.
 *
 * A job must be safe to run twice (a retry after a crash, or two workers): it writes only
 * what it owns, keyed so a second run changes nothing (docs/decisions/025).
 */

export interface JobDependencies {
  db: Database
  /** The model, when one is configured; jobs that write words fall back to the numbers without it. */
  ai: ChatModel | null
  /** SMTP, links and the signing key for emails the jobs send (messages, the digest); null without SMTP_URL. */
  mail?: DigestMail | null
  log: (line: string) => void
}

interface JobDefinition<Data> {
  /** The queue's name, as the migration creates it. */
  name: string
  /** Data that does not fit fails the job at once, with the reason recorded. */
  data: z.ZodType<Data>
  /** Tries after the first, with exponential backoff from `delaySeconds`. */
  retry: { limit: number; delaySeconds: number }
  /** Expected to finish within this, or it is failed (and retried). */
  expireInSeconds: number
  /** Runs by itself on this cron schedule (UTC), besides when something sends it. */
  schedule?: string
  /** The tables it writes (schema.table): all it owns, and nothing else (tests/integration/job-writes.test.ts). */
  writes: readonly string[]
  run(deps: JobDependencies, data: Data): Promise<Record<string, unknown> | void>
}

/** A job as the queue sees it: its settings, and `perform`, which checks the data it is given and runs. */
export interface Job<Data = unknown> {
  readonly name: string
  readonly retry: { limit: number; delaySeconds: number }
  readonly expireInSeconds: number
  readonly schedule?: string
  readonly writes: readonly string[]
  readonly data: z.ZodType<Data>
  perform(deps: JobDependencies, data: unknown): Promise<Record<string, unknown> | void>
}

function defineJob<Data>(definition: JobDefinition<Data>): Job<Data> {
  const { run, ...settings } = definition
  return {
    ...settings,
    perform: (deps, data) => run(deps, definition.data.parse(data)),
  }
}

export const authHousekeeping = defineJob({
  name: 'auth-housekeeping',
  data: z.object({}),
  retry: { limit: 3, delaySeconds: 30 },
  expireInSeconds: 300,
  schedule: '17 * * * *', // hourly, off the hour
  writes: ['private.login_sessions', 'private.password_reset_tokens', 'private.auth_attempts'],
  async run({ db }) {
    return { ...(await pruneSignInState(db)) }
  },
})

/** Weekly plans whose week is over where the client lives become completed (issue 13). */
export const completePastWeeksJob = defineJob({
  name: 'complete-past-weeks',
  data: z.object({}),
  retry: { limit: 3, delaySeconds: 60 },
  expireInSeconds: 300,
  // Hourly: a week ends at midnight in each client's own zone, and zones are an hour apart at most.
  schedule: '5 * * * *',
  writes: ['public.weekly_plans'],
  async run({ db }) {
    return completePastWeeks(db)
  },
})

/**
 * Removes audit entries older than the retention setting (private.audit_settings, 400 days
 * unless changed; never under a year). Only older rows go, so a second run removes nothing.
 */
export const auditRetention = defineJob({
  name: 'audit-retention',
  data: z.object({}),
  retry: { limit: 3, delaySeconds: 60 },
  expireInSeconds: 900,
  schedule: '41 3 * * *', // daily, at a quiet hour (UTC)
  writes: ['public.audit_log'],
  async run({ db }) {
    return { removed: await pruneAuditLog(db) }
  },
})

/**
 * Weekly reviews (issue 13): every client with a logged session in a week that has ended
 * where they live gets that week's review, once per inputs. A failed model call fails the
 * job before anything is written; it is retried with backoff and, after the last try,
 * kept as failed where `npm run jobs` shows it.
 */
export const weeklyReviewsJob = defineJob({
  name: 'weekly-reviews',
  // `now`: when the run counts as happening (the schedule sends none: the real time); a late rerun, or a test, passes a later one.
  data: z.object({ now: z.iso.datetime().optional() }),
  retry: { limit: 3, delaySeconds: 120 },
  expireInSeconds: 1800,
  schedule: '25 * * * *', // hourly: a week ends at midnight in each client's own zone
  writes: ['public.weekly_reviews'],
  async run({ db, ai }, { now }) {
    return writeDueReviews({ db, ai }, now ? { now: new Date(now) } : {})
  },
})

/**
 * The weekly email digest (issue 13, point 6; decision 029): people who turned it on get one
 * email on Monday from 07:00 where they live. Each week is claimed (public.email_digests_sent)
 * before its email goes out, so a second run or a retry sends nothing twice; a failed send
 * gives its claim back and fails the job after the others, and the retry sends it.
 */
export const emailDigestJob = defineJob({
  name: 'email-digest',
  data: z.object({}),
  retry: { limit: 3, delaySeconds: 300 },
  expireInSeconds: 1800,
  schedule: '2 * * * *', // hourly: Monday 07:00 comes an hour apart around the world
  writes: ['public.email_digests_sent'],
  async run({ db, mail }) {
    return { ...(await sendDueDigests({ db, mail: mail ?? null })) }
  },
})

/**
 * Messages (issue 13, point 5) emailed to their recipients when SMTP is configured: every
 * minute, the ones not emailed yet, each stamped as it goes so none is sent twice.
 */
export const messageEmailsJob = defineJob({
  name: 'message-emails',
  data: z.object({}),
  retry: { limit: 3, delaySeconds: 30 },
  expireInSeconds: 300,
  schedule: '* * * * *',
  writes: ['public.messages'],
  async run({ db, mail }) {
    return emailPendingMessages(db, { mail: mail ?? null })
  },
})

/** Every job the worker runs. */
export const jobs: readonly Job[] = [authHousekeeping, completePastWeeksJob, auditRetention, weeklyReviewsJob, emailDigestJob, messageEmailsJob]
