-- Stagecoach on Supabase as Supabase is today (issue 7, docs/decisions/007-grants-written-in-migrations.md):
--
-- 1. Grants written here, per table and per API role. New tables in `public` get no
--    privileges by default on Supabase now, so without these every query the app runs as
--    `authenticated` is refused. Each table first loses whatever it had (a default ACL on
--    an older project, or the old bootstrap's), then gets exactly what is needed:
--      anon           nothing on any table (visitors only call the two token functions);
--      authenticated  what the app's user-driven queries do; UPDATE only on the columns a
--                     person may edit, so the columns that say whom a row belongs to
--                     (user_id, coach_id, program_id, source, session_type, a plan's
--                     user_id and session_id, a milestone's action_plan_id, …) never
--                     change after insert, whatever a policy says;
--      service_role   the same (it bypasses row-level security, not these grants).
-- 2. One permissive policy per table, role and action, named as a sentence (Supabase's
--    linter warns about several permissive policies for one role and action: each is
--    evaluated for every row).
-- 3. Policies ask set-returning helpers once per statement — `col in (select private.f())`
--    — instead of calling a function per row. The per-row helpers are dropped.
-- 4. audit_log is written only by the database (the security-definer status trigger): no
--    API role may insert into it.
-- 5. Functions run only by the roles that need them: EXECUTE is revoked from PUBLIC on
--    every function here, then granted by name.

-- ─── set-returning helpers ───────────────────────────────────────────────────────────
-- Security definer, so a policy on one table can read program_members or
-- coaching_sessions without recursing through their policies; `search_path = ''` so
-- nothing can be substituted for the tables they name. Each answers for the signed-in
-- user, (select auth.uid()), and is evaluated once per statement.

-- The programs the signed-in user belongs to, in any role.
create function private.my_program_ids() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select m.program_id from public.program_members m where m.user_id = (select auth.uid());
$$;

-- The programs the signed-in user coaches.
create function private.my_coached_program_ids() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select m.program_id from public.program_members m
  where m.user_id = (select auth.uid()) and m.role = 'coach';
$$;

-- Every (client, program) pair the signed-in user coaches today: the one test behind a
-- coach's access to a client's data.
create function private.my_clients() returns table (client_id uuid, program_id uuid)
language sql stable security definer set search_path = ''
as $$
  select client.user_id, client.program_id
  from public.program_members coach
  join public.program_members client on client.program_id = coach.program_id and client.role = 'client'
  where coach.user_id = (select auth.uid()) and coach.role = 'coach';
$$;

-- Every (coach, program) pair that coaches the signed-in user as a client.
create function private.my_coaches() returns table (coach_id uuid, program_id uuid)
language sql stable security definer set search_path = ''
as $$
  select coach.user_id, coach.program_id
  from public.program_members me
  join public.program_members coach on coach.program_id = me.program_id and coach.role = 'coach'
  where me.user_id = (select auth.uid()) and me.role = 'client';
$$;

-- Everyone (clients and co-coaches) in the programs the signed-in user coaches.
create function private.people_i_coach() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select member.user_id
  from public.program_members coach
  join public.program_members member on member.program_id = coach.program_id
  where coach.user_id = (select auth.uid()) and coach.role = 'coach';
$$;

-- The coaches of every program the signed-in user belongs to.
create function private.coaches_of_my_programs() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select coach.user_id
  from public.program_members me
  join public.program_members coach on coach.program_id = me.program_id and coach.role = 'coach'
  where me.user_id = (select auth.uid());
$$;

-- Sessions whose content (stages, plans) the signed-in user may read: the client's own,
-- once theirs to see (self-coaching, or released by the coach); the coach's, while shared
-- with them and they coach the client in its program.
create function private.readable_session_ids() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select s.id from public.coaching_sessions s
  where s.user_id = (select auth.uid())
    and (s.session_type = 'self_coaching' or s.released_at is not null)
  union all
  select s.id from public.coaching_sessions s
  where s.visibility = 'shared'
    and s.coach_id = (select auth.uid())
    and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c);
$$;

-- Coach-led sessions the signed-in user leads, as a coach of the client in its program.
create function private.led_session_ids() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select s.id from public.coaching_sessions s
  where s.session_type = 'coach_led'
    and s.coach_id = (select auth.uid())
    and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c);
$$;

