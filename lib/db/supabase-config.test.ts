import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

// supabase/config.toml drives `supabase start` and `supabase db push`; it should describe
// the Supabase that new projects get (docs/deploy-supabase.md), not an older one.
const config = fs.readFileSync(path.resolve(import.meta.dirname, '../../supabase/config.toml'), 'utf8')

describe('supabase/config.toml', () => {
  it('pins the Postgres major version of new Supabase projects (17)', () => {
    expect(/^major_version\s*=\s*(\d+)/m.exec(config)?.[1]).toBe('17')
  })

  it('lets email links come back to /auth/confirm', () => {
    expect(/^additional_redirect_urls\s*=\s*\[(.*)\]/m.exec(config)?.[1]).toContain('/auth/confirm')
  })
})
