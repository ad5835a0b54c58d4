import { isIP } from 'node:net'
import path from 'node:path'
import { z } from 'zod'
import { StartupError } from './errors'

/**
 * The whole environment the app reads, validated once at start-up. Nothing else in the
 * code reads `process.env`; everything gets the parsed `Env`. Each field's description
 * says how to fix it, and a bad value stops start-up with that sentence.
 */
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional()

const envSchema = z
  .object({
    NODE_ENV: z
      .enum(['development', 'production', 'test'])
      .default('development')
      .describe('Use development, production or test.'),
    PORT: z.coerce
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(3000)
      .describe('A TCP port between 1 and 65535, e.g. PORT=3000.'),
    DATA_DIR: z
      .string()
      .trim()
      .min(1)
      .default('./data')
      .describe('A folder for the embedded database and generated secrets, e.g. DATA_DIR=./data.'),
    DATABASE_URL: optionalText
      .pipe(
        z
          .string()
          .regex(/^postgres(ql)?:\/\/.+/, 'must start with postgres:// or postgresql://')
          .optional(),
      )
      .describe(
        'A Postgres connection URL such as postgres://user@127.0.0.1:5432/db; unset it to use the embedded database.',
      ),
    DATABASE_PREPARED_STATEMENTS: z
      .enum(['auto', 'on', 'off'])
      .default('auto')
      .describe(
        "on, off or auto (on, except for a URL on port 6543, Supabase's transaction-mode pooler, which cannot keep prepared statements).",
      ),
    JOB_WORKER: z
      .enum(['on', 'off'])
      .default('on')
      .describe('on (this web process also runs the background jobs) or off (run `npm run worker` separately).'),
    HTTP_COMPRESSION: z
      .enum(['on', 'off'])
      .default('on')
      .describe('on (the app gzips its responses) or off (a proxy in front of it compresses).'),
    SESSION_SECRET: optionalText
      .pipe(z.string().min(32, 'must be at least 32 characters').optional())
      .describe(
        'A random string of at least 32 characters (e.g. `openssl rand -hex 32`); unset it to let the app generate one in DATA_DIR.',
      ),
    SUPABASE_URL: optionalText
      .pipe(z.url({ protocol: /^https?$/ }).optional())
      .describe('Your project URL from the Supabase dashboard, e.g. https://abc.supabase.co.'),
    SUPABASE_ANON_KEY: optionalText.describe(
      "Your project's anon (public) key from the Supabase dashboard.",
    ),
    SUPABASE_SERVICE_ROLE_KEY: optionalText.describe(
      "Your project's service_role key (server-side only), for deleting the account of a person who asks; unset, accounts cannot be deleted from the app.",
    ),
    OPENAI_API_KEY: optionalText.describe('An OpenAI API key (sk-...); unset it to run without AI.'),
    OPENAI_BASE_URL: optionalText
      .pipe(z.url({ protocol: /^https?$/ }).optional())
      .describe(
        'The base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 for Ollama.',
      ),
    AI_MODEL: optionalText.describe('The model name, e.g. gpt-4o-mini (the default with OpenAI) or llama3.1.'),
    TRUST_PROXY: optionalText
      .transform((value, ctx): boolean | number | string => {
        if (value === undefined || value === 'false') return false
        if (value === 'true') return true
        if (/^\d+$/.test(value)) return Number(value)
        const names = value.split(',').map((name) => name.trim())
        const bad = names.find((name) => !['loopback', 'linklocal', 'uniquelocal'].includes(name) && !isIP(name.split('/')[0] ?? ''))
        if (bad !== undefined) {
          ctx.addIssue({ code: 'custom', message: `${JSON.stringify(bad)} is not an address, a subnet, loopback, linklocal or uniquelocal. Name your proxy's address (e.g. TRUST_PROXY=10.0.0.5 or TRUST_PROXY=loopback), the number of proxies in front (TRUST_PROXY=1), or leave it unset.` })
          return z.NEVER
        }
        return names.join(', ')
      })
      .describe('Which proxy to believe X-Forwarded-For from: unset (none), an address or subnet list, loopback, or a hop count.'),
    APP_URL: optionalText
      .pipe(z.url({ protocol: /^https?$/ }).optional())
      .describe(
        'The address people open the app at, e.g. https://coach.example.com; links in emails point there (default http://localhost:PORT).',
      ),
    SMTP_URL: optionalText
      .pipe(z.string().regex(/^smtps?:\/\/.+/, 'must start with smtp:// or smtps://').optional())
      .describe(
        'An SMTP server for password-reset emails and the weekly digest, e.g. smtps://user:password@smtp.example.com:465; unset it to write reset links to the server log (and offer no digest).',
      ),
    MAIL_FROM: z
      .string()
      .trim()
      .min(3)
      .default('Stagecoach <no-reply@localhost>')
      .describe('The sender of emails, e.g. MAIL_FROM="Stagecoach <coach@example.com>".'),
    AI_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(1000)
      .max(600000)
      .default(60000)
      .describe('How long to wait for the model, in milliseconds (1000–600000).'),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.SUPABASE_URL) !== Boolean(env.SUPABASE_ANON_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.SUPABASE_URL ? 'SUPABASE_ANON_KEY' : 'SUPABASE_URL'],
        message:
          'Supabase Auth needs both SUPABASE_URL and SUPABASE_ANON_KEY; set both, or neither for built-in sign-in.',
      })
    }
    if (env.OPENAI_BASE_URL && !env.AI_MODEL) {
      ctx.addIssue({
        code: 'custom',
        path: ['AI_MODEL'],
        message: 'With OPENAI_BASE_URL, set AI_MODEL to a model your server serves (e.g. llama3.1 for Ollama).',
      })
    }
    if (env.SUPABASE_URL && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message:
          "With Supabase, set DATABASE_URL to your project's Postgres connection string (Dashboard → Connect).",
      })
    }
  })