-- Sessions whose content the signed-in user writes: the client in a self-coaching
-- session, the leading coach in a coach-led one.
create function private.editable_session_ids() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select s.id from public.coaching_sessions s
  where s.session_type = 'self_coaching' and s.user_id = (select auth.uid())
  union all
  select l.id from private.led_session_ids() l(id);
$$;

-- Plans the signed-in user may read: their own without a session, and those of sessions
-- they can read.
create function private.readable_action_plan_ids() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select p.id from public.action_plans p
  where p.session_id is null and p.user_id = (select auth.uid())
  union all
  select p.id from public.action_plans p
  where p.session_id in (select r.id from private.readable_session_ids() r(id));
$$;

-- Plans the signed-in user may change: the client's own (once released to them), and
-- those of coach-led sessions the signed-in user leads.
create function private.editable_action_plan_ids() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select p.id from public.action_plans p
  where p.user_id = (select auth.uid())
    and (p.session_id is null or p.session_id in (select r.id from private.readable_session_ids() r(id)))
  union all
  select p.id from public.action_plans p
  where p.session_id in (select l.id from private.led_session_ids() l(id));
$$;

-- ─── policies: one per table, role and action ────────────────────────────────────────
-- The old policies, several per action, all go; what each allowed is kept below.
do $$
declare
  policy record;
begin
  for policy in select tablename, policyname from pg_policies where schemaname = 'public' loop
    execute format('drop policy %I on public.%I', policy.policyname, policy.tablename);
  end loop;
end
$$;

-- profiles
create policy "Users can read their own profile, their program members' as coach, and their coaches'"
  on public.profiles for select to authenticated
  using (
    id = (select auth.uid())
    or id in (select private.people_i_coach())
    or id in (select private.coaches_of_my_programs())
  );

create policy "Users can update their own profile"
  on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

-- programs (the creator also reads the row they just inserted, before the membership exists)
create policy "Members and creators can read their programs"
  on public.programs for select to authenticated
  using (created_by = (select auth.uid()) or id in (select private.my_program_ids()));

create policy "Signed-in users can create a program they own"
  on public.programs for insert to authenticated
  with check (created_by = (select auth.uid()));

create policy "Coaches can rename their programs"
  on public.programs for update to authenticated
  using (id in (select private.my_coached_program_ids()))
  with check (id in (select private.my_coached_program_ids()));

create policy "Creators can delete the programs they created"
  on public.programs for delete to authenticated
  using (created_by = (select auth.uid()));

-- program_members
create policy "Members read their own memberships, coaches their programs' members, clients who coaches them"
  on public.program_members for select to authenticated
  using (
    user_id = (select auth.uid())
    or program_id in (select private.my_coached_program_ids())
    or (role = 'coach' and program_id in (select private.my_program_ids()))
  );

create policy "Members can leave a program and coaches can remove its clients"
  on public.program_members for delete to authenticated
  using (
    user_id = (select auth.uid())
    or (role = 'client' and program_id in (select private.my_coached_program_ids()))
  );

-- program_invites: only the program's coaches see and manage them; accepting goes
-- through accept_program_invite().
create policy "Coaches can read their programs' invites"
  on public.program_invites for select to authenticated
  using (program_id in (select private.my_coached_program_ids()));

create policy "Coaches can invite people to their programs"
  on public.program_invites for insert to authenticated
  with check (
    created_by = (select auth.uid())
    and accepted_by is null
    and accepted_at is null
    and program_id in (select private.my_coached_program_ids())
  );

create policy "Coaches can change when their programs' open invites expire"
  on public.program_invites for update to authenticated
  using (accepted_at is null and program_id in (select private.my_coached_program_ids()))
  with check (accepted_at is null and program_id in (select private.my_coached_program_ids()));

create policy "Coaches can withdraw their programs' invites"
  on public.program_invites for delete to authenticated
  using (program_id in (select private.my_coached_program_ids()));

