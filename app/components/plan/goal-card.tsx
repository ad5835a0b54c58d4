import { smartParts, type SmartCriteria } from '#lib/coaching/stages.shared'
import { Card } from '~/components/layout'

/** The plan's goal, its SMART criteria (in the client's words) and how success will show. */
export function GoalCard({ goal, smartCriteria, successMetrics }: { goal: string; smartCriteria: SmartCriteria | null; successMetrics: string[] }) {
  return (
    <Card title="Goal and success">
      <dl className="flex flex-col gap-3">
        <div>
          <dt className="text-sm font-medium text-slate-600">Goal</dt>
          <dd>{goal || <span className="text-slate-400">—</span>}</dd>
        </div>
        {smartCriteria ? (
          <div>
            <dt className="text-sm font-medium text-slate-600">SMART criteria</dt>
            <dd>
              <ul className="flex flex-col gap-1 text-sm">
                {smartParts.map((part) => (
                  <li key={part.key}>
                    <span className="text-slate-600">{part.label.split(' — ')[0]}:</span> {smartCriteria[part.key] ?? '—'}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
        {successMetrics.length > 0 ? (
          <div>
            <dt className="text-sm font-medium text-slate-600">Success metrics</dt>
            <dd>
              <ul className="list-disc pl-5 text-sm">
                {successMetrics.map((metric) => (
                  <li key={metric}>{metric}</li>
                ))}
              </ul>
            </dd>
          </div>
        ) : null}
      </dl>
    </Card>
  )
}