export type Env = z.infer<typeof envSchema> & {
  /** DATA_DIR resolved to an absolute path. */
  dataDirectory: string
  /** Which sign-in backend runs: built-in email + password, or Supabase Auth. */
  authBackend: 'built-in' | 'supabase'
  /** Which database the app talks to. */
  databaseTarget: 'embedded' | 'server'
  /** Whether queries to a database server go out as prepared statements (DATABASE_PREPARED_STATEMENTS). */
  preparedStatements: boolean
  /** APP_URL without a trailing slash, or http://localhost:PORT. */
  appUrl: string
}

export class EnvError extends StartupError {
  constructor(readonly problems: string[]) {
    super(
      `Stagecoach cannot start: the environment has ${problems.length === 1 ? 'a problem' : 'problems'}.\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        '\nSet these in the shell or in a .env file you load before starting, then start again.',
    )
    this.name = 'EnvError'
  }
}

/** Keys, secrets and URLs with credentials in them (user:password@) are never printed. */
function isSecret(name: string, value: string): boolean {
  return name.includes('KEY') || name.includes('SECRET') || /\/\/[^/]*@/.test(value)
}

/** Parses an environment (normally `process.env`) or throws an EnvError naming each bad value. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source)
  if (!result.success) {
    const howToFixByName = new Map(
      Object.entries(envSchema.shape).map(([name, field]) => [name, field.description]),
    )
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment')
      const howToFix = howToFixByName.get(name)
      const given = source[name]
      const shown =
        given === undefined ? 'is not set' : `is ${isSecret(name, given) ? 'set' : JSON.stringify(given)}`
      return issue.code === 'custom'
        ? `${name}: ${issue.message}`
        : `${name} ${shown} but ${issue.message.toLowerCase()}.${howToFix ? ` ${howToFix}` : ''}`
    })
    throw new EnvError(problems)
  }
  const env = result.data
  return {
    ...env,
    dataDirectory: path.resolve(env.DATA_DIR),
    authBackend: env.SUPABASE_URL ? 'supabase' : 'built-in',
    appUrl: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    databaseTarget: env.DATABASE_URL ? 'server' : 'embedded',
    preparedStatements: usePreparedStatements(env.DATABASE_PREPARED_STATEMENTS, env.DATABASE_URL),
  }
}

/**
 * Prepared statements halve the round trips and planning of each query on a direct
 * connection; a transaction-mode pooler (Supabase's, on port 6543) hands each transaction
 * to any server connection, where a statement prepared on another one does not exist.
 */
export function usePreparedStatements(setting: 'auto' | 'on' | 'off', databaseUrl: string | undefined): boolean {
  if (setting !== 'auto') return setting === 'on'
  if (!databaseUrl) return true
  try {
    return new URL(databaseUrl).port !== '6543'
  } catch {
    return true
  }
}
