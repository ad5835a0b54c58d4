import { PassThrough } from 'node:stream'
import {
  createReadableStreamFromReadable,
  type AppLoadContext,
  type EntryContext,
  type HandleDataRequestFunction,
  type HandleErrorFunction,
} from '@remix-run/node'
import { isRouteErrorResponse, RemixServer } from '@remix-run/react'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { NonceProvider } from './utils/nonce'

const ABORT_DELAY_MS = 5_000
export const streamTimeout = ABORT_DELAY_MS

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // The loaders are done: commit their reads and free the connection before rendering.
  await loadContext.finishReads?.()
  // Bots get the whole page at once; browsers get it streamed as it is ready.
  const wholePageAtOnce = isbot(request.headers.get('user-agent') ?? '')
  const nonce = loadContext.nonce
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false
    const send = () => {
      shellRendered = true
      const body = new PassThrough()
      responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
      resolve(
        new Response(createReadableStreamFromReadable(body), {
          headers: responseHeaders,
          status: responseStatusCode,
        }),
      )
      pipe(body)
    }
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY_MS} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        onShellReady() {
          if (!wholePageAtOnce) send()
        },
        onAllReady() {
          clearTimeout(abortTimer)
          if (wholePageAtOnce) send()
        },
        onShellError(error: unknown) {
          clearTimeout(abortTimer)
          reject(error)
        },
        onError(error: unknown) {
          responseStatusCode = 500
          // Errors while streaming the shell are reported by onShellError; log the rest.
          if (shellRendered) console.error(error)
        },
      },
    )
    // Stops a render still streaming after the timeout; cleared above once everything is
    // rendered (React calls back later, never during this call): a pending timer would keep
    // the request's whole render in memory until it fired, six seconds of pages under load
    // (issue 10: the server's memory after 10,000 requests).
    const abortTimer = setTimeout(abort, ABORT_DELAY_MS + 1000)
  })
}

/** Loader data for client-side navigations: the loaders are done, so their read unit ends here too. */
export const handleDataRequest: HandleDataRequestFunction = async (response, { context }) => {
  await context.finishReads?.()
  return response
}

/** Logs unexpected server errors; a page that does not exist or a cancelled request is not one. */
export const handleError: HandleErrorFunction = (error, { request }) => {
  if (request.signal.aborted) return
  if (isRouteErrorResponse(error) && error.status < 500) return
  console.error(error)
}
