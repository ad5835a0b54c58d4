/**
 * Helpers for bench/action-plans.ts: bulk-load a large, realistic set of action plans
 * straight into the database (as the service, in a few set-based statements), capture
 * the exact SQL `listActionPlans` runs, and EXPLAIN it as the signed-in user.
 *
 * Everything generated is deterministic (ids and "random" choices come from md5 of a
 * counter), so the PGlite and Postgres-server targets hold the same rows and the same
 * filters match the same number of plans on both.
 */
import type { Database, Tx } from '../../lib/db/database'

// ---------------------------------------------------------------------------------------
// Vocabulary: small on purpose, so searches and filters have hits

export const themes = [
  'Fitness and health',
  'Career growth',
  'Work-life balance',
  'Leadership',
  'Confidence',
  'Relationships',
  'Money and budgeting',
  'Learning something new',
]

/** One title in twenty is "Buy new running shoes"; "running" alone appears in two more. */
export const titles = [
  'Buy new running shoes',
  'Go running three mornings a week',
  'Sign up for a running club',
  'Book a health check',
  'Update my CV',
  'Ask my manager for feedback',
  'Block focus time in my calendar',
  'Read a book on leadership',
  'Plan a weekend without email',
  'Set a monthly budget',
  'Practice the quarterly presentation',
  'Call an old friend',
  'Sign up for a Spanish course',
  'Walk to work twice a week',
  'Prepare for the salary review',
  'Write a journal entry every evening',
  'Try a new recipe each week',
  'Delegate the weekly report',
  'Say no to one meeting a week',
  'Go to bed before eleven',
]

export const descriptions = [
  'Agreed in the Finish stage: start small and check in on progress next session.',
  'Keep it realistic; if the week is busy, do the smallest version of it.',
  'Write down what got in the way each time, to talk it through with my coach.',
  'Ask a friend to hold me to it and tell them how it went on Sunday.',
  'Put a reminder in the calendar and a note on the fridge.',
  'This supports the bigger goal we talked about: feeling in control of my week.',
  'Track it in the notes app; the aim is consistency, not perfection.',
  'Discuss the outcome with my partner before deciding on next steps.',
  'Try it for a month, then decide whether to keep it up.',
  'Tie it to an existing habit, like after the morning coffee.',
]

export const statusMix = { pending: 35, in_progress: 30, completed: 25, blocked: 10 } as const

export interface PlansDataOptions {
  /** All plans, everyone's. */
  totalPlans: number
  /** The measured user's share of them. */
  measuredPlans: number
  /** Users besides the measured one who own the other plans. */
  otherUsers: number
  /** Coach users, each running one program; every third user is a client in one of them. */
  coaches: number
  measured: { email: string; passwordHash: string; displayName: string }
  /**
   * More users who sign in with the measured user's password (users 1..n, emails
   * `bench-measured-<g>@example.com`), each with this many plans; the rest of the plans are
   * shared among the other users.
   */
  alsoMeasuredPlans?: number[]
}

export interface LoadedData {
  measuredUserId: string
  counts: Record<string, number>
  actionPlansBytes: number
  seconds: Record<string, number>
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}

function textArray(values: readonly string[]): string {
  return `array[${values.map(literal).join(', ')}]::text[]`
}

/** A deterministic 28-bit number from hex digits `from` (1-based) of an md5 expression. */
function slice(md5Expression: string, from: number): string {
  return `('x' || substr(${md5Expression}, ${from}, 7))::bit(28)::int`
}

export const userIdSql = (g: string) => `md5('bench-user-' || (${g}))::uuid`
const programIdSql = (k: string) => `md5('bench-program-' || (${k}))::uuid`
const sessionIdSql = (g: string, s: string) => `md5('bench-session-' || (${g}) || '-' || (${s}))::uuid`

/**
 * Creates users (one statement into auth.users; the profile trigger fires), coaches'
 * programs and client memberships, sessions, plans (each of the ~60% linked to a session
 * belongs to that session's client, as the trigger demands) and milestones, then analyzes.
 * User 0 is the measured user; users 1..otherUsers share the rest of the plans; users
 * otherUsers+1.. are the coaches.
 */
