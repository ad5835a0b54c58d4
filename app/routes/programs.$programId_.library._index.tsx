import { getFormProps, getInputProps, getSelectProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { libraryPageForm, tagColours } from '#lib/library/library.shared'
import { coachedProgram, createTag, createTemplate, deleteTag, listTags, listTemplates } from '#lib/library/templates'
import { countOf } from '#lib/words.shared'
import { useSchemaForm } from '~/components/conform'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, SelectField, SubmitButton, TextField, buttonClass } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { TagChip } from '~/components/library/badges'
import { LibraryNav } from '~/components/library/library-nav'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { invariantResponse, requireIdParam } from '~/utils/http'

/** A program's library: its templates (by tag, a page at a time), new templates, and its tags. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const url = new URL(request.url)
  const tagParam = url.searchParams.get('tag')
  const program = await coachedProgram(context.db, { userId, programId })
  invariantResponse(program, 'Not found', { status: 404 })
  const tags = await listTags(context.db, { userId, programId })
  const tagId = tags.some((tag) => tag.id === tagParam) ? tagParam : null
  const { templates, next } = await listTemplates(context.db, { userId, programId, tagId, after: url.searchParams.get('after') })
  return { program, tags, tagId, templates, next, paged: url.searchParams.has('after') }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const submission = await readSubmission(request, libraryPageForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const input = submission.value
  try {
    switch (input.intent) {
      case 'create-template': {
        const templateId = await createTemplate(context.db, { userId, programId, title: input.title })
        return redirect(`/programs/${programId}/library/templates/${templateId}`)
      }
      case 'create-tag':
        await createTag(context.db, { userId, programId, name: input.name, colour: input.colour })
        return { ok: true as const, intent: input.intent }
      case 'delete-tag':
        await deleteTag(context.db, { userId, tagId: input.tagId })
        return { ok: true as const, intent: input.intent }
    }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function Library() {
  const { program, tags, tagId, templates, next, paged } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting' ? navigation.formData?.get('intent') : null
  const failure = result && !result.ok ? result.result : null
  const failedIntent = failure?.initialValue?.intent
  const [templateForm, templateFields] = useSchemaForm({
    id: 'create-template',
    schema: libraryPageForm,
    lastResult: failedIntent === 'create-template' ? failure : null,
    defaultValue: { intent: 'create-template' },
    checkInBrowser: false,
  })
  const [tagForm, tagFields] = useSchemaForm({
    id: 'create-tag',
    schema: libraryPageForm,
    lastResult: failedIntent === 'create-tag' ? failure : result?.ok && result.intent === 'create-tag' ? null : null,
    defaultValue: { intent: 'create-tag', colour: 'slate' },
    checkInBrowser: false,
  })
  const base = `/programs/${program.id}/library`

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={`Library · ${program.name}`}>
        <LibraryNav programId={program.id} current="templates" />
      </PageHeader>

      {failedIntent === 'delete-tag' ? <FormError>{failure?.error?.['']?.join(' ')}</FormError> : null}

      <Card title="Session templates">
        {tags.length > 0 ? (
          <nav aria-label="Filter by tag" className="mb-4 flex flex-wrap items-center gap-2 text-sm">
            <span className="text-slate-600">Show:</span>
            <Link to={base} aria-current={tagId ? undefined : 'page'} className={tagId ? 'text-brand-700 underline' : 'font-semibold text-slate-900'}>
              All
            </Link>
            {tags.map((tag) => (
              <Link key={tag.id} to={`${base}?tag=${tag.id}`} aria-current={tagId === tag.id ? 'page' : undefined} className={tagId === tag.id ? 'font-semibold' : ''}>
                <TagChip name={tag.name} colour={tag.colour} />
              </Link>
            ))}
          </nav>
        ) : null}
        {templates.length === 0 ? (
          <EmptyState title={tagId ? 'No templates with this tag' : 'Your library is empty'}>
            {tagId
              ? 'Tag a template on its page, or show all templates.'
              : 'A template is a session you can assign again and again: drills, exercises with a prescription, reflection prompts, and what to measure. Create the first one below.'}
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {templates.map((template) => (
              <li key={template.id} className="flex flex-col gap-1 py-3 sm:flex-row sm:items-center sm:justify-between">
                <div className="flex flex-col gap-1">
                  <Link to={`${base}/templates/${template.id}`} className="font-medium text-brand-700 underline">
                    {template.title}
                  </Link>
                  <div className="flex flex-wrap gap-1">
                    {template.tags.map((tag) => (
                      <TagChip key={tag.id} name={tag.name} colour={tag.colour} />
                    ))}
                  </div>
                </div>
                <span className="text-sm text-slate-600">
                  {countOf(template.itemCount, 'item')}
                  {template.includesConversation ? ' · with the coaching conversation' : ''}
                  {template.isPublic ? ' · public to clients' : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
        <div className="mt-3 flex gap-3">
          {paged ? (
            <Link to={tagId ? `${base}?tag=${tagId}` : base} className={buttonClass('secondary')}>
              Back to the newest
            </Link>
          ) : null}
          {next ? (
            <Link to={`${base}?${new URLSearchParams({ ...(tagId ? { tag: tagId } : {}), after: next })}`} className={buttonClass('secondary')}>
              Older templates
            </Link>
          ) : null}
        </div>
      </Card>

      <Card title="New template">
        <Form method="post" {...getFormProps(templateForm)} className="flex flex-col gap-4 sm:max-w-md">
          <FormError>{templateForm.errors?.join(' ')}</FormError>
          <input type="hidden" name="intent" value="create-template" />
          <TextField
            label="Title"
            {...getInputProps(templateFields.title, { type: 'text' })}
            required
            maxLength={200}
            hint="For example “Initial Assessment” or “Lower body strength”."
            errors={templateFields.title.errors}
          />
          <div>
            <SubmitButton pending={busy === 'create-template'} pendingText="Creating…">
              Create and edit
            </SubmitButton>
          </div>
        </Form>
      </Card>

      <Card title="Tags">
        {tags.length === 0 ? (
          <p className="mb-3 text-sm text-slate-600">No tags yet. Tags sort your library: “onboarding”, “milestone”, “strength”…</p>
        ) : (
          <ul className="mb-4 flex flex-wrap gap-2">
            {tags.map((tag) => (
              <li key={tag.id} className="flex items-center gap-1 rounded-md border border-slate-200 px-2 py-1">
                <TagChip name={tag.name} colour={tag.colour} />
                <Form method="post">
                  <input type="hidden" name="intent" value="delete-tag" />
                  <input type="hidden" name="tagId" value={tag.id} />
                  <button type="submit" className="px-1 text-sm text-red-700 underline" aria-label={`Delete the tag ${tag.name}`}>
                    Delete
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
        <Form method="post" {...getFormProps(tagForm)} className="flex flex-col gap-3 sm:flex-row sm:items-end">
          <input type="hidden" name="intent" value="create-tag" />
          <TextField label="Tag name" {...getInputProps(tagFields.name, { type: 'text' })} required maxLength={40} errors={tagFields.name.errors} />
          <SelectField label="Colour" {...getSelectProps(tagFields.colour)} errors={tagFields.colour.errors}>
            {tagColours.map((colour) => (
              <option key={colour} value={colour}>
                {colour[0]!.toUpperCase() + colour.slice(1)}
              </option>
            ))}
          </SelectField>
          <SubmitButton variant="secondary" pending={busy === 'create-tag'} pendingText="Adding…">
            Add tag
          </SubmitButton>
        </Form>
        {failedIntent === 'create-tag' ? <FormError>{tagForm.errors?.join(' ')}</FormError> : null}
      </Card>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Library · ${data.program.name} · Stagecoach` : 'Library · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
