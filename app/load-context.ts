import type { ChatModel } from '#lib/ai/model'
import type { AuthBackend } from '#lib/auth/index'
import type { Database } from '#lib/db/database'
import type { Env } from '#lib/env'

/**
 * What every loader and action gets in `context`, built per request by the server
 * (app/server/create-server.ts). Tests build the same thing around their own database.
 */
declare module '@remix-run/node' {
  interface AppLoadContext {
    db: Database
    env: Env
    auth: AuthBackend
    /** The language model, or null in guided mode (no AI configured). */
    ai: ChatModel | null
    /** The client's IP address (for rate limits). */
    ipAddress: string
    /** The nonce that lets this response's own inline scripts run under the CSP. */
    nonce: string
    /** The signed-in user's id, or null; looked up once per request. */
    getUserId(): Promise<string | null>
    /**
     * Ends this request's read unit (one transaction for what a GET reads; see
     * Database.readUnit): called once the loaders are done, before rendering.
     */
    finishReads?(): Promise<void>
    /**
     * Aborts when the browser goes away before the response is written (Stop in the chat);
     * held by the server, so it fires reliably. Absent outside the server (route tests).
     */
    browserGone?: AbortSignal
  }
}

export {}
