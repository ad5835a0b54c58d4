import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation, useNavigation, useSearchParams } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { listSessions } from '#lib/coaching/sessions'
import { hasCalendarFeed } from '#lib/plans/calendar'
import { listActionPlans, listClientsWithOverdue, parsePlanListQuery } from '#lib/plans/action-plans'
import { listPrograms } from '#lib/programs/programs'
import { actionPlanStatuses, statusLabels } from '#lib/plans/plan-forms.shared'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass, SelectField, TextField } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { CalendarCard } from '~/components/plan/calendar-card'
import { firstPage, PlanTable } from '~/components/plan/plan-table'
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
  }
}

export default function ActionPlans() {
  const { view, isCoach, query, page, sessions, clients, calendar } = useLoaderData<typeof loader>()
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
                <Link to={withParams({ client: c.clientId, ...firstPage })} className="font-medium text-brand-700 underline">
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
        {page.rows.length === 0 ? (
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
            <PlanTable page={page} query={query} showClient={view === 'clients'} withParams={withParams} />
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
