-- An audit trail that records what matters (issue 15, docs/decisions/024-people-own-their-data.md).
--
-- Every entry says who did it (actor_id), to what (entity_type, entity_id), whose record or
-- account it is about (subject_id), a small metadata object of ids and states (never the
-- text of a note, an answer or a message), and the request it came from (ip_address,
-- user_agent). Entries are written only by the database: the triggers below, for what
-- happens to sessions, plans, milestones and template assignments, and one function,
-- private.record_account_event, for what the sign-in server sees (login, logout, register,
-- login_failed, password_changed, password_reset) and for exports. The request's address
-- and user agent reach them through two transaction-local settings the app's unit of work
-- sets with the identity (lib/db/database.ts): request.ip and request.user_agent. Through
-- Supabase's Data API, PostgREST's request.headers stands in for them.
--
-- Append-only for every API role: no grant lets anon, authenticated or service_role
-- update, delete or insert, and a trigger refuses an update or delete by anyone but the
-- table's owner, whatever a later grant or policy says. The owner changes entries only
-- through two functions: retention (private.prune_audit_log) and forgetting a deleted
-- account (private.forget_person).

alter table public.audit_log
  -- Whose account or record the entry is about: the client of a session or plan, the
  -- account a sign-in was for. No foreign key: the record outlives the account.
  add column subject_id uuid,
  add column ip_address inet,
  add column user_agent text check (char_length(user_agent) <= 512),
  -- Small: ids and states, never text anyone wrote.
  add constraint audit_log_metadata_is_small check (octet_length(metadata::text) <= 2000);

create index audit_log_subject_id_idx on public.audit_log (subject_id, created_at desc) where subject_id is not null;
-- Retention removes the oldest entries first.
create index audit_log_created_at_idx on public.audit_log (created_at);

-- ─── writing entries ─────────────────────────────────────────────────────────────────

-- The request an entry came from: the settings the app's unit of work set, or — through
-- Supabase's Data API — PostgREST's request headers. A value that is not an address is
-- dropped rather than failing the change it records.
create function private.request_ip() returns inet
language plpgsql stable set search_path = ''
as $$
declare
  raw text := nullif(current_setting('request.ip', true), '');
begin
  if raw is null then
    begin
      raw := nullif(btrim(split_part(nullif(current_setting('request.headers', true), '')::jsonb ->> 'x-forwarded-for', ',', 1)), '');
    exception when others then
      raw := null;
    end;
  end if;
  return raw::inet;
exception when others then
  return null;
end;
$$;

create function private.request_user_agent() returns text
language plpgsql stable set search_path = ''
as $$
declare
  raw text := nullif(current_setting('request.user_agent', true), '');
begin
  if raw is null then
    begin
      raw := nullif(current_setting('request.headers', true), '')::jsonb ->> 'user-agent';
    exception when others then
      raw := null;
    end;
  end if;
  return left(raw, 512);
end;
$$;

-- The one insert into the audit log, for the triggers and private.record_account_event.
create function private.write_audit_entry(
  p_action text, p_entity_type text, p_entity_id uuid, p_subject_id uuid, p_metadata jsonb, p_actor_id uuid
) returns bigint
language sql volatile security definer set search_path = ''
as $$
  insert into public.audit_log (actor_id, subject_id, action, entity_type, entity_id, metadata, ip_address, user_agent)
  values (p_actor_id, p_subject_id, p_action, p_entity_type, p_entity_id, coalesce(p_metadata, '{}'::jsonb),
          private.request_ip(), private.request_user_agent())
  returning id;
$$;

-- What the sign-in server and the app's server see, which no table change shows: sign-ins,
-- sign-outs, sign-ups, failed sign-ins (the account they were for, never the password),
-- password changes and resets, and exports. Called by the server as the database owner
-- (lib/audit/account-events.ts); no API role may call it.
-- A failed sign-in names the account by the email typed (p_subject_email), when one has it:
-- the person sees attempts on their account; the email itself is not stored.
create function private.record_account_event(
  p_action text, p_actor_id uuid, p_subject_id uuid, p_metadata jsonb default '{}'::jsonb, p_subject_email text default null
) returns bigint
language plpgsql volatile security definer set search_path = ''
as $$
declare
  subject uuid := p_subject_id;
begin
  if p_action not in ('login', 'logout', 'register', 'login_failed', 'password_changed', 'password_reset', 'data_export') then
    raise exception 'Not an account event: %', p_action using errcode = '22023';
  end if;
  if subject is null and p_subject_email is not null then
    select u.id into subject from auth.users u where u.email = lower(p_subject_email);
  end if;
  return private.write_audit_entry(p_action, 'user', subject, subject, p_metadata, p_actor_id);
