import type { LoaderFunctionArgs } from '@remix-run/node'

const PING_TIMEOUT_MS = 3_000

/** 200 when the app can reach its database, 503 when it cannot (for load balancers and monitors). */
export async function loader({ context }: LoaderFunctionArgs) {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS)
  })
  try {
    await Promise.race([context.db.ping(), timeout])
    return Response.json({ status: 'ok', database: 'reachable' }, { status: 200 })
  } catch (error) {
    console.error('healthz: database unreachable', error)
    return Response.json({ status: 'unavailable', database: 'unreachable' }, { status: 503 })
  } finally {
    clearTimeout(timer)
  }
}
