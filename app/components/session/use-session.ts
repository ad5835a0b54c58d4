import { useRouteLoaderData } from '@remix-run/react'
import type { loader } from '~/routes/sessions.$sessionId'

/** The session as the layout route loaded it, for its child routes: it is loaded once per page. */
export function useSessionData() {
  const data = useRouteLoaderData<typeof loader>('routes/sessions.$sessionId')
  if (!data) throw new Error('useSessionData is for routes under /sessions/:sessionId')
  return data
}

export type SessionData = ReturnType<typeof useSessionData>['session']
export type StageData = SessionData['stages'][number]