end;
$$;

-- Which columns an update changed, by name (never their values).
create function private.changed_columns(old_row jsonb, new_row jsonb, ignored text[]) returns jsonb
language sql immutable set search_path = ''
as $$
  select coalesce(jsonb_agg(n.key order by n.key), '[]'::jsonb)
  from jsonb_each(new_row) n
  where n.value is distinct from old_row -> n.key and not (n.key = any (ignored));
$$;

-- Sessions: created (or assigned from a template), completed, cancelled, shared with a
-- coach, made private again, released by the coach, deleted. A session removed with its
-- client's account (the account's cascade) is not an act of anyone's to record: the
-- triggers below write nothing about a person whose account is gone.
create function private.audit_coaching_session() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
begin
  if tg_op = 'INSERT' then
    if new.session_template_id is not null then
      perform private.write_audit_entry('template.assigned', 'coaching_session', new.id, new.user_id,
        jsonb_strip_nulls(jsonb_build_object('template_id', new.session_template_id, 'module_id', new.module_id,
          'program_id', new.program_id, 'coach_id', new.coach_id)), me);
    else
      perform private.write_audit_entry('session.created', 'coaching_session', new.id, new.user_id,
        jsonb_strip_nulls(jsonb_build_object('session_type', new.session_type, 'source', new.source,
          'program_id', new.program_id, 'coach_id', new.coach_id, 'module_id', new.module_id)), me);
    end if;
    return new;
  end if;
  if not exists (select 1 from auth.users u where u.id = coalesce(new.user_id, old.user_id)) then
    return coalesce(new, old);
  end if;
  if tg_op = 'DELETE' then
    perform private.write_audit_entry('session.deleted', 'coaching_session', old.id, old.user_id, '{}'::jsonb, me);
    return old;
  end if;
  if old.completed_at is null and new.completed_at is not null then
    perform private.write_audit_entry('session.completed', 'coaching_session', new.id, new.user_id, '{}'::jsonb, me);
  end if;
  if old.cancelled_at is null and new.cancelled_at is not null then
    perform private.write_audit_entry('session.cancelled', 'coaching_session', new.id, new.user_id, '{}'::jsonb, me);
  end if;
  if old.visibility = 'private' and new.visibility = 'shared' then
    perform private.write_audit_entry('session.shared', 'coaching_session', new.id, new.user_id,
      jsonb_build_object('coach_id', new.coach_id, 'program_id', new.program_id), me);
  elsif old.visibility = 'shared' and new.visibility = 'private' then
    perform private.write_audit_entry('session.unshared', 'coaching_session', new.id, new.user_id,
      jsonb_strip_nulls(jsonb_build_object('coach_id', old.coach_id, 'program_id', old.program_id)), me);
  end if;
  if old.released_at is null and new.released_at is not null then
    perform private.write_audit_entry('session.released', 'coaching_session', new.id, new.user_id, '{}'::jsonb, me);
  end if;
  return new;
end;
$$;

create trigger coaching_sessions_audit after insert or update or delete on public.coaching_sessions
for each row execute function private.audit_coaching_session();

-- Plans: created, a status change (with the other columns it changed, by name), any other
-- change, deleted. Replaces the status-only trigger of 20261123000100_plan_tracking.sql.
drop trigger action_plans_log_status on public.action_plans;
drop function private.log_action_plan_status();

create function private.audit_action_plan() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  fields jsonb;
begin
  if tg_op = 'INSERT' then
    perform private.write_audit_entry('action_plan.created', 'action_plan', new.id, new.user_id,
      jsonb_strip_nulls(jsonb_build_object('to', new.status, 'session_id', new.session_id)), me);
    return new;
  end if;
  if not exists (select 1 from auth.users u where u.id = coalesce(new.user_id, old.user_id)) then
    return coalesce(new, old);
  end if;
  if tg_op = 'DELETE' then
    perform private.write_audit_entry('action_plan.deleted', 'action_plan', old.id, old.user_id, '{}'::jsonb, me);
    return old;
  end if;
  -- session_id changes only when its session is deleted (no API role may update it): that
  -- deletion is the entry.
  fields := private.changed_columns(to_jsonb(old), to_jsonb(new), array['status', 'updated_at', 'search', 'session_id']);
  if new.status is distinct from old.status then
    perform private.write_audit_entry('action_plan.status_changed', 'action_plan', new.id, new.user_id,
      jsonb_build_object('from', old.status, 'to', new.status)
        || case when fields = '[]'::jsonb then '{}'::jsonb else jsonb_build_object('fields', fields) end, me);
  elsif fields <> '[]'::jsonb then
    perform private.write_audit_entry('action_plan.updated', 'action_plan', new.id, new.user_id,
      jsonb_build_object('fields', fields), me);
  end if;
  return new;
