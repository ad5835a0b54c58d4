import { formatDate } from '#lib/dates.shared'
import type { DueState, TagColour } from '#lib/library/library.shared'

const tagStyles: Record<TagColour, string> = {
  slate: 'bg-slate-100 text-slate-800',
  red: 'bg-red-100 text-red-800',
  amber: 'bg-amber-100 text-amber-900',
  green: 'bg-green-100 text-green-800',
  teal: 'bg-teal-100 text-teal-800',
  blue: 'bg-blue-100 text-blue-800',
  violet: 'bg-violet-100 text-violet-800',
  pink: 'bg-pink-100 text-pink-800',
}

export function TagChip({ name, colour }: { name: string; colour: TagColour }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${tagStyles[colour]}`}>{name}</span>
}

const dueStyles: Record<DueState | 'never', string> = {
  done: 'bg-green-100 text-green-800',
  overdue: 'bg-red-100 text-red-800',
  due: 'bg-amber-100 text-amber-900',
  not_due: 'bg-slate-100 text-slate-700',
  never: 'bg-slate-100 text-slate-600',
}

/** Done (date) / Due (date) / Overdue (date) / Never assigned — in words, not only colour. */
export function DueBadge({
  state,
  completedAt,
  dueAt,
  timeZone,
}: {
  state: DueState | 'never'
  completedAt?: Date | string | null
  dueAt?: Date | string | null
  timeZone: string
}) {
  const text =
    state === 'done'
      ? `Done${completedAt ? ` ${formatDate(completedAt, { timeZone })}` : ''}`
      : state === 'overdue'
        ? `Overdue${dueAt ? ` since ${formatDate(dueAt, { timeZone })}` : ''}`
        : state === 'due'
          ? `Due ${dueAt ? formatDate(dueAt, { timeZone }) : ''}`
          : state === 'never'
            ? 'Never assigned'
            : 'No due date'
  return <span className={`whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ${dueStyles[state]}`}>{text}</span>
}

/** Completed ÷ total as a labelled bar. */
export function ProgressBar({ label, completed, total }: { label: string; completed: number; total: number }) {
  const percent = total === 0 ? 0 : Math.round((completed / total) * 100)
  return (
    <div className="flex flex-col gap-1">
      <div className="flex justify-between text-sm">
        <span className="font-medium text-slate-800">{label}</span>
        <span className="text-slate-600">
          {completed} of {total} done
        </span>
      </div>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={completed} className="h-2 rounded-full bg-slate-100">
        <div className="h-2 rounded-full bg-brand-600" style={{ width: `${percent}%` }} />
      </div>
    </div>
  )
}
