import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { clientProgress, ratingSeries } from '#lib/measures/progress'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { PageHeader } from '~/components/layout'
import { ProgressView } from '~/components/progress/progress-view'
import { requireUserId } from '~/utils/auth.server'

/** The client's own progress: adherence, benchmarks, planned against done, ratings over time. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const metricLabel = new URL(request.url).searchParams.get('metric')?.slice(0, 80) ?? null
  const progress = await clientProgress(context.db, { userId, metricLabel })
  return { progress, ratingSeries: ratingSeries.map(({ key, label }) => ({ key, label })) }
}

export default function Progress() {
  const { progress, ratingSeries } = useLoaderData<typeof loader>()
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Your progress" />
      <ProgressView progress={progress} ratingSeries={ratingSeries} who="you" />
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Your progress · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