export async function loadPlansData(db: Database, options: PlansDataOptions, log: (line: string) => void = () => {}): Promise<LoadedData> {
  const { totalPlans, measuredPlans, otherUsers, coaches } = options
  const alsoMeasured = options.alsoMeasuredPlans ?? []
  const n = alsoMeasured.length
  const others = totalPlans - measuredPlans - alsoMeasured.reduce((a, b) => a + b, 0)
  if (others < 0 || otherUsers <= n) throw new Error('loadPlansData: more measured plans than plans, or too few users')
  const basePlans = Math.floor(others / (otherUsers - n))
  const extraPlans = others - basePlans * (otherUsers - n) // users n+1..n+extraPlans get one more
  // Plans of user g: measuredPlans for g = 0, alsoMeasured[g-1] for 1..n, else basePlans (+1 for the first extraPlans).
  const plansOf = (g: string) =>
    `(case when ${g} = 0 then ${measuredPlans} ${alsoMeasured.map((plans, i) => `when ${g} = ${i + 1} then ${plans}`).join(' ')} when ${g} <= ${n + extraPlans} then ${basePlans + 1} else ${basePlans} end)`
  // Plans come in blocks of five: the first three of each block share a session, the
  // other two are written by hand (60% linked). So a user has ceil(plans / 5) sessions.
  const sessionsOf = (g: string) => `((${plansOf(g)} + 4) / 5)`
  const isClient = (g: string) => `(${g} % 3 = 0)`
  const programOf = (g: string) => `(${g} % ${coaches} + 1)`
  const coachOf = (g: string) => userIdSql(`${otherUsers} + ${programOf(g)}`)
  const themeOf = (g: string, s: string) => `(${textArray(themes)})[1 + ((${g}) + (${s})) % ${themes.length}]`

  const seconds: Record<string, number> = {}
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    const result = await work()
    seconds[label] = Math.round((performance.now() - started) / 10) / 100
    log(`${label}: ${seconds[label]!.toFixed(1)} s`)
    return result
  }

  const measuredUserId = await timed('users, programs and sessions', () =>
    db.asService(async (tx) => {
      // Users in one statement; the on_auth_user_created trigger makes each profile.
      await tx.query(
        `insert into auth.users (id, email, encrypted_password, raw_user_meta_data, created_at)
         select ${userIdSql('g')},
                case when g = 0 then $1 when g <= ${n} then 'bench-measured-' || g || '@example.com' else 'bench-user-' || g || '@example.com' end,
                case when g <= ${n} then $2 else 'bench: this user does not sign in' end,
                jsonb_build_object('display_name',
                  case when g = 0 then $3 when g <= ${n} then 'Measured ' || g when g > ${otherUsers} then 'Coach ' || (g - ${otherUsers}) else 'Client ' || g end),
                now() - interval '400 days'
         from generate_series(0, ${otherUsers + coaches}) g`,
        [options.measured.email, options.measured.passwordHash, options.measured.displayName],
      )
      // A program per coach (its trigger makes the coach a member); every third user is a client.
      await tx.query(
        `insert into public.programs (id, name, created_by)
         select ${programIdSql('k')}, 'Bench program ' || k, ${userIdSql(`${otherUsers} + k`)}
         from generate_series(1, ${coaches}) k`,
      )
      await tx.query(
        `insert into public.program_members (program_id, user_id, role)
         select ${programIdSql(programOf('g'))}, ${userIdSql('g')}, 'client'
         from generate_series(0, ${otherUsers}) g
         where ${isClient('g')}`,
      )
      // Sessions, all finished. For clients, one in eight is coach-led (released to them)
      // and one in eight is their own session shared with their coach; the rest are private.
      await tx.query(
        `insert into public.coaching_sessions
           (id, user_id, coach_id, program_id, session_type, source, visibility, title, current_stage,
            session_date, started_at, completed_at, released_at, created_at, updated_at)
         select ${sessionIdSql('g', 's')}, ${userIdSql('g')},
                case when kind = 'private' then null else ${coachOf('g')} end,
                case when kind = 'private' then null else ${programIdSql(programOf('g'))} end,
                case when kind = 'coach_led' then 'coach_led' else 'self_coaching' end,
                case when kind = 'coach_led' then 'coach_assigned' else 'self_assigned' end,
                case when kind = 'private' then 'private' else 'shared' end,
                'Session ' || s || ': ' || ${themeOf('g', 's')}, 5,
                at::date, at, at + interval '45 minutes',
                case when kind = 'coach_led' then at + interval '1 day' end,
                at, at + interval '45 minutes'
         from generate_series(0, ${otherUsers}) g
         cross join lateral generate_series(1, ${sessionsOf('g')}) s
         cross join lateral (select
           case when ${isClient('g')} and s % 8 = 0 then 'coach_led'
                when ${isClient('g')} and s % 8 = 4 then 'shared'
                else 'private' end as kind,
           now() - make_interval(days => 365 - (s * 365 / ${sessionsOf('g')})::int, hours => 9 + g % 8) as at) x`,
      )
      return (await tx.query<{ id: string }>(`select ${userIdSql('0')}::text as id`))[0]!.id
    }),
  )

  await timed(`${totalPlans.toLocaleString('en')} action plans`, () =>
    db.asService((tx) =>
      tx.query(
        `insert into public.action_plans
           (id, session_id, user_id, title, description, theme, status, priority,
            timeline_start, timeline_end, extraction_key, created_at, updated_at)
         select md5('bench-plan-' || g || '-' || i)::uuid,
                case when linked then ${sessionIdSql('g', 's')} end,
                ${userIdSql('g')},
                (${textArray(titles)})[1 + r1 % ${titles.length}],
                (${textArray(descriptions)})[1 + r2 % ${descriptions.length}],
                case when linked then ${themeOf('g', 's')}
                     when r3 % 4 = 0 then '' else (${textArray(themes)})[1 + r3 % ${themes.length}] end,
                case when r4 % 100 < ${statusMix.pending} then 'pending'
                     when r4 % 100 < ${statusMix.pending + statusMix.in_progress} then 'in_progress'
                     when r4 % 100 < ${statusMix.pending + statusMix.in_progress + statusMix.completed} then 'completed'
                     else 'blocked' end,
                1 + r5 % 5,
                case when due is not null and r6 % 3 <> 0 then due - r6 % 30 end,
                due,
                case when linked then 'plan-' || ((i - 1) % 5 + 1) end,
                created, created
         from generate_series(0, ${otherUsers}) g
         cross join lateral generate_series(1, ${plansOf('g')}) i
         cross join lateral (select md5('bench-plan-' || g || '-' || i) as h1, md5('bench-plan-more-' || g || '-' || i) as h2) h
         cross join lateral (select
           (i - 1) % 5 < 3 as linked,
           (i - 1) / 5 + 1 as s,
           ${slice('h1', 1)} as r1, ${slice('h1', 8)} as r2, ${slice('h1', 15)} as r3, ${slice('h1', 22)} as r4,
           ${slice('h2', 1)} as r5, ${slice('h2', 8)} as r6) r
         cross join lateral (select
           -- Due dates from half a year ago to half a year ahead; one plan in ten has none.
           case when ${slice('h2', 15)} % 10 = 0 then null
                else current_date + (${slice('h2', 15)} / 10 % 361 - 180) end as due,
           now() - make_interval(days => ${slice('h2', 22)} % 365, secs => ${slice('h2', 22)} / 365 % 86400) as created) d`,
      ),
    ),
  )

  await timed('milestones (2 each for 20% of plans)', () =>
    db.asService((tx) =>
      tx.query(
        `insert into public.milestones (action_plan_id, title, due_date, position, completed)
         select a.id, 'Step ' || (pos + 1) || ' of: ' || a.title,
                a.timeline_end - (1 - pos) * 7, pos,
                a.status = 'completed' or (a.status = 'in_progress' and pos = 0)
         from public.action_plans a
         cross join generate_series(0, 1) pos
         where ${slice('md5(a.id::text)', 1)} % 5 = 0`,
      ),
    ),
  )

  await timed('analyze', () => db.asService((tx) => tx.exec('analyze')))

  const { counts, bytes } = await db.asService(async (tx) => {
    const [row] = await tx.query<Record<string, number>>(
      `select
         (select count(*) from auth.users)::int as users,
         (select count(*) from public.profiles)::int as profiles,
         (select count(*) from public.program_members where role = 'client')::int as "clientMemberships",
         (select count(*) from public.coaching_sessions)::int as sessions,
         (select count(*) from public.coaching_sessions where visibility = 'shared')::int as "sharedSessions",
         (select count(*) from public.action_plans)::int as plans,
         (select count(*) from public.action_plans where session_id is not null)::int as "plansWithSession",
         (select count(*) from public.action_plans where user_id = $1)::int as "measuredUserPlans",
         (select count(*) from public.action_plans where user_id = $1 and session_id is not null)::int as "measuredUserPlansWithSession",
         (select count(*) from public.milestones)::int as milestones,
         (select count(*) from public.audit_log)::int as "auditLogRows",
         pg_total_relation_size('public.action_plans')::bigint as bytes`,
      [measuredUserId],
    )
    const { bytes, ...counts } = row!
    return { counts, bytes: Number(bytes) }
  })
  if (counts.plans !== totalPlans || counts.measuredUserPlans !== measuredPlans) {
    throw new Error(`Loaded ${counts.plans} plans (${counts.measuredUserPlans} the user's), expected ${totalPlans} (${measuredPlans})`)
  }
  return { measuredUserId, counts, actionPlansBytes: bytes, seconds }
}