end;
$$;

create trigger action_plans_audit after insert or update or delete on public.action_plans
for each row execute function private.audit_action_plan();

-- Milestones: added, completed, reopened, changed, deleted (not when their plan goes).
create function private.audit_milestone() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  plan_id uuid := coalesce(new.action_plan_id, old.action_plan_id);
  owner_id uuid;
  fields jsonb;
begin
  select p.user_id into owner_id from public.action_plans p where p.id = plan_id;
  -- Removed with its plan (the plan's deletion is the entry) or its owner's account.
  if owner_id is null then
    return coalesce(new, old);
  end if;
  if tg_op = 'INSERT' then
    perform private.write_audit_entry('milestone.created', 'milestone', new.id, owner_id,
      jsonb_build_object('action_plan_id', plan_id), me);
    return new;
  end if;
  if tg_op = 'DELETE' then
    perform private.write_audit_entry('milestone.deleted', 'milestone', old.id, owner_id,
      jsonb_build_object('action_plan_id', plan_id), me);
    return old;
  end if;
  fields := private.changed_columns(to_jsonb(old), to_jsonb(new), array['completed', 'completed_at', 'updated_at']);
  if new.completed and not old.completed then
    perform private.write_audit_entry('milestone.completed', 'milestone', new.id, owner_id,
      jsonb_build_object('action_plan_id', plan_id), me);
  elsif old.completed and not new.completed then
    perform private.write_audit_entry('milestone.reopened', 'milestone', new.id, owner_id,
      jsonb_build_object('action_plan_id', plan_id), me);
  elsif fields <> '[]'::jsonb then
    perform private.write_audit_entry('milestone.updated', 'milestone', new.id, owner_id,
      jsonb_build_object('action_plan_id', plan_id, 'fields', fields), me);
  end if;
  return new;
end;
$$;

create trigger milestones_audit after insert or update or delete on public.milestones
for each row execute function private.audit_milestone();

-- ─── append-only ─────────────────────────────────────────────────────────────────────

-- Refuses to change or remove an entry unless the table's owner does it (retention and
-- forgetting a deleted account, below). No API role has the privilege anyway; this holds
-- even if a grant or policy is added by mistake.
create function private.refuse_audit_log_changes() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if not pg_has_role(current_user, (select c.relowner from pg_catalog.pg_class c where c.oid = tg_relid), 'MEMBER') then
    raise exception 'The audit log is append-only: entries cannot be changed or removed.'
      using errcode = '42501';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end;
$$;

create trigger audit_log_append_only before update or delete on public.audit_log
for each row execute function private.refuse_audit_log_changes();
create trigger audit_log_no_truncate before truncate on public.audit_log
for each statement execute function private.refuse_audit_log_changes();

-- ─── retention ───────────────────────────────────────────────────────────────────────

-- How long entries are kept: at least a year (seed 004), 400 days unless changed with
-- `update private.audit_settings set retention_days = …`. One row.
create table private.audit_settings (
  only_row boolean primary key default true check (only_row),
  retention_days integer not null default 400 check (retention_days >= 365)
);
alter table private.audit_settings enable row level security;
revoke all on private.audit_settings from public, anon, authenticated, service_role;
insert into private.audit_settings default values;

-- Removes the entries older than the retention; run daily by the `audit-retention` job
-- (lib/jobs/definitions.ts), on the queue created by 20261203005041_audit_retention_queue.sql. Returns how many went.
create function private.prune_audit_log() returns integer
language sql volatile security definer set search_path = ''
as $$
  with removed as (
    delete from public.audit_log
    where created_at < now() - make_interval(days => (select s.retention_days from private.audit_settings s))
    returning 1
  )
  select count(*)::integer from removed;
$$;

-- ─── reading ─────────────────────────────────────────────────────────────────────────

-- People read entries through the policy below; the request's address and user agent are
-- not among the columns they may select (a coach reading a client's session history does
-- not see where the client was). A person sees those of their own account in
-- public.my_account_activity.
revoke select on public.audit_log from authenticated, service_role;
grant select (id, actor_id, subject_id, action, entity_type, entity_id, metadata, created_at)
  on public.audit_log to authenticated, service_role;

