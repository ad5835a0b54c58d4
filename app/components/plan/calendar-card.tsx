import { useFetcher } from '@remix-run/react'
import { FormError, Notice, SubmitButton, TextField } from '~/components/form'
import { Card } from '~/components/layout'
import type { action as calendarAction } from '~/routes/action-plans.calendar'

/** The private calendar feed: create or reset its link (shown once), or turn it off; by its own fetcher. */
export function CalendarCard({ feedOn }: { feedOn: boolean }) {
  const fetcher = useFetcher<typeof calendarAction>()
  const data = fetcher.state === 'idle' ? fetcher.data : undefined
  const done = data && 'feedUrl' in data ? data : null
  const on = done ? done.feedUrl !== null : feedOn
  const busy = fetcher.state !== 'idle'
  return (
    <Card title="Due dates in your calendar">
      {done ? <Notice>{done.message}</Notice> : null}
      <FormError>{data?.result.status === 'error' ? data.result.error?.['']?.join(' ') : null}</FormError>
      {done?.feedUrl ? (
        <div className="my-3">
          <TextField label="Subscribe to this link in your calendar app (shown once)" name="feedUrl" readOnly value={done.feedUrl} onFocus={(e) => e.currentTarget.select()} />
        </div>
      ) : null}
      <p className="mb-3 text-sm text-slate-600">
        {on
          ? 'Your calendar feed is on. If the link may have been shared, reset it: the old one stops working.'
          : 'Get a private link your calendar app (Google, Apple, Outlook) can subscribe to, with the due dates of your plans and milestones.'}
      </p>
      <fetcher.Form method="post" action="/action-plans/calendar" className="flex flex-wrap gap-2">
        <SubmitButton variant="secondary" name="intent" value="calendar-reset" pending={busy} pendingText="Working…">
          {on ? 'Reset the link' : 'Create a calendar link'}
        </SubmitButton>
        {on ? (
          <SubmitButton variant="danger" name="intent" value="calendar-remove" pending={busy} pendingText="Working…">
            Turn off
          </SubmitButton>
        ) : null}
      </fetcher.Form>
    </Card>
  )
}
