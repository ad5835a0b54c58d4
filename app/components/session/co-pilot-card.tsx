import { useFetcher } from '@remix-run/react'
import { FormError, SubmitButton } from '~/components/form'
import { Card } from '~/components/layout'
import type { action as coPilotAction } from '~/routes/sessions.$sessionId.co-pilot'

/**
 * The coach's co-pilot: questions to ask next and what the stage still lacks. Its own
 * fetcher, so asking for suggestions leaves the rest of the page — a half-written note
 * included — as it is.
 */
export function CoPilotCard({ sessionId, stage, aiOn }: { sessionId: string; stage: number; aiOn: boolean }) {
  const fetcher = useFetcher<typeof coPilotAction>()
  const data = fetcher.data
  const suggestions = data && 'suggestions' in data && data.stage === stage ? data.suggestions : null
  const failure = data?.result.status === 'error' ? data.result.error?.['']?.join(' ') : undefined
  return (
    <Card title="Co-pilot">
      {suggestions ? (
        <div className="mb-3 flex flex-col gap-2">
          <h3 className="text-sm font-semibold">{suggestions.source === 'ai' ? 'Questions you could ask next' : 'This stage’s questions'}</h3>
          <ul className="list-disc pl-5 text-sm">
            {suggestions.questions.map((q) => (
              <li key={q}>{q}</li>
            ))}
          </ul>
          {suggestions.missing.length > 0 ? (
            <>
              <h3 className="text-sm font-semibold">Still missing for this stage</h3>
              <ul className="list-disc pl-5 text-sm">
                {suggestions.missing.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : (
        <p className="mb-3 text-sm text-slate-600">Ask for the next questions to consider; the client sees nothing of this.</p>
      )}
      <FormError>{failure}</FormError>
      <fetcher.Form method="post" action={`/sessions/${sessionId}/co-pilot`} className="mt-2">
        <input type="hidden" name="stage" value={stage} />
        <SubmitButton variant="secondary" pending={fetcher.state !== 'idle'} pendingText={aiOn ? 'Thinking…' : 'Loading…'}>
          Suggest questions
        </SubmitButton>
      </fetcher.Form>
    </Card>
  )
}
