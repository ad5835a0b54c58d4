import { Link } from '@remix-run/react'
import type { PlanListQuery, PlanPage } from '#lib/plans/action-plans'
import { buttonClass } from '~/components/form'
import { DueBadge, StatusBadge } from '~/components/plan-badges'

const columns = [
  { key: 'theme', label: 'Coaching theme' },
  { key: 'title', label: 'Agreed action' },
  { key: 'description', label: 'Content' },
  { key: 'status', label: 'Status' },
  { key: 'priority', label: 'Priority' },
  { key: 'due', label: 'Due' },
] as const

/** A link to this page's URL with some search params changed (null removes one). */
export type WithParams = (changes: Record<string, string | null>) => string

/** Changing the order or the filters starts again at the first page. */
export const firstPage = { after: null, before: null } as const

/**
 * The action-plan table: sortable column headers, one row per plan, and keyset pages
 * ("Previous" / "Next"; lib/db/keyset.ts). Nothing is counted: the line above the table
 * says how many plans this page shows, and all of them when they fit on the first page.
 */
export function PlanTable({
  page,
  query,
  showClient,
  withParams,
}: {
  page: Pick<PlanPage, 'rows' | 'next' | 'previous' | 'isFirst'>
  query: Pick<PlanListQuery, 'sort' | 'dir'>
  showClient: boolean
  withParams: WithParams
}) {
  const count = page.rows.length
  const plans = `${count} plan${count === 1 ? '' : 's'}`
  const summary =
    page.isFirst && !page.next ? plans : page.isFirst ? `Showing the first ${plans}` : page.next ? `Showing ${plans}` : `Showing the last ${plans}`
  return (
    <>
      <p className="mb-2 text-sm text-slate-600" aria-live="polite">
        {summary}
      </p>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full min-w-[720px] text-left text-sm">
          <caption className="sr-only">Action plans, sorted by {columns.find((c) => c.key === query.sort)?.label}</caption>
          <thead className="bg-slate-50">
            <tr>
              {showClient ? (
                <th scope="col" className="px-3 py-2">
                  Client
                </th>
              ) : null}
              {columns.map((column) => {
                const active = query.sort === column.key
                const nextDir = active && query.dir === 'asc' ? 'desc' : 'asc'
                return (
                  <th key={column.key} scope="col" className="px-3 py-2" aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                    <Link to={withParams({ sort: column.key, dir: nextDir, ...firstPage })} className="font-semibold underline-offset-2 hover:underline">
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
                {showClient ? <td className="px-3 py-2">{plan.clientName}</td> : null}
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
      {page.next || page.previous ? (
        <nav aria-label="Pages" className="mt-3 flex items-center justify-between gap-2">
          {page.previous ? (
            <Link to={withParams({ before: page.previous, after: null })} className={buttonClass('secondary')}>
              ← Previous
            </Link>
          ) : (
            <span />
          )}
          {page.next ? (
            <Link to={withParams({ after: page.next, before: null })} className={buttonClass('secondary')}>
              Next →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </>
  )
}