// ---------------------------------------------------------------------------------------
// Capturing the exact SQL

export interface CapturedQuery {
  text: string
  params: unknown[]
}

/**
 * The same database, except that every query run inside `asUser` is recorded (text and
 * parameters) before it runs. The role and claims statements `asUser` itself sends are
 * not recorded: they run on the inner transaction before `work` gets the wrapped one.
 */
export function capturingDatabase(db: Database): { db: Database; captured: CapturedQuery[] } {
  const captured: CapturedQuery[] = []
  const wrap = (tx: Tx): Tx => ({
    query<Row extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]) {
      captured.push({ text, params: [...(params ?? [])] })
      return tx.query<Row>(text, params)
    },
    exec(script: string) {
      captured.push({ text: script, params: [] })
      return tx.exec(script)
    },
  })
  return {
    captured,
    db: {
      target: db.target,
      asUser: (userId, work) => db.asUser(userId, (tx) => work(wrap(tx))),
      asAnonymous: (work) => db.asAnonymous(work),
      asService: (work) => db.asService(work),
      identifyUser: (lookup) => db.identifyUser(lookup),
      ping: () => db.ping(),
      readUnit: () => db.readUnit(),
      close: () => db.close(),
    },
  }
}

// ---------------------------------------------------------------------------------------
// EXPLAIN as the user

