import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'

const messagesByStatus: Record<number, { title: string; body: string }> = {
  400: { title: 'That request did not make sense', body: 'Go back and try again.' },
  401: { title: 'Please sign in', body: 'Sign in to see this page.' },
  403: { title: 'Not allowed', body: 'Your account cannot open this page.' },
  404: { title: 'Not found', body: 'This page does not exist, or you do not have access to it.' },
  429: { title: 'Slow down a little', body: 'Too many requests. Wait a minute, then try again.' },
  503: { title: 'Temporarily unavailable', body: 'Something we depend on is down. Try again in a moment.' },
}

/** The one error view for every route: a per-status message and a way back. */
export function GeneralErrorBoundary() {
  const error = useRouteError()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const known = messagesByStatus[status]
  if (!isRouteErrorResponse(error)) console.error(error)
  const detail = isRouteErrorResponse(error) && typeof error.data === 'string' && error.data !== 'Not found' ? error.data : null
  return (
    <div className="mx-auto max-w-xl py-12 text-center" role="alert">
      <p className="text-sm font-semibold text-brand-700">Error {status}</p>
      <h1 className="mt-2 text-2xl font-bold text-slate-900">{known?.title ?? 'Something went wrong'}</h1>
      <p className="mt-2 text-slate-700">
        {detail ?? known?.body ?? 'We hit an unexpected problem. It has been logged; try again, or go back to your dashboard.'}
      </p>
      <p className="mt-6">
        <Link to="/dashboard" className="font-semibold text-brand-700 underline">
          Back to your dashboard
        </Link>
      </p>
    </div>
  )
}
