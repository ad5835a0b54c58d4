import { getFormProps, getInputProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { isoDateInZone } from '#lib/dates.shared'
import { assignTemplate, templateStandings } from '#lib/library/assigning'
import { assignForm, templatePageForm, type TemplateItem } from '#lib/library/library.shared'
import { coachedProgram, deleteTemplate, getTemplate, listTags, programClients, saveTemplate } from '#lib/library/templates'
import { getProfile } from '#lib/profiles'
import { countOf } from '#lib/words.shared'
import { useSchemaForm } from '~/components/conform'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, Notice, SubmitButton, TextField } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { DueBadge } from '~/components/library/badges'
import { LibraryNav } from '~/components/library/library-nav'
import { TemplateEditor, type TemplateEditorValue } from '~/components/library/template-editor'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { invariantResponse, requireIdParam } from '~/utils/http'

/** A template: edit it, assign it to clients with a due date, and see who has done it. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const templateId = requireIdParam(params.templateId)
  const program = await coachedProgram(context.db, { userId, programId })
  invariantResponse(program, 'Not found', { status: 404 })
  const template = await getTemplate(context.db, { userId, templateId })
  invariantResponse(template && template.programId === programId, 'Not found', { status: 404 })
  const [tags, clients, standings, profile] = await Promise.all([
    listTags(context.db, { userId, programId }),
    programClients(context.db, { userId, programId }),
    templateStandings(context.db, { userId, templateId }),
    getProfile(context.db, { userId }),
  ])
  const timezone = profile?.timezone ?? 'UTC'
  return { program, template, tags, clients, standings, timezone, today: isoDateInZone(new Date(), timezone) }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const templateId = requireIdParam(params.templateId)
  const submission = await readSubmission(request, templatePageForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const input = submission.value
  try {
    switch (input.intent) {
      case 'save':
        await saveTemplate(context.db, { userId, templateId, input })
        return { ok: true as const, intent: 'save' as const, message: 'Template saved.' }
      case 'assign': {
        const sessionIds = await assignTemplate(context.db, { userId, templateId, clientIds: input.clientIds, dueOn: input.dueOn })
        return { ok: true as const, intent: 'assign' as const, message: `Assigned: ${countOf(sessionIds.length, 'session')} created, due ${input.dueOn}.` }
      }
      case 'delete':
        await deleteTemplate(context.db, { userId, templateId })
        return redirect(`/programs/${programId}/library`)
    }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function TemplatePage() {
  const { program, template, tags, clients, standings, timezone, today } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting' ? navigation.formData?.get('intent') : null
  const failure = result && !result.ok ? result.result : null
  const failedIntent = failure?.initialValue?.intent
  const [assign, assignFields] = useSchemaForm({
    id: 'assign-template',
    schema: assignForm,
    lastResult: failedIntent === 'assign' ? failure : null,
    defaultValue: { intent: 'assign', dueOn: today },
    checkInBrowser: false,
  })

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={template.title}>
        <LibraryNav programId={program.id} current={null} />
      </PageHeader>
      <p className="-mt-4 text-sm text-slate-600">
        {program.name} · {template.sessionCount === 0 ? 'No sessions made from it yet' : `${countOf(template.sessionCount, 'session')} came from this template`}
      </p>

      {result?.ok ? <Notice>{result.message}</Notice> : null}
      {failedIntent === 'delete' ? <FormError>{failure?.error?.['']?.join(' ')}</FormError> : null}

      <TemplateEditor
        key={template.id}
        programId={program.id}
        defaultValue={editorValue(template)}
        tags={tags}
        lastResult={failedIntent === 'save' ? failure : null}
        pending={busy === 'save'}
      />

      <Card title="Assign to clients">
        {clients.length === 0 ? (
          <EmptyState title="This program has no clients yet">Invite clients from the program page, then assign this template to them.</EmptyState>
        ) : (
          <Form method="post" {...getFormProps(assign)} className="flex flex-col gap-4">
            <input type="hidden" name="intent" value="assign" />
            <FormError>{assign.errors?.join(' ')}</FormError>
            <fieldset className="flex flex-col gap-2" aria-describedby={assignFields.clientIds.errors ? `${assign.id}-clients-errors` : undefined}>
              <legend className="text-sm font-medium text-slate-800">Clients</legend>
              <div className="flex flex-wrap gap-4">
                {clients.map((client) => (
                  <label key={client.id} className="flex items-center gap-2 text-sm">
                    <input type="checkbox" name={assignFields.clientIds.name} value={client.id} className="h-4 w-4" />
                    {client.name}
                  </label>
                ))}
              </div>
              {assignFields.clientIds.errors ? (
                <p id={`${assign.id}-clients-errors`} className="text-sm text-red-700">
                  {assignFields.clientIds.errors.join(' ')}
                </p>
              ) : null}
            </fieldset>
            <div className="sm:max-w-xs">
              <TextField label="Due on" {...getInputProps(assignFields.dueOn, { type: 'date' })} required errors={assignFields.dueOn.errors} hint="Due at the end of that day where each client lives." />
            </div>
            <div>
              <SubmitButton pending={busy === 'assign'} pendingText="Assigning…">
                Assign
              </SubmitButton>
            </div>
          </Form>
        )}
      </Card>

      <Card title="Who has done it">
        {standings.length === 0 ? (
          <p className="text-sm text-slate-600">No clients in this program yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <th scope="col" className="py-2 font-medium">
                  Client
                </th>
                <th scope="col" className="py-2 font-medium">
                  Status
                </th>
              </tr>
            </thead>
            <tbody>
              {standings.map((standing) => (
                <tr key={standing.clientId} className="border-b border-slate-100">
                  <td className="py-2">
                    <Link to={`/programs/${program.id}/clients/${standing.clientId}`} className="text-brand-700 underline">
                      {standing.clientName}
                    </Link>
                  </td>
                  <td className="py-2">
                    {standing.sessionId ? (
                      <Link to={`/sessions/${standing.sessionId}`} aria-label={`${standing.clientName}’s session`}>
                        <DueBadge state={standing.state} completedAt={standing.completedAt} dueAt={standing.dueAt} timeZone={timezone} />
                      </Link>
                    ) : (
                      <DueBadge state={standing.state} timeZone={timezone} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <Card title="Delete this template">
        <p className="mb-3 text-sm text-slate-600">
          A template that sessions came from stays as their history; one in a module must leave the module first.
        </p>
        <Form method="post">
          <input type="hidden" name="intent" value="delete" />
          <SubmitButton variant="danger" pending={busy === 'delete'} pendingText="Deleting…">
            Delete template
          </SubmitButton>
        </Form>
      </Card>
    </div>
  )
}

const text = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value))

function editorValue(template: {
  title: string
  description: string
  includesConversation: boolean
  isPublic: boolean
  stagePrompts: Record<string, string | undefined>
  tags: { id: string }[]
  items: (TemplateItem & { exerciseName: string | null })[]
}): TemplateEditorValue {
  return {
    title: template.title,
    description: template.description,
    includesConversation: template.includesConversation,
    isPublic: template.isPublic,
    stagePrompts: Object.fromEntries(Object.entries(template.stagePrompts).map(([slug, prompt]) => [slug, prompt ?? ''])),
    tagIds: template.tags.map((tag) => tag.id),
    items: template.items.map((item) => {
      const p = item.prescription
      return {
        key: item.key,
        kind: item.kind,
        title: item.title,
        instructions: item.instructions,
        exercise: item.exerciseName ?? '',
        prescriptionType: p?.type ?? 'none',
        sets: p?.type === 'strength' ? text(p.sets) : '',
        reps: p?.type === 'strength' ? text(p.reps) : '',
        restSeconds: p?.type === 'strength' ? text(p.restSeconds) : '',
        tempo: p?.type === 'strength' ? (p.tempo ?? '') : '',
        modality: p?.type === 'endurance' ? p.modality : '',
        durationMinutes: p?.type === 'endurance' ? text(p.durationMinutes) : '',
        distanceKm: p?.type === 'endurance' ? text(p.distanceKm) : '',
        intensityKind: p?.intensity?.kind ?? '',
        intensityValue: text(p?.intensity?.value),
        metrics: item.metrics.map((metric) => ({
          key: metric.key,
          kind: metric.kind,
          label: metric.label,
          unit: metric.unit ?? '',
          target: text(metric.target),
          targetMin: text(metric.targetMin),
          targetMax: text(metric.targetMax),
          benchmark: metric.benchmark ? 'on' : undefined,
        })),
      }
    }),
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.template.title} · Library · Stagecoach` : 'Template · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