export interface ScanNode {
  node: string
  relation: string
  index?: string
  /** Rows the node returned, over all its loops. */
  rows: number
  /** Rows it read and threw away (filter, recheck). */
  removed: number
  loops: number
}

export interface PlanSummary {
  /** Every scan that reads public.action_plans (heap or one of its indexes). */
  actionPlansScans: ScanNode[]
  usesIndex: boolean
  seqScan: boolean
  /** Rows of action_plans a seq scan read (returned + removed), if there is one. */
  seqScanRows?: number
  planningMs: number
  executionMs: number
  sharedHit: number
  sharedRead: number
}

export interface ExplainedQuery {
  text: string
  params: unknown[]
  plan: string
  summary: PlanSummary
}

const scanTypes = new Set(['Seq Scan', 'Index Scan', 'Index Only Scan', 'Bitmap Heap Scan', 'Bitmap Index Scan', 'Tid Scan', 'Sample Scan'])

interface JsonPlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  'Actual Rows'?: number
  'Actual Loops'?: number
  'Rows Removed by Filter'?: number
  'Rows Removed by Index Recheck'?: number
  'Shared Hit Blocks'?: number
  'Shared Read Blocks'?: number
  Plans?: JsonPlanNode[]
}

function summarize(root: { Plan: JsonPlanNode; 'Planning Time': number; 'Execution Time': number }, actionPlansIndexes: Set<string>): PlanSummary {
  const scans: ScanNode[] = []
  const walk = (node: JsonPlanNode) => {
    if (scanTypes.has(node['Node Type'])) {
      const onActionPlans = node['Relation Name'] === 'action_plans' || (node['Index Name'] !== undefined && actionPlansIndexes.has(node['Index Name']))
      if (onActionPlans) {
        const loops = node['Actual Loops'] ?? 1
        scans.push({
          node: node['Node Type'],
          relation: 'action_plans',
          ...(node['Index Name'] ? { index: node['Index Name'] } : {}),
          // EXPLAIN reports per-loop averages; multiply back for totals.
          rows: Math.round((node['Actual Rows'] ?? 0) * loops),
          removed: Math.round(((node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * loops),
          loops,
        })
      }
    }
    for (const child of node.Plans ?? []) walk(child)
  }
  walk(root.Plan)
  const seq = scans.filter((scan) => scan.node === 'Seq Scan')
  return {
    actionPlansScans: scans,
    usesIndex: scans.some((scan) => scan.index !== undefined),
    seqScan: seq.length > 0,
    ...(seq.length > 0 ? { seqScanRows: seq.reduce((sum, scan) => sum + scan.rows + scan.removed, 0) } : {}),
    planningMs: root['Planning Time'],
    executionMs: root['Execution Time'],
    sharedHit: root.Plan['Shared Hit Blocks'] ?? 0,
    sharedRead: root.Plan['Shared Read Blocks'] ?? 0,
  }
}

/** The names of public.action_plans' indexes. */
export async function actionPlansIndexNames(db: Database): Promise<Set<string>> {
  const rows = await db.asService((tx) =>
    tx.query<{ name: string }>(
      `select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
       where i.indrelid = 'public.action_plans'::regclass`,
    ),
  )
  return new Set(rows.map((row) => row.name))
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of one captured query, as the user (role authenticated and
 * their JWT claims, through `asUser`), in text for reading and in JSON for the summary.
 * Each runs in its own transaction, like the app's.
 */
export async function explainAsUser(db: Database, userId: string, query: CapturedQuery, actionPlansIndexes: Set<string>): Promise<ExplainedQuery> {
  const text = await db.asUser(userId, (tx) => tx.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${query.text}`, query.params))
  const json = await db.asUser(userId, (tx) => tx.query<{ 'QUERY PLAN': unknown }>(`explain (analyze, buffers, format json) ${query.text}`, query.params))
  const raw = json[0]?.['QUERY PLAN']
  const parsed = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: JsonPlanNode; 'Planning Time': number; 'Execution Time': number }]
  return {
    text: query.text,
    params: query.params,
    plan: text.map((row) => row['QUERY PLAN']).join('\n'),
    summary: summarize(parsed[0], actionPlansIndexes),
  }
}

/** One line about how a plan reaches action_plans. */
export function describeAccess(summary: PlanSummary): string {
  const scans = summary.actionPlansScans
    .filter((scan) => scan.node !== 'Bitmap Heap Scan')
    .map((scan) => {
      const what = scan.index ? `${scan.node} using ${scan.index}` : `${scan.node} on action_plans`
      const read = scan.removed > 0 ? `${scan.rows.toLocaleString('en')} rows, ${scan.removed.toLocaleString('en')} filtered out` : `${scan.rows.toLocaleString('en')} rows`
      return `${what} (${read}${scan.loops > 1 ? `, ${scan.loops} loops` : ''})`
    })
  const heap = summary.actionPlansScans.find((scan) => scan.node === 'Bitmap Heap Scan')
  if (heap) scans.push(`Bitmap Heap Scan (${heap.rows.toLocaleString('en')} rows kept, ${heap.removed.toLocaleString('en')} filtered out)`)
  const verdict = summary.seqScan
    ? `SEQ SCAN over action_plans (${summary.seqScanRows?.toLocaleString('en')} rows read)`
    : summary.usesIndex
      ? 'index'
      : 'no action_plans index used'
  return `${verdict}: ${scans.join('; ') || 'no scan of action_plans'}`
}
