import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation, useNavigation, useSearchParams } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { listSessions } from '#lib/coaching/sessions'
import { hasCalendarFeed } from '#lib/plans/calendar'
import { listActionPlans, listClientsWithOverdue, parsePlanListQuery, planPageSize } from '#lib/plans/action-plans'
import { listPrograms } from '#lib/programs/programs'
import { actionPlanStatuses, statusLabels } from '#lib/plans/plan-forms.shared'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass, SelectField, TextField } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { CalendarCard } from '~/components/plan/calendar-card'
import { DueBadge, StatusBadge } from '~/components/plan-badges'
import { requireUserId } from '~/utils/auth.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const url = new URL(request.url)
  const query = parsePlanListQuery(url.searchParams)
  const programs = await listPrograms(context.db, { userId })
  const isCoach = programs.some((p) => p.myRole === 'coach')
  const view = isCoach && url.searchParams.get('view') === 'clients' ? 'clients' : 'mine'
  const [page, sessions, clients, calendar] = await Promise.all([
    listActionPlans(context.db, { userId, scope: view, query }),
    view === 'mine' ? listSessions(context.db, { userId, limit: 50 }) : Promise.resolve([]),
    view === 'clients' ? listClientsWithOverdue(context.db, { userId }) : Promise.resolve([]),
    hasCalendarFeed(context.db, { userId }),
  ])
  return {
    view,
    isCoach,
    query,
    page,
    sessions: sessions.filter((s) => !s.clientName).map((s) => ({ id: s.id, title: s.title })),
    clients,
    calendar,
    pageSize: planPageSize,
  }
}

const columns = [
  { key: 'theme', label: 'Coaching theme' },
  { key: 'title', label: 'Agreed action' },
  { key: 'description', label: 'Content' },
  { key: 'status', label: 'Status' },
  { key: 'priority', label: 'Priority' },
  { key: 'due', label: 'Due' },
] as const

