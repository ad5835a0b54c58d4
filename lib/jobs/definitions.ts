import { z } from 'zod'
import { pruneAuditLog } from '../audit/retention'
import { pruneSignInState } from '../auth/housekeeping'
import type { ChatModel } from '../ai/model'
import type { Database } from '../db/database'
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
  run(deps: JobDependencies, data: Data): Promise<Record<string, unknown> | void>
}

/** A job as the queue sees it: its settings, and `perform`, which checks the data it is given and runs. */
export interface Job<Data = unknown> {
  readonly name: string
  readonly retry: { limit: number; delaySeconds: number }
  readonly expireInSeconds: number
  readonly schedule?: string
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
  async run({ db, ai }, { now }) {
    return writeDueReviews({ db, ai }, now ? { now: new Date(now) } : {})
  },
})

/** Every job the worker runs. */
export const jobs: readonly Job[] = [authHousekeeping, completePastWeeksJob, auditRetention, weeklyReviewsJob]
