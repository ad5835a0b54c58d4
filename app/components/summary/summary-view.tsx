import { Link } from '@remix-run/react'
import { Card } from '~/components/layout'

interface SummaryShown {
  executiveSummary: string
  keyInsights: string[]
  goalStatement: string
  actionPlan: { title: string; dueDate: string | null }[]
  successMetrics: string[]
  supportAndAccountability: string
}

/** The end-of-session summary, read-only. */
export function SummaryView({ summary }: { summary: SummaryShown }) {
  return (
    <Card>
      <div className="flex flex-col gap-5">
        <section>
          <h2 className="mb-1 font-semibold">In short</h2>
          <p className="whitespace-pre-wrap text-slate-800">{summary.executiveSummary}</p>
        </section>
        {summary.goalStatement ? (
          <section>
            <h2 className="mb-1 font-semibold">Your goal</h2>
            <p className="text-slate-800">{summary.goalStatement}</p>
          </section>
        ) : null}
        <SummaryList title="Key insights" items={summary.keyInsights} />
        <section>
          <h2 className="mb-1 font-semibold">Action plan</h2>
          {summary.actionPlan.length ? (
            <ol className="list-decimal pl-5">
              {summary.actionPlan.map((step, i) => (
                <li key={i}>
                  {step.title}
                  {step.dueDate ? <span className="text-slate-600"> — by {step.dueDate}</span> : null}
                </li>
              ))}
            </ol>
          ) : (
            <p className="text-slate-600">No steps were agreed.</p>
          )}
        </section>
        <SummaryList title="How you will know" items={summary.successMetrics} />
        {summary.supportAndAccountability ? (
          <section>
            <h2 className="mb-1 font-semibold">Support and accountability</h2>
            <p className="text-slate-800">{summary.supportAndAccountability}</p>
          </section>
        ) : null}
      </div>
    </Card>
  )
}

function SummaryList({ title, items }: { title: string; items: string[] }) {
  if (items.length === 0) return null
  return (
    <section>
      <h2 className="mb-1 font-semibold">{title}</h2>
      <ul className="list-disc pl-5">
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
    </section>
  )
}


interface SessionPlan {
  id: string
  title: string
  description: string
  priority: number | null
  timelineEnd: string | null
  milestones: { id: string; title: string; dueDate: string | null; completed: boolean }[]
}

/** The action plans made from the session's Finish steps, each linking to its page. */
export function SessionPlans({ plans }: { plans: SessionPlan[] }) {
  return (
    <ol className="flex flex-col gap-4">
      {plans.map((plan) => (
        <li key={plan.id} className="rounded-md border border-slate-200 p-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <Link to={`/action-plans/${plan.id}`} className="font-semibold text-brand-700 underline">
              {plan.title}
            </Link>
            <span className="text-sm text-slate-600">
              {[plan.priority ? `Priority ${plan.priority}` : null, plan.timelineEnd ? `due ${plan.timelineEnd}` : null].filter(Boolean).join(' · ')}
            </span>
          </div>
          {plan.description ? <p className="mt-1 text-sm text-slate-700">{plan.description}</p> : null}
          {plan.milestones.length > 0 ? (
            <ul className="mt-2 list-disc pl-5 text-sm">
              {plan.milestones.map((m) => (
                <li key={m.id}>
                  {m.completed ? '✓ ' : ''}
                  {m.title}
                  {m.dueDate ? ` — ${m.dueDate}` : ''}
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ol>
  )
}