-- coaching_sessions
create policy "Clients can read their own sessions and coaches the shared sessions they coach"
  on public.coaching_sessions for select to authenticated
  using (
    user_id = (select auth.uid())
    or (
      visibility = 'shared'
      and coach_id = (select auth.uid())
      and (user_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
    )
  );

create policy "Clients can start self-coaching sessions and coaches can start or assign sessions for their clients"
  on public.coaching_sessions for insert to authenticated
  with check (
    (
      user_id = (select auth.uid())
      and session_type = 'self_coaching'
      and source = 'self_assigned'
      and (coach_id is null or (coach_id, program_id) in (select c.coach_id, c.program_id from private.my_coaches() c))
    )
    or (
      coach_id = (select auth.uid())
      and visibility = 'shared'
      and (user_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
    )
  );

create policy "Clients can update their self-coaching sessions and coaches the sessions they lead or assigned"
  on public.coaching_sessions for update to authenticated
  using (
    (user_id = (select auth.uid()) and session_type = 'self_coaching')
    or (
      coach_id = (select auth.uid())
      and (session_type = 'coach_led' or source = 'coach_assigned')
      and (user_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
    )
  )
  with check (
    (user_id = (select auth.uid()) and session_type = 'self_coaching')
    or (
      coach_id = (select auth.uid())
      and visibility = 'shared'
      and (session_type = 'coach_led' or source = 'coach_assigned')
      and (user_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
    )
  );

create policy "Clients can delete their self-coaching sessions and coaches unfinished ones they lead or assigned"
  on public.coaching_sessions for delete to authenticated
  using (
    (user_id = (select auth.uid()) and source = 'self_assigned')
    or (
      completed_at is null
      and coach_id = (select auth.uid())
      and (session_type = 'coach_led' or source = 'coach_assigned')
      and (user_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
    )
  );

-- stage_responses
create policy "People who can read a session can read its stages"
  on public.stage_responses for select to authenticated
  using (session_id in (select private.readable_session_ids()));

create policy "People who run a session can record its stages"
  on public.stage_responses for insert to authenticated
  with check (session_id in (select private.editable_session_ids()));

create policy "People who run a session can edit its stages"
  on public.stage_responses for update to authenticated
  using (session_id in (select private.editable_session_ids()))
  with check (session_id in (select private.editable_session_ids()));

create policy "People who run a session can delete its stages"
  on public.stage_responses for delete to authenticated
  using (session_id in (select private.editable_session_ids()));

-- session_summary_drafts
create policy "The leading coach can read the summary draft"
  on public.session_summary_drafts for select to authenticated
  using (session_id in (select private.led_session_ids()));

create policy "The leading coach can write the summary draft"
  on public.session_summary_drafts for insert to authenticated
  with check (session_id in (select private.led_session_ids()));

create policy "The leading coach can edit the summary draft"
  on public.session_summary_drafts for update to authenticated
  using (session_id in (select private.led_session_ids()))
  with check (session_id in (select private.led_session_ids()));

create policy "The leading coach can discard the summary draft"
  on public.session_summary_drafts for delete to authenticated
  using (session_id in (select private.led_session_ids()));

-- action_plans (a plan from a session belongs to that session's client: a trigger holds it).
-- These read the row's own columns, not its id: a row being inserted (with RETURNING) is
-- checked against the select policy before any set built from the table could hold it.
create policy "People who can read a plan's session, or own a plan without one, can read it"
  on public.action_plans for select to authenticated
  using (
    (session_id is null and user_id = (select auth.uid()))
    or session_id in (select private.readable_session_ids())
  );

create policy "Clients can create their own plans and coaches plans in sessions they lead"
  on public.action_plans for insert to authenticated
  with check (
    (
      user_id = (select auth.uid())
      and (session_id is null or session_id in (select private.readable_session_ids()))
    )
    or session_id in (select private.led_session_ids())
  );

create policy "Clients can update their own plans once released to them and coaches plans of sessions they lead"
  on public.action_plans for update to authenticated
  using (
    (
      user_id = (select auth.uid())
      and (session_id is null or session_id in (select private.readable_session_ids()))
    )
    or session_id in (select private.led_session_ids())
  )
  with check (user_id = (select auth.uid()) or session_id in (select private.led_session_ids()));

create policy "Clients can delete their own plans once released to them"
  on public.action_plans for delete to authenticated
  using (
    user_id = (select auth.uid())
    and (session_id is null or session_id in (select private.readable_session_ids()))
  );

-- milestones
create policy "People who can read a plan can read its milestones"
  on public.milestones for select to authenticated
  using (action_plan_id in (select private.readable_action_plan_ids()));

create policy "People who can change a plan can add milestones"
  on public.milestones for insert to authenticated
  with check (action_plan_id in (select private.editable_action_plan_ids()));

create policy "People who can change a plan can edit its milestones"
  on public.milestones for update to authenticated
  using (action_plan_id in (select private.editable_action_plan_ids()))
  with check (action_plan_id in (select private.editable_action_plan_ids()));

create policy "People who can change a plan can delete its milestones"
  on public.milestones for delete to authenticated
  using (action_plan_id in (select private.editable_action_plan_ids()));

-- audit_log: read-only for people; rows come from the database's own triggers.
create policy "Users can read the entries they made and the history of plans they can read"
  on public.audit_log for select to authenticated
  using (
    actor_id = (select auth.uid())
    or (entity_type = 'action_plan' and entity_id in (select private.readable_action_plan_ids()))
  );

-- calendar_feeds
create policy "Users can see whether they have a calendar feed"
  on public.calendar_feeds for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Users can create their calendar feed"
  on public.calendar_feeds for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "Users can reset their calendar feed"
  on public.calendar_feeds for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "Users can turn off their calendar feed"
  on public.calendar_feeds for delete to authenticated
  using (user_id = (select auth.uid()));

-- ─── what replaces the per-row helpers ───────────────────────────────────────────────

-- A client shares a self-coaching session with one of their coaches, or makes it private
-- again (coach_id null). coach_id and program_id are not updatable by any API role, so
-- this is the one way they change after insert; it checks what the old policy checked.
create function public.set_session_sharing(session_id uuid, coach_id uuid, program_id uuid)
returns boolean
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
begin
  if me is null then
    raise exception 'Sign in to share a session.' using errcode = '42501';
  end if;
  if set_session_sharing.coach_id is not null and not exists (
    select 1 from private.my_coaches() c
    where c.coach_id = set_session_sharing.coach_id and c.program_id = set_session_sharing.program_id
  ) then
    return false;
  end if;
  update public.coaching_sessions s
  set visibility = case when set_session_sharing.coach_id is null then 'private' else 'shared' end,
      coach_id = set_session_sharing.coach_id,
      program_id = case when set_session_sharing.coach_id is null then null else set_session_sharing.program_id end
  where s.id = set_session_sharing.session_id
    and s.user_id = me
    and s.session_type = 'self_coaching'
    and s.source = 'self_assigned';
  return found;
end;
$$;

-- What a calendar feed shows, for the calendar app that holds its secret URL (it has no
-- session, so this is open to anon): the due dates of the owner's plans and milestones
-- that the owner can see. Knowing the token is the credential; unlike the function it
-- replaces, it never hands the token holder the owner's user id.
create function public.calendar_feed_entries(feed_token text)
returns table (kind text, item_id uuid, title text, plan_title text, description text, status text, completed boolean, due_on date)
language sql
stable
security definer
set search_path = ''
as $$
  with owner as (
    select f.user_id from public.calendar_feeds f
    where f.token_hash = encode(sha256(convert_to(feed_token, 'UTF8')), 'hex')
  ),
  visible_plans as (
    select p.* from public.action_plans p
    join owner o on o.user_id = p.user_id
    where p.session_id is null or exists (
      select 1 from public.coaching_sessions s
      where s.id = p.session_id and (s.session_type = 'self_coaching' or s.released_at is not null)
    )
  )
  (
    select 'action_plan', p.id, p.title, p.title, p.description, p.status, p.status = 'completed', p.timeline_end
    from visible_plans p
    where p.timeline_end is not null
    order by p.timeline_end
    limit 2000
  )
  union all
  (
    select 'milestone', m.id, m.title, p.title, m.description, null, m.completed, m.due_date
    from public.milestones m
    join visible_plans p on p.id = m.action_plan_id
    where m.due_date is not null
    order by m.due_date
    limit 5000
  );
$$;

-- Whether a token opens a feed at all (a feed with nothing due is still a feed).
create function public.calendar_feed_exists(feed_token text) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.calendar_feeds f
    where f.token_hash = encode(sha256(convert_to(feed_token, 'UTF8')), 'hex')
  );
$$;

drop function public.calendar_feed_owner(text);

-- Drop the per-row helpers no policy uses any more.
drop function private.can_edit_action_plan(uuid);
drop function private.can_read_action_plan(uuid);
drop function private.leads_session(uuid);
drop function private.can_edit_session(uuid);
drop function private.can_read_session(uuid);
drop function private.coaches_client(uuid, uuid, uuid);
drop function private.is_coach_of(uuid, uuid);
drop function private.coaches_member(uuid);
drop function private.is_my_coach(uuid);
drop function private.is_program_coach(uuid);
drop function private.is_program_member(uuid);

-- The foreign key to the accepting user gets an index (deleting a user looks it up).
create index program_invites_accepted_by_idx on public.program_invites (accepted_by) where accepted_by is not null;

-- ─── table grants ────────────────────────────────────────────────────────────────────
-- Databases set up by the old bootstrap (and older Supabase projects) hand the API roles
-- every new table, sequence and function in public by default. From here on nothing is
-- granted that a migration does not write.
alter default privileges in schema public revoke all on tables from anon, authenticated, service_role;
alter default privileges in schema public revoke all on sequences from anon, authenticated, service_role;
alter default privileges in schema public revoke all on functions from anon, authenticated, service_role;

revoke all on
  public.profiles, public.programs, public.program_members, public.program_invites,
  public.coaching_sessions, public.stage_responses, public.session_summary_drafts,
  public.action_plans, public.milestones, public.audit_log, public.calendar_feeds
from public, anon, authenticated, service_role;

grant select on public.profiles to authenticated, service_role;
grant update (display_name, timezone) on public.profiles to authenticated, service_role;

grant select, insert, delete on public.programs to authenticated, service_role;
grant update (name) on public.programs to authenticated, service_role;

grant select, delete on public.program_members to authenticated, service_role;

grant select, insert, delete on public.program_invites to authenticated, service_role;
grant update (expires_at, note) on public.program_invites to authenticated, service_role;

grant select, insert, delete on public.coaching_sessions to authenticated, service_role;
grant update (
  title, current_stage, summary, summary_input_hash, items, due_at, session_date,
  started_at, completed_at, cancelled_at, released_at, paused_at
) on public.coaching_sessions to authenticated, service_role;

grant select, insert, delete on public.stage_responses to authenticated, service_role;
grant update (responses, completed_at) on public.stage_responses to authenticated, service_role;

grant select, insert, delete on public.session_summary_drafts to authenticated, service_role;
grant update (summary, summary_input_hash) on public.session_summary_drafts to authenticated, service_role;

grant select, insert, delete on public.action_plans to authenticated, service_role;
grant update (
  title, description, goal_statement, smart_criteria, priority, status, timeline_start, timeline_end, theme
) on public.action_plans to authenticated, service_role;

grant select, insert, delete on public.milestones to authenticated, service_role;
grant update (title, description, due_date, position, completed, completed_at) on public.milestones to authenticated, service_role;

grant select on public.audit_log to authenticated, service_role;

grant select, insert, delete on public.calendar_feeds to authenticated, service_role;
grant update (token_hash, created_at) on public.calendar_feeds to authenticated, service_role;

-- ─── function grants ─────────────────────────────────────────────────────────────────
-- Postgres lets PUBLIC execute every new function; take that back everywhere here, then
-- grant by name. Trigger functions need no grant (a trigger runs its function whoever
-- fires it).
do $$
declare
  fn record;
begin
  for fn in
    select p.oid::regprocedure as signature
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private')
  loop
    execute format('revoke all on function %s from public, anon, authenticated, service_role', fn.signature);
  end loop;
end
$$;

-- What policies and the app's queries call, as the signed-in user.
grant execute on function
  private.my_program_ids(), private.my_coached_program_ids(), private.my_clients(), private.my_coaches(),
  private.people_i_coach(), private.coaches_of_my_programs(), private.readable_session_ids(),
  private.led_session_ids(), private.editable_session_ids(), private.readable_action_plan_ids(),
  private.editable_action_plan_ids()
to authenticated, service_role;
-- The ratings check constraint calls it, so whoever writes stage_responses needs it.
grant execute on function private.stage_ratings_in_range(smallint, jsonb) to authenticated, service_role;

grant execute on function public.accept_program_invite(text) to authenticated;
grant execute on function public.set_session_sharing(uuid, uuid, uuid) to authenticated;
-- Token holders who are not signed in: an invite link's page, a calendar app.
grant execute on function public.describe_program_invite(text) to anon, authenticated;
grant execute on function public.calendar_feed_exists(text), public.calendar_feed_entries(text) to anon;

-- Visitors who are not signed in reach nothing in `private`.
revoke usage on schema private from anon;