drop policy "Users can read the entries they made and the history of plans they can read" on public.audit_log;
create policy "Users can read their own activity and the history of records they can read"
  on public.audit_log for select to authenticated
  using (
    actor_id = (select auth.uid())
    or subject_id = (select auth.uid())
    or (entity_type = 'action_plan' and exists (select 1 from public.action_plans p where p.id = entity_id))
    or (entity_type = 'coaching_session' and exists (select 1 from public.coaching_sessions s where s.id = entity_id))
    or (entity_type = 'milestone' and exists (select 1 from public.milestones m where m.id = entity_id))
  );

-- "Your account activity": the signed-in person's own entries (what they did, and what was
-- done about their account or records), newest first, a keyset page at a time. The address
-- and user agent are shown for what they did themselves and for attempts on their account
-- (a failed sign-in has no actor), never for what a coach did.
create function public.my_account_activity(before_created_at timestamptz default null, before_id bigint default null, page_size integer default 50)
returns table (
  id bigint, action text, entity_type text, entity_id uuid, metadata jsonb, created_at timestamptz,
  by_me boolean, actor_name text, ip_address text, user_agent text
)
language sql stable security definer set search_path = ''
as $$
  select l.id, l.action, l.entity_type, l.entity_id, l.metadata, l.created_at,
         coalesce(l.actor_id = (select auth.uid()), false) as by_me,
         case when l.actor_id is distinct from (select auth.uid()) then pr.display_name end as actor_name,
         case when l.actor_id = (select auth.uid()) or l.actor_id is null then host(l.ip_address) end,
         case when l.actor_id = (select auth.uid()) or l.actor_id is null then l.user_agent end
  from public.audit_log l
  left join public.profiles pr on pr.id = l.actor_id
  where (select auth.uid()) is not null
    and (l.actor_id = (select auth.uid()) or l.subject_id = (select auth.uid()))
    and (before_created_at is null or (l.created_at, l.id) < (before_created_at, coalesce(before_id, 9223372036854775807)))
  order by l.created_at desc, l.id desc
  limit least(greatest(coalesce(page_size, 50), 1), 200);
$$;

-- ─── forgetting a deleted account ────────────────────────────────────────────────────

-- When an account is deleted (built-in: by the app; Supabase: by the auth server through
-- its admin API), its rows go with it by the foreign keys' cascades; the audit entries stay,
-- without the person: their id is removed wherever it appears (actor, subject, entity,
-- metadata values) and the address and user agent of their entries are cleared. One entry
-- records that an account was deleted, naming nobody. The counters of sign-in attempts
-- with their email (private.auth_attempts) go as well.
create function private.forget_person() returns trigger
language plpgsql security definer set search_path = ''
as $$
declare
  gone uuid := old.id;
begin
  update public.audit_log l
  set actor_id = case when l.actor_id = gone then null else l.actor_id end,
      subject_id = case when l.subject_id = gone then null else l.subject_id end,
      entity_id = case when l.entity_id = gone then null else l.entity_id end,
      ip_address = case when l.actor_id = gone or l.subject_id = gone then null else l.ip_address end,
      user_agent = case when l.actor_id = gone or l.subject_id = gone then null else l.user_agent end,
      metadata = l.metadata - coalesce(
        (select array_agg(m.key) from jsonb_each_text(l.metadata) m where m.value = gone::text), '{}'::text[])
  where l.actor_id = gone or l.subject_id = gone or l.entity_id = gone
     or l.metadata @? ('$.* ? (@ == "' || gone::text || '")')::jsonpath;
  -- The sign-in attempt counters are keyed by the email typed: those of this email go too.
  delete from private.auth_attempts a
  where a.scope = 'sign_in_email_address' and split_part(a.key, chr(10), 1) = lower(old.email::text);
  insert into public.audit_log (action, entity_type, metadata)
  values ('account_deleted', 'user', '{}'::jsonb);
  return old;
end;
$$;

create trigger on_auth_user_deleted after delete on auth.users
for each row execute function private.forget_person();

-- ─── function grants ─────────────────────────────────────────────────────────────────
-- Trigger functions need none (a trigger runs its function whoever fires it); the server calls record_account_event and prune_audit_log
-- as the owner. Only the activity page's function is for people.
revoke all on function
  private.request_ip(), private.request_user_agent(),
  private.write_audit_entry(text, text, uuid, uuid, jsonb, uuid),
  private.record_account_event(text, uuid, uuid, jsonb, text),
  private.changed_columns(jsonb, jsonb, text[]),
  private.prune_audit_log(),
  private.audit_coaching_session(), private.audit_action_plan(), private.audit_milestone(),
  private.refuse_audit_log_changes(), private.forget_person(),
  public.my_account_activity(timestamptz, bigint, integer)
from public, anon, authenticated, service_role;
grant execute on function public.my_account_activity(timestamptz, bigint, integer) to authenticated;
