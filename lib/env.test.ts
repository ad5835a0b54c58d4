import { describe, expect, it } from 'vitest'
import { EnvError, parseEnv, usePreparedStatements } from './env'

function problems(source: Record<string, string>): string[] {
  try {
    parseEnv(source)
  } catch (error) {
    if (error instanceof EnvError) return error.problems
    throw error
  }
  return []
}

describe('environment', () => {
  it('starts with nothing set: embedded database, built-in sign-in, port 3000, AI off', () => {
    const env = parseEnv({})
    expect(env).toMatchObject({
      PORT: 3000,
      databaseTarget: 'embedded',
      authBackend: 'built-in',
    })
    expect(env.OPENAI_API_KEY ?? env.OPENAI_BASE_URL).toBeUndefined()
    expect(env.dataDirectory).toMatch(/data$/)
  })

  it('treats blank values as unset', () => {
    const env = parseEnv({ DATABASE_URL: '  ', OPENAI_API_KEY: '' })
    expect(env.databaseTarget).toBe('embedded')
    expect(env.OPENAI_API_KEY).toBeUndefined()
  })

  it('names each bad value and says how to fix it', () => {
    const found = problems({ PORT: 'eighty', DATABASE_URL: 'mysql://x', OPENAI_BASE_URL: 'not a url' })
    expect(found).toHaveLength(3)
    expect(found[0]).toMatch(/^PORT is "eighty" but .*A TCP port between 1 and 65535/)
    expect(found[1]).toMatch(/^DATABASE_URL is "mysql:\/\/x" but must start with postgres:\/\/.*unset it to use the embedded database/)
    expect(found[2]).toMatch(/^OPENAI_BASE_URL .*OpenAI-compatible server/)
  })

  it('never prints a secret value', () => {
    const [problem] = problems({ SESSION_SECRET: 'too-short-secret' })
    expect(problem).toMatch(/^SESSION_SECRET is set but must be at least 32 characters/)
    expect(problem).not.toContain('too-short-secret')
  })

  it('requires both Supabase settings, and a database URL with them', () => {
    expect(problems({ SUPABASE_URL: 'https://abc.supabase.co' })).toEqual([
      'SUPABASE_ANON_KEY: Supabase Auth needs both SUPABASE_URL and SUPABASE_ANON_KEY; set both, or neither for built-in sign-in.',
      "DATABASE_URL: With Supabase, set DATABASE_URL to your project's Postgres connection string (Dashboard → Connect).",
    ])
    expect(
      parseEnv({ SUPABASE_URL: 'https://abc.supabase.co', SUPABASE_ANON_KEY: 'anon', DATABASE_URL: 'postgres://db/x' }).authBackend,
    ).toBe('supabase')
  })

  it('takes email settings: SMTP_URL, MAIL_FROM, and APP_URL for the links (defaulting to localhost and PORT)', () => {
    expect(parseEnv({ PORT: '8080' }).appUrl).toBe('http://localhost:8080')
    const env = parseEnv({ APP_URL: 'https://coach.example.com/', SMTP_URL: 'smtps://u:p@smtp.example.com:465', MAIL_FROM: 'Coach <c@example.com>' })
    expect([env.appUrl, env.SMTP_URL, env.MAIL_FROM]).toEqual(['https://coach.example.com', 'smtps://u:p@smtp.example.com:465', 'Coach <c@example.com>'])
    const [app, smtp] = problems({ SMTP_URL: 'mail://user:hunter2@smtp.example.com', APP_URL: 'coach.example.com' })
    expect(smtp).toMatch(/^SMTP_URL is set but must start with smtp:\/\/ or smtps:\/\//)
    expect(smtp).not.toContain('hunter2')
    expect(app).toMatch(/^APP_URL is "coach.example.com" but .*links in emails point there/)
  })

  it('makes the whole message start-up prints', () => {
    expect(() => parseEnv({ PORT: '0' })).toThrow(/Stagecoach cannot start: the environment has a problem\.\n  - PORT/)
  })

  it('trusts no proxy unless TRUST_PROXY names one', () => {
    expect(parseEnv({}).TRUST_PROXY).toBe(false)
    expect(parseEnv({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false)
    expect(parseEnv({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1)
    expect(parseEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::1' }).TRUST_PROXY).toBe('loopback, 10.0.0.0/8, fd00::1')
    expect(problems({ TRUST_PROXY: 'my-proxy' })).toEqual([
      'TRUST_PROXY: "my-proxy" is not an address, a subnet, loopback, linklocal or uniquelocal. Name your proxy\'s address (e.g. TRUST_PROXY=10.0.0.5 or TRUST_PROXY=loopback), the number of proxies in front (TRUST_PROXY=1), or leave it unset.',
    ])
  })
})

describe('prepared statements and compression settings', () => {
  it('prepares statements on direct connections and not through a transaction-mode pooler, unless told', () => {
    expect(parseEnv({ DATABASE_URL: 'postgres://u@db.example.com:5432/postgres' }).preparedStatements).toBe(true)
    expect(parseEnv({ DATABASE_URL: 'postgres://u@pooler.example.com:6543/postgres' }).preparedStatements).toBe(false)
    expect(parseEnv({ DATABASE_URL: 'postgres://u@pooler.example.com:6543/postgres', DATABASE_PREPARED_STATEMENTS: 'on' }).preparedStatements).toBe(true)
    expect(parseEnv({ DATABASE_URL: 'postgres://u@db.example.com:5432/postgres', DATABASE_PREPARED_STATEMENTS: 'off' }).preparedStatements).toBe(false)
    expect(usePreparedStatements('auto', undefined)).toBe(true)
    expect(() => parseEnv({ DATABASE_PREPARED_STATEMENTS: 'sometimes' })).toThrow(/DATABASE_PREPARED_STATEMENTS is "sometimes" but/)
  })

  it('compresses responses unless a proxy is said to', () => {
    expect(parseEnv({}).HTTP_COMPRESSION).toBe('on')
    expect(parseEnv({ HTTP_COMPRESSION: 'off' }).HTTP_COMPRESSION).toBe('off')
    expect(() => parseEnv({ HTTP_COMPRESSION: 'gzip' })).toThrow(/HTTP_COMPRESSION is "gzip" but/)
  })
})
