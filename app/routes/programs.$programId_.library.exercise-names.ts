import type { LoaderFunctionArgs } from '@remix-run/node'
import { searchExercises } from '#lib/library/templates'
import { requireUserId } from '~/utils/auth.server'
import { requireIdParam } from '~/utils/http'

/** Exercise names starting with ?prefix=, for the template editor's "pick an exercise by typing". */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const prefix = (new URL(request.url).searchParams.get('prefix') ?? '').slice(0, 100)
  const exercises = prefix.trim() ? await searchExercises(context.db, { userId, programId, prefix, limit: 12 }) : []
  return { names: exercises.map((exercise) => exercise.name) }
}
