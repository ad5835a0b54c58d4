import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Driver } from './database'

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const migrationsDirectory = path.join(projectRoot, 'supabase/migrations')
export const bootstrapPath = path.join(projectRoot, 'lib/db/bootstrap.sql')

export interface Migration {
  /** The timestamp prefix of the file name, e.g. 20261121000100. */
  version: string
  /** The rest of the file name, e.g. people_and_programs. */
  name: string
  sql: string
}

/** The migrations in supabase/migrations, oldest first. */
export function readMigrations(directory = migrationsDirectory): Migration[] {
  return fs
    .readdirSync(directory)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = /^(\d{14})_(\w+)\.sql$/.exec(file)
      if (!match?.[1] || !match[2]) {
        throw new Error(`Migration file ${file} should be named <14-digit timestamp>_<what>.sql`)
      }
      return { version: match[1], name: match[2], sql: fs.readFileSync(path.join(directory, file), 'utf8') }
    })
}

/**
 * Brings a database up to date: first the bootstrap (what Supabase provides, created only
 * where missing), then each migration not yet applied, in order, each in its own
 * transaction together with the record that it ran. Records go in the table the Supabase
 * CLI uses, so `supabase db push` and this runner agree on what is applied. Holding a
 * lock throughout makes it safe to run from two processes at once.
 */
export async function migrate(
  driver: Driver,
  options: { migrations?: Migration[]; log?: (line: string) => void } = {},
): Promise<{ applied: string[] }> {
  const migrations = options.migrations ?? readMigrations()
  const log = options.log ?? (() => {})
  return driver.exclusively('stagecoach:migrate', async () => {
    await driver.transaction(async (tx) => {
      await tx.exec(fs.readFileSync(bootstrapPath, 'utf8'))
      // Looked up first: on Supabase the CLI may already have made these, owned by someone else.
      await tx.exec(`
        do $$
        begin
          if to_regnamespace('supabase_migrations') is null then
            create schema supabase_migrations;
          end if;
          if to_regclass('supabase_migrations.schema_migrations') is null then
            create table supabase_migrations.schema_migrations (
              version text primary key,
              statements text[],
              name text
            );
          end if;
        end
        $$;
      `)
    })
    const appliedRows = await driver.transaction((tx) =>
      tx.query<{ version: string }>('select version from supabase_migrations.schema_migrations'),
    )
    const alreadyApplied = new Set(appliedRows.map((row) => row.version))
    const applied: string[] = []
    for (const migration of migrations) {
      if (alreadyApplied.has(migration.version)) continue
      await driver.transaction(async (tx) => {
        await tx.exec(migration.sql)
        await tx.query(
          'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)',
          [migration.version, migration.name, [migration.sql]],
        )
      })
      log(`applied ${migration.version}_${migration.name}`)
      applied.push(migration.version)
    }
    return { applied }
  })
}
