/**
 * The schema as Supabase's database linter sees it, read from the catalog on every target:
 * row-level security and grants on every table, one permissive policy per table, role and
 * action, no function called once per row by a policy, security-definer functions
 * executable only by the roles that need them, and an index behind every foreign key.
 * (What the policies allow is the access matrix's job.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../support/database'

let testDb: TestDatabase
const catalog = <Row extends object>(sql: string) => testDb.db.asService((tx) => tx.query<Row>(sql))

beforeAll(async () => {
  testDb = await createTestDatabase()
})

afterAll(async () => {
  await testDb?.close()
})

describe('tables in public', () => {
  it('all have row-level security and privileges for authenticated, and none for anon', async () => {
    const tables = await catalog<{ name: string; rls: boolean; authenticated: boolean; anon: boolean }>(`
      select c.relname as name, c.relrowsecurity as rls,
        -- Some columns may be all a person reads (audit_log keeps the address and user agent back).
        has_any_column_privilege('authenticated', c.oid, 'SELECT') as authenticated,
        has_table_privilege('anon', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') as anon
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm')
      order by 1`)
    expect(tables.length).toBeGreaterThanOrEqual(11)
    expect(tables.filter((t) => !t.rls || !t.authenticated || t.anon)).toEqual([])
  })

  it('let no API role write audit_log or read its addresses, or update the columns that say whom a row belongs to', async () => {
    const writable = await catalog<{ grantee: string; what: string }>(`
      select r.rolname as grantee, c.relname || '.' || coalesce(a.attname, '*') || ' ' || p.privilege as what
      from (values ('anon'), ('authenticated'), ('service_role')) r(rolname)
      cross join (values
        ('audit_log', null, 'INSERT'), ('audit_log', null, 'UPDATE'), ('audit_log', null, 'DELETE'),
        ('audit_log', null, 'TRUNCATE'), ('audit_log', 'ip_address', 'SELECT'), ('audit_log', 'user_agent', 'SELECT'),
        ('coaching_sessions', 'user_id', 'UPDATE'), ('coaching_sessions', 'coach_id', 'UPDATE'),
        ('coaching_sessions', 'program_id', 'UPDATE'), ('coaching_sessions', 'source', 'UPDATE'),
        ('coaching_sessions', 'session_type', 'UPDATE'), ('coaching_sessions', 'visibility', 'UPDATE'),
        ('action_plans', 'user_id', 'UPDATE'), ('action_plans', 'session_id', 'UPDATE'),
        ('milestones', 'action_plan_id', 'UPDATE'), ('stage_responses', 'session_id', 'UPDATE'),
        ('program_members', 'user_id', 'UPDATE'), ('program_members', 'role', 'UPDATE'),
        ('program_members', 'program_id', 'UPDATE'), ('program_invites', 'program_id', 'UPDATE'),
        ('programs', 'created_by', 'UPDATE'), ('profiles', 'id', 'UPDATE'),
        ('calendar_feeds', 'user_id', 'UPDATE'), ('session_summary_drafts', 'session_id', 'UPDATE'),
        ('reply_claims', 'user_id', 'UPDATE'), ('reply_claims', 'session_id', 'UPDATE'),
        ('reply_claims', 'message_id', 'UPDATE'), ('session_memories', 'session_id', 'UPDATE'),
        ('email_digest_settings', 'user_id', 'UPDATE'), ('email_digests_sent', null, 'INSERT'),
        ('email_digests_sent', null, 'UPDATE'), ('email_digests_sent', null, 'DELETE')
      ) p(tablename, column_name, privilege)
      join pg_class c on c.relname = p.tablename and c.relnamespace = 'public'::regnamespace
      left join pg_attribute a on a.attrelid = c.oid and a.attname = p.column_name
      where case when p.column_name is null
        then has_table_privilege(r.rolname, c.oid, p.privilege)
        else has_column_privilege(r.rolname, c.oid, a.attnum, p.privilege) end
      order by 1, 2`)
    expect(writable).toEqual([])
  })
})

describe('policies', () => {
  it('are one permissive policy per table, role and action', async () => {
    const doubles = await catalog<{ tablename: string; role: string; cmd: string; policies: string[] }>(`
      select tablename, role, cmd, array_agg(policyname order by policyname) as policies
      from pg_policies, unnest(roles) as role
      where schemaname = 'public' and permissive = 'PERMISSIVE'
      group by tablename, role, cmd
      having count(*) > 1`)
    expect(doubles).toEqual([])
  })

  it('never call a function once per row: every call is a subquery evaluated once per statement', async () => {
    const policies = await catalog<{ name: string; expression: string }>(`
      select tablename || ': ' || policyname as name, coalesce(qual, '') || ' ' || coalesce(with_check, '') as expression
      from pg_policies where schemaname = 'public'`)
    expect(policies.length).toBeGreaterThan(20)
    const perRowCalls = policies.flatMap(({ name, expression }) =>
      [...expression.matchAll(/(\w+)\.(\w+)\(/g)]
        .filter((call) => !/(SELECT|FROM)\s+$/.test(expression.slice(0, call.index)))
        .map((call) => `${name} calls ${call[1]}.${call[2]}() per row`),
    )
    expect(perRowCalls).toEqual([])
  })
})

describe('functions', () => {
  it('security-definer ones are executable only by the roles that need them', async () => {
    const executable = await catalog<{ fn: string; anon: boolean; authenticated: boolean; public: boolean }>(`
      select p.oid::regprocedure::text as fn,
        has_function_privilege('anon', p.oid, 'EXECUTE') as anon,
        has_function_privilege('authenticated', p.oid, 'EXECUTE') as authenticated,
        coalesce(p.proacl is null or exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0), true) as public
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private') and p.prosecdef
      order by 1`)
    expect(executable.filter((f) => f.public)).toEqual([])
    expect(executable.filter((f) => f.anon).map((f) => f.fn)).toEqual([
      'calendar_feed_entries(text)',
      'calendar_feed_exists(text)',
      'describe_program_invite(text)',
    ])
    // Trigger functions run whoever fires them and need no grant.
    expect(executable.filter((f) => f.authenticated && f.fn.startsWith('private.')).map((f) => f.fn)).not.toContain(
      'private.create_profile_for_new_user()',
    )
  })

  it('no longer include calendar_feed_owner, which handed a token holder the user id', async () => {
    const [found] = await catalog<{ fn: string | null }>(`select to_regprocedure('public.calendar_feed_owner(text)')::text as fn`)
    expect(found).toEqual({ fn: null })
  })
})

describe('foreign keys', () => {
  it('each have an index starting with their columns', async () => {
    const unindexed = await catalog<{ fk: string }>(`
      select c.conrelid::regclass::text || ' (' || c.conname || ')' as fk
      from pg_constraint c
      join pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and n.nspname in ('public', 'private')
        and not exists (
          select 1 from pg_index i
          where i.indrelid = c.conrelid
            and (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] @> c.conkey
            and (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] <@ c.conkey
        )
      order by 1`)
    expect(unindexed).toEqual([])
  })
})
