import { getFormProps, getTextareaProps } from '@conform-to/react'
import { useFetcher } from '@remix-run/react'
import { memoryItemForm } from '#lib/coaching/session-forms.shared'
import { useSchemaForm } from '~/components/conform'
import { buttonClass, FormError, Notice, TextAreaField } from '~/components/form'
import { Card } from '~/components/layout'
import type { action as memoryAction } from '~/routes/sessions.$sessionId.memory'

interface RememberedItem {
  id: string
  kind: string
  text: string
}

/** Everything the coach is told about from before today, each item editable or removable on its own. */
export function MemoryPanel({
  sessionId,
  memory,
  editable,
  forCoach,
  clientName,
}: {
  sessionId: string
  memory: RememberedItem[]
  editable: boolean
  forCoach: boolean
  clientName: string
}) {
  return (
    <Card title="What your coach remembers">
      <p className="mb-3 text-sm text-slate-600">
        {forCoach
          ? `What ${clientName} carries over from before: their open actions and the last summary.`
          : `This is everything the coach is told about before today. ${editable ? 'Edit or remove anything before you answer.' : ''}`}
      </p>
      {memory.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing — this is a fresh start.</p>
      ) : (
        <ul className="flex flex-col gap-3">
          {memory.map((item) =>
            editable ? (
              <li key={item.id} className="rounded-md border border-slate-200 p-2">
                <MemoryItemForm sessionId={sessionId} item={item} />
              </li>
            ) : (
              <li key={item.id} className="text-sm">
                {item.text}
              </li>
            ),
          )}
        </ul>
      )}
    </Card>
  )
}

/** A short name for an item, for its buttons: "Save “Buy running shoes”". */
function shortName(item: RememberedItem): string {
  if (item.kind !== 'open_action') return 'the last session'
  const title = item.text.replace(/\s*\([^)]*\)\s*$/, '')
  return `“${title.length > 40 ? `${title.slice(0, 40).trimEnd()}…` : title}”`
}

function MemoryItemForm({ sessionId, item }: { sessionId: string; item: RememberedItem }) {
  const fetcher = useFetcher<typeof memoryAction>()
  const [form, fields] = useSchemaForm({
    id: `memory-${item.id}`,
    schema: memoryItemForm,
    lastResult: fetcher.data?.result,
    defaultValue: { itemId: item.id, text: item.text },
  })
  const saved = fetcher.state === 'idle' && fetcher.data?.result.status === 'success'
  const name = shortName(item)
  return (
    <fetcher.Form method="post" action={`/sessions/${sessionId}/memory`} {...getFormProps(form)} className="flex flex-col gap-2">
      <input type="hidden" name="itemId" value={item.id} />
      <TextAreaField
        label={item.kind === 'open_action' ? 'Open action' : 'Last session'}
        {...getTextareaProps(fields.text)}
        rows={2}
        maxLength={2000}
        errors={fields.text.errors}
      />
      <FormError>{form.errors?.join(' ')}</FormError>
      {saved ? <Notice>Saved. The coach will only see it as you wrote it.</Notice> : null}
      <div className="flex gap-2">
        <button type="submit" name="intent" value="save" aria-label={`Save ${name}`} className={buttonClass('secondary')} disabled={fetcher.state !== 'idle'}>
          Save
        </button>
        <button type="submit" name="intent" value="remove" aria-label={`Remove ${name}`} className={buttonClass('danger')} disabled={fetcher.state !== 'idle'}>
          Remove
        </button>
      </div>
    </fetcher.Form>
  )
}