export default function ActionPlans() {
  const { view, isCoach, query, page, sessions, clients, calendar, pageSize } = useLoaderData<typeof loader>()
  const navigation = useNavigation()
  const [searchParams] = useSearchParams()
  const location = useLocation()
  const loading = navigation.state === 'loading' && navigation.location?.pathname === location.pathname
  const filtered = Boolean(query.status || query.priority || query.due || query.session || query.q || query.client)

  // The filter fields are uncontrolled, so a new defaultValue does not reach a field the person
  // already changed. Show the filters in force after every navigation ("Clear filters", Back),
  // so "Apply" never sends filters that are no longer applied.
  const filterForm = useRef<HTMLFormElement>(null)
  useEffect(() => {
    const shown: Record<string, string> = {
      q: query.q ?? '',
      status: query.status ?? '',
      priority: query.priority ? String(query.priority) : '',
      due: query.due ?? '',
      session: query.session ?? '',
      client: query.client ?? '',
    }
    for (const [name, value] of Object.entries(shown)) {
      const field = filterForm.current?.elements.namedItem(name)
      if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) field.value = value
    }
  }, [query.q, query.status, query.priority, query.due, query.session, query.client])

  function withParams(changes: Record<string, string | null>) {
    const next = new URLSearchParams(searchParams)
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key)
      else next.set(key, value)
    }
    return `?${next}`
  }

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Action plans">
        <Link to="/action-plans/new" className={buttonClass('primary')}>
          New action plan
        </Link>
      </PageHeader>

      {isCoach ? (
        <nav aria-label="Whose plans" className="flex gap-2">
          <Link to="?view=mine" aria-current={view === 'mine' ? 'page' : undefined} className={buttonClass(view === 'mine' ? 'primary' : 'secondary')}>
            My plans
          </Link>
          <Link to="?view=clients" aria-current={view === 'clients' ? 'page' : undefined} className={buttonClass(view === 'clients' ? 'primary' : 'secondary')}>
            My clients’ plans
          </Link>
        </nav>
      ) : null}

      {view === 'clients' && clients.length > 0 ? (
        <Card title="Clients at a glance">
          <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
            {clients.map((c) => (
              <li key={c.clientId} className="flex items-center justify-between gap-2 rounded-md border border-slate-200 px-3 py-2">
                <Link to={withParams({ client: c.clientId, page: null })} className="font-medium text-brand-700 underline">
                  {c.clientName}
                </Link>
                <span className="text-sm">
                  {c.overdue > 0 ? <span className="font-semibold text-red-700">{c.overdue} overdue</span> : <span className="text-slate-600">none overdue</span>}
                  <span className="text-slate-600"> · {c.open} open</span>
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}

      <Form ref={filterForm} method="get" className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-6 lg:items-end" role="search">
        <input type="hidden" name="view" value={view} />
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <div className="lg:col-span-2">
          <TextField label="Search" name="q" type="search" defaultValue={query.q ?? ''} placeholder="Words in the action, content or theme" />
        </div>
        <SelectField label="Status" name="status" defaultValue={query.status ?? ''}>
          <option value="">Any</option>
          {actionPlanStatuses.map((s) => (
            <option key={s} value={s}>
              {statusLabels[s]}
            </option>
          ))}
        </SelectField>
        <SelectField label="Priority" name="priority" defaultValue={query.priority ? String(query.priority) : ''}>
          <option value="">Any</option>
          {[1, 2, 3, 4, 5].map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </SelectField>
        <SelectField label="Due" name="due" defaultValue={query.due ?? ''}>
          <option value="">Any time</option>
          <option value="overdue">Overdue</option>
          <option value="this_week">This week</option>
          <option value="later">Later</option>
          <option value="none">No due date</option>
        </SelectField>
        {view === 'mine' ? (
          <SelectField label="Session" name="session" defaultValue={query.session ?? ''}>
            <option value="">Any session</option>
            {sessions.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title}
              </option>
            ))}
          </SelectField>
        ) : (
          <SelectField label="Client" name="client" defaultValue={query.client ?? ''}>
            <option value="">All clients</option>
            {clients.map((c) => (
              <option key={c.clientId} value={c.clientId}>
                {c.clientName}
              </option>
            ))}
          </SelectField>
        )}
        <div className="flex gap-2 lg:col-span-6">
          <button type="submit" className={buttonClass('primary')}>
            Apply
          </button>
          {filtered ? (
            <Link to={`?view=${view}`} className={buttonClass('secondary')}>
              Clear filters
            </Link>
          ) : null}
        </div>
      </Form>

      <div aria-busy={loading} className={loading ? 'opacity-60' : ''}>
        {page.total === 0 ? (
          <EmptyState title={filtered ? 'No plans match these filters' : view === 'clients' ? 'No shared plans yet' : 'No action plans yet'}>
            {filtered ? (
              'Try clearing a filter or searching for fewer words.'
            ) : view === 'clients' ? (
              'Plans appear here from sessions you lead with a client, and from sessions clients share with you.'
            ) : (
              <>
                Plans come out of the Finish stage of a session — each one is a step you agreed to, with a date.{' '}
                <Link to="/sessions/new" className="underline">
                  Start a session
                </Link>{' '}
                or{' '}
                <Link to="/action-plans/new" className="underline">
                  write a plan yourself
                </Link>
                .
              </>
            )}
          </EmptyState>
        ) : (
          <>
            <p className="mb-2 text-sm text-slate-600" aria-live="polite">
              {page.total}
              {page.totalIsCapped ? '+' : ''} plan{page.total === 1 ? '' : 's'}
              {page.pageCount > 1 ? ` · page ${page.page} of ${page.pageCount}${page.totalIsCapped ? '+' : ''}` : ''}
            </p>
            <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
              <table className="w-full min-w-[720px] text-left text-sm">
                <caption className="sr-only">Action plans, sorted by {columns.find((c) => c.key === query.sort)?.label}</caption>
                <thead className="bg-slate-50">
                  <tr>
                    {view === 'clients' ? <th scope="col" className="px-3 py-2">Client</th> : null}
                    {columns.map((column) => {
                      const active = query.sort === column.key
                      const nextDir = active && query.dir === 'asc' ? 'desc' : 'asc'
                      return (
                        <th
                          key={column.key}
                          scope="col"
                          className="px-3 py-2"
                          aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                        >
                          <Link to={withParams({ sort: column.key, dir: nextDir, page: null })} className="font-semibold underline-offset-2 hover:underline">
                            {column.label}
                            <span aria-hidden>{active ? (query.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                          </Link>
                        </th>
                      )
                    })}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {page.rows.map((plan) => (
                    <tr key={plan.id} className={plan.overdue ? 'bg-red-50/40' : ''}>
                      {view === 'clients' ? <td className="px-3 py-2">{plan.clientName}</td> : null}
                      <td className="px-3 py-2 text-slate-700">{plan.theme || '—'}</td>
                      <td className="px-3 py-2">
                        <Link to={`/action-plans/${plan.id}`} className="font-medium text-brand-700 underline">
                          {plan.title}
                        </Link>
                        {plan.milestonesTotal > 0 ? (
                          <div className="text-xs text-slate-500">
                            {plan.milestonesDone}/{plan.milestonesTotal} milestones
                          </div>
                        ) : null}
                      </td>
                      <td className="max-w-xs px-3 py-2 text-slate-700">
                        <span className="line-clamp-2">{plan.description || '—'}</span>
                      </td>
                      <td className="px-3 py-2">
                        <StatusBadge status={plan.status} />
                      </td>
                      <td className="px-3 py-2">{plan.priority ?? <span className="text-slate-500">None</span>}</td>
                      <td className="whitespace-nowrap px-3 py-2">
                        {plan.timelineEnd ?? '—'} <DueBadge overdue={plan.overdue} dueThisWeek={plan.dueThisWeek} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {page.pageCount > 1 ? (
              <nav aria-label="Pages" className="mt-3 flex items-center justify-between gap-2">
                {page.page > 1 ? (
                  <Link to={withParams({ page: String(page.page - 1) })} className={buttonClass('secondary')}>
                    ← Previous
                  </Link>
                ) : (
                  <span />
                )}
                <span className="text-sm text-slate-600">
                  {(page.page - 1) * pageSize + 1}–{(page.page - 1) * pageSize + page.rows.length} of {page.total}
                  {page.totalIsCapped ? '+' : ''}
                </span>
                {page.page < page.pageCount ? (
                  <Link to={withParams({ page: String(page.page + 1) })} className={buttonClass('secondary')}>
                    Next →
                  </Link>
                ) : (
                  <span />
                )}
              </nav>
            ) : null}
          </>
        )}
      </div>

      <CalendarCard feedOn={calendar} />
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Action plans · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
