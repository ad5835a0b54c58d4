import postgres from 'postgres'
import type { Driver, Tx } from './database'

/**
 * A Postgres server (a local one, CI's, or Supabase's) through a connection pool.
 * Types are parsed the same way as on the embedded database: dates as 'YYYY-MM-DD'
 * strings, bigints as numbers, timestamps as Date; a JSON parameter may be an object or
 * JSON text (text is passed through as PGlite does, not encoded a second time).
 */
export function openPostgresDriver(url: string, options: { maxConnections?: number; prepare?: boolean } = {}): Driver {
  // Named prepared statements, unless a transaction-mode pooler sits in between (see lib/env.ts).
  const prepare = options.prepare ?? true
  const sql = postgres(url, {
    max: options.maxConnections ?? 10,
    prepare,
    onnotice: () => {},
    connection: { application_name: 'stagecoach' },
    types: {
      date: { to: 1082, from: [1082], serialize: (value: string) => value, parse: (value: string) => value },
      json: {
        to: 3802,
        from: [114, 3802],
        serialize: (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value)),
        parse: (value: string) => JSON.parse(value),
      },
      bigint: { to: 20, from: [20], serialize: (value: number) => String(value), parse: (value: string) => Number(value) },
    },
  })

  /** postgres.js types its parameters narrowly; values reach it as the driver would serialize them. */
  function toParameters(params: readonly unknown[]): postgres.ParameterOrJSON<never>[] {
    return params.map((value) => (value === undefined ? null : value)) as postgres.ParameterOrJSON<never>[]
  }

  return {
    target: 'server',
    async transaction(work) {
      const result = await sql.begin(async (transaction) => {
        const tx: Tx = {
          async query<Row extends object>(text: string, params?: readonly unknown[]) {
            const rows = await transaction.unsafe<Row[]>(text, params ? toParameters(params) : [], { prepare })
            return [...rows]
          },
          async exec(script) {
            await transaction.unsafe(script)
          },
        }
        return { value: await work(tx) }
      })
      return result.value
    },
    async exclusively(lockName, work) {
      const connection = await sql.reserve()
      try {
        await connection.unsafe('select pg_advisory_lock(hashtext($1))', [lockName])
        try {
          return await work()
        } finally {
          await connection.unsafe('select pg_advisory_unlock(hashtext($1))', [lockName])
        }
      } finally {
        connection.release()
      }
    },
    async close() {
      await sql.end({ timeout: 5 })
    },
  }
}
