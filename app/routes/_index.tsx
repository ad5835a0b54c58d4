import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { stages } from '#lib/coaching/stages.shared'
import { countOf } from '#lib/words.shared'
import { buttonClass, Notice } from '~/components/form'

export async function loader({ request, context }: LoaderFunctionArgs) {
  const accountDeleted = new URL(request.url).searchParams.get('account') === 'deleted'
  return { signedIn: Boolean(await context.getUserId()), accountDeleted }
}

export default function Landing() {
  const { signedIn, accountDeleted } = useLoaderData<typeof loader>()
  return (
    <div className="flex flex-col gap-12">
      {accountDeleted ? <Notice>Your account and everything in it have been deleted.</Notice> : null}
      <section className="flex flex-col gap-5 pt-4">
        <h1 className="text-3xl font-bold leading-tight text-slate-900 sm:text-5xl">
          Coaching conversations that end in a plan you keep.
        </h1>
        <p className="max-w-2xl text-lg text-slate-700">
          Stagecoach walks you through a five-stage coaching conversation — with an AI coach on your own, or with
          your human coach leading — and turns what you said into a summary, a goal and action plans with milestones
          you track until they are done.
        </p>
        <div className="flex flex-wrap gap-3">
          {signedIn ? (
            <Link to="/dashboard" className={buttonClass('primary')}>
              Go to your dashboard
            </Link>
          ) : (
            <>
              <Link to="/signup" className={buttonClass('primary')}>
                Create an account
              </Link>
              <Link to="/login" className={buttonClass('secondary')}>
                Sign in
              </Link>
            </>
          )}
        </div>
      </section>

      <section aria-labelledby="stages-heading">
        <h2 id="stages-heading" className="mb-4 text-xl font-semibold">
          {countOf(stages.length, 'stage')}, every session
        </h2>
        <ol className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
          {stages.map((stage, index) => (
            <li key={stage.name} className="rounded-lg border border-slate-200 bg-white p-4">
              <p className="text-sm font-semibold text-brand-700">Stage {index + 1}</p>
              <p className="font-semibold">{stage.name}</p>
              <p className="mt-1 text-sm text-slate-600">{stage.purpose}</p>
            </li>
          ))}
        </ol>
      </section>

      <section className="grid gap-4 sm:grid-cols-3">
        <div>
          <h2 className="font-semibold">For clients</h2>
          <p className="text-sm text-slate-600">
            Coach yourself any time. Next week, Check In starts with how your actions went.
          </p>
        </div>
        <div>
          <h2 className="font-semibold">For coaches</h2>
          <p className="text-sm text-slate-600">
            Lead sessions with an AI co-pilot that suggests questions and drafts notes you review.
          </p>
        </div>
        <div>
          <h2 className="font-semibold">Private by design</h2>
          <p className="text-sm text-slate-600">
            Your sessions are yours. A coach sees only what you share with them, in a program you both belong to.
          </p>
        </div>
      </section>
    </div>
  )
}

export const meta: MetaFunction = () => [
  { title: 'Stagecoach — AI coaching conversations and action plans' },
  { name: 'description', content: 'Five-stage coaching sessions with an AI coach or your own coach, ending in action plans you track.' },
]
