-- Running a session: at most one active session per person driving it, the coach's
-- review before a coach-led session reaches its client, the summary draft the coach
-- reviews, and the pause that language signalling a crisis puts on a session.

alter table public.coaching_sessions
  -- Coach-led sessions only: when the coach released the notes, summary and action plans
  -- to the client. Until then the client sees that the session exists, not its content.
  add column released_at timestamptz,
  -- Set when something the client wrote signalled a crisis: the coaching stops and support
  -- resources are shown until the client chooses to carry on.
  add column paused_at timestamptz,
  add constraint coaching_sessions_only_coach_led_is_released
    check (released_at is null or session_type = 'coach_led');

-- One active (started, not completed, not cancelled) session per person driving it: the
-- client in a self-coaching session, the coach in a coach-led one. Two simultaneous
-- "start" requests cannot both succeed. See docs/decisions/004-one-active-session.md.
create unique index coaching_sessions_one_active_per_driver
  on public.coaching_sessions ((case when session_type = 'coach_led' then coach_id else user_id end))
  where started_at is not null and completed_at is null and cancelled_at is null;

-- Can the signed-in user read what was said in this session (stages, plans)? The client,
-- once it is theirs to see (self-coaching, or released by the coach); the coach, while
-- it is shared with them and they coach the client in its program.
create or replace function private.can_read_session(session_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.coaching_sessions s
    where s.id = can_read_session.session_id
      and (
        (
          s.user_id = (select auth.uid())
          and (s.session_type = 'self_coaching' or s.released_at is not null)
        )
        or (
          s.visibility = 'shared'
          and s.coach_id = (select auth.uid())
          and private.is_coach_of(s.user_id, s.program_id)
        )
      )
  );
$$;

-- Is the signed-in user the coach leading this (coach-led) session?
create function private.leads_session(session_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.coaching_sessions s
    where s.id = leads_session.session_id
      and s.session_type = 'coach_led'
      and s.coach_id = (select auth.uid())
      and private.is_coach_of(s.user_id, s.program_id)
  );
$$;

-- A plan's client sees it when it has no session, or when they can see its session.
create or replace function private.can_read_action_plan(action_plan_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.action_plans p
    where p.id = can_read_action_plan.action_plan_id
      and (
        (p.session_id is null and p.user_id = (select auth.uid()))
        or (p.session_id is not null and private.can_read_session(p.session_id))
      )
  );
$$;

create or replace function private.can_edit_action_plan(action_plan_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.action_plans p
    where p.id = can_edit_action_plan.action_plan_id
      and (
        (p.user_id = (select auth.uid()) and (p.session_id is null or private.can_read_session(p.session_id)))
        or (p.session_id is not null and private.can_edit_session(p.session_id))
      )
  );
$$;

-- Plans of a coach-led session reach the client only once the coach has released it.
drop policy "Clients can read their own action plans" on public.action_plans;
create policy "Clients can read their own action plans once released to them"
  on public.action_plans for select to authenticated
  using (
    user_id = (select auth.uid())
    and (session_id is null or private.can_read_session(session_id))
  );

drop policy "Clients can update their own action plans" on public.action_plans;
create policy "Clients can update their own action plans once released to them"
  on public.action_plans for update to authenticated
  using (
    user_id = (select auth.uid())
    and (session_id is null or private.can_read_session(session_id))
  )
  with check (user_id = (select auth.uid()));

drop policy "Clients can delete their own action plans" on public.action_plans;
create policy "Clients can delete their own action plans once released to them"
  on public.action_plans for delete to authenticated
  using (
    user_id = (select auth.uid())
    and (session_id is null or private.can_read_session(session_id))
  );

-- ─── session_summary_drafts ──────────────────────────────────────────────────────────
-- The summary of a coach-led session while the coach reviews it. Releasing the session
-- copies it to coaching_sessions.summary, where the client can read it.
create table public.session_summary_drafts (
  session_id uuid primary key references public.coaching_sessions (id) on delete cascade,
  summary jsonb not null check (jsonb_typeof(summary) = 'object'),
  summary_input_hash text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.session_summary_drafts enable row level security;

create trigger session_summary_drafts_set_updated_at before update on public.session_summary_drafts
for each row execute function private.set_updated_at();

create policy "The leading coach can read the summary draft"
  on public.session_summary_drafts for select to authenticated
  using (private.leads_session(session_id));

create policy "The leading coach can write the summary draft"
  on public.session_summary_drafts for insert to authenticated
  with check (private.leads_session(session_id));

create policy "The leading coach can edit the summary draft"
  on public.session_summary_drafts for update to authenticated
  using (private.leads_session(session_id))
  with check (private.leads_session(session_id));

create policy "The leading coach can discard the summary draft"
  on public.session_summary_drafts for delete to authenticated
  using (private.leads_session(session_id));
