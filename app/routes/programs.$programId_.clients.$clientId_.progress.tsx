import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { coachedProgram } from '#lib/library/templates'
import { clientProgress, ratingSeries } from '#lib/measures/progress'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { PageHeader } from '~/components/layout'
import { ProgressView } from '~/components/progress/progress-view'
import { requireUserId } from '~/utils/auth.server'
import { invariantResponse, requireIdParam } from '~/utils/http'

/** A client's progress as their coach sees it: only what the client's sessions share with the coach. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const clientId = requireIdParam(params.clientId)
  const metricLabel = new URL(request.url).searchParams.get('metric')?.slice(0, 80) ?? null
  const program = await coachedProgram(context.db, { userId, programId })
  invariantResponse(program, 'Not found', { status: 404 })
  const [progress, name] = await Promise.all([
    clientProgress(context.db, { userId, clientId, metricLabel }),
    context.db.asUser(userId, (tx) =>
      tx.query<{ display_name: string }>(
        `select p.display_name from private.my_clients() c join public.profiles p on p.id = c.client_id where c.client_id = $1 and c.program_id = $2`,
        [clientId, programId],
      ),
    ),
  ])
  invariantResponse(name[0], 'Not found', { status: 404 })
  return { progress, programId, clientId, clientName: name[0].display_name, ratingSeries: ratingSeries.map(({ key, label }) => ({ key, label })) }
}

export default function ClientProgress() {
  const { progress, programId, clientId, clientName, ratingSeries } = useLoaderData<typeof loader>()
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={`${clientName}’s progress`}>
        <Link to={`/programs/${programId}/clients/${clientId}`} className="text-sm text-brand-700 underline">
          Back to {clientName}
        </Link>
      </PageHeader>
      <p className="text-sm text-slate-600">What {clientName} shares with you: sessions you assigned, led or they shared.</p>
      <ProgressView progress={progress} ratingSeries={ratingSeries} who={clientName} />
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.clientName}’s progress · Stagecoach` : 'Progress · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
