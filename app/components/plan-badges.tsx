import { actionPlanStatuses, statusLabel, statusLabels } from '#lib/plans/plan-forms.shared'

const statusStyles: Record<string, string> = {
  pending: 'bg-slate-100 text-slate-700',
  in_progress: 'bg-sky-50 text-sky-800',
  completed: 'bg-emerald-50 text-emerald-800',
  blocked: 'bg-amber-50 text-amber-900',
}


export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`inline-block whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${statusStyles[status] ?? ''}`}>
      {statusLabel(status)}
    </span>
  )
}

/** Overdue and due-soon marks, in words as well as colour. */
export function DueBadge({ overdue, dueThisWeek }: { overdue: boolean; dueThisWeek: boolean }) {
  if (overdue) return <span className="ml-1 rounded-full bg-red-100 px-2 py-0.5 text-xs font-semibold text-red-800">Overdue</span>
  if (dueThisWeek) return <span className="ml-1 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">This week</span>
  return null
}

/** The options of a priority select: 1 (highest) to 5 (lowest). */
export function PriorityOptions() {
  return (
    <>
      {[1, 2, 3, 4, 5].map((priority) => (
        <option key={priority} value={priority}>
          {priority}
          {priority === 1 ? ' (highest)' : priority === 5 ? ' (lowest)' : ''}
        </option>
      ))}
    </>
  )
}

/** The plan statuses as a select's options, in their order. */
export function StatusOptions() {
  return (
    <>
      {actionPlanStatuses.map((status) => (
        <option key={status} value={status}>
          {statusLabels[status]}
        </option>
      ))}
    </>
  )
}
