-- Action plans and their milestones: what a client takes away from a session and tracks
-- until done. A plan usually comes from a session (extracted from its summary and its
-- Finish stage) and can also be written by hand, with no session.
--
-- Who sees a plan: its client always; a coach exactly when they can read the plan's
-- session (a plan without a session is private to its client).

create table public.action_plans (
  id uuid primary key default gen_random_uuid(),
  session_id uuid references public.coaching_sessions (id) on delete set null,
  user_id uuid not null references auth.users (id) on delete cascade,
  title text not null check (char_length(btrim(title)) between 1 and 200),
  description text not null default '' check (char_length(description) <= 5000),
  goal_statement text not null default '' check (char_length(goal_statement) <= 2000),
  smart_criteria jsonb not null default '{}'::jsonb check (jsonb_typeof(smart_criteria) = 'object'),
  priority smallint not null default 3 check (priority between 1 and 5),
  status text not null default 'pending'
    check (status in ('pending', 'in_progress', 'completed', 'blocked')),
  timeline_start date,
  timeline_end date,
  -- Set when the plan was extracted from a session: the same extraction run twice finds
  -- its key taken and creates nothing new.
  extraction_key text check (extraction_key is null or char_length(extraction_key) <= 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint action_plans_timeline_in_order
    check (timeline_start is null or timeline_end is null or timeline_end >= timeline_start),
  constraint action_plans_one_per_extraction_key unique (session_id, extraction_key)
);
alter table public.action_plans enable row level security;

create index action_plans_user_id_idx on public.action_plans (user_id, created_at desc);
create index action_plans_session_id_idx on public.action_plans (session_id) where session_id is not null;

create trigger action_plans_set_updated_at before update on public.action_plans
for each row execute function private.set_updated_at();

-- A plan from a session belongs to that session's client, whoever writes it.
create function private.action_plan_belongs_to_session_client() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.session_id is not null and new.user_id is distinct from (
    select s.user_id from public.coaching_sessions s where s.id = new.session_id
  ) then
    raise exception 'An action plan from a session belongs to that session''s client.'
      using errcode = '23514';
  end if;
  return new;
end;
$$;

create trigger action_plans_belong_to_session_client
before insert or update of session_id, user_id on public.action_plans
for each row execute function private.action_plan_belongs_to_session_client();

-- Can the signed-in user read this plan? Its client, or whoever can read its session.
create function private.can_read_action_plan(action_plan_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.action_plans p
    where p.id = can_read_action_plan.action_plan_id
      and (
        p.user_id = (select auth.uid())
        or (p.session_id is not null and private.can_read_session(p.session_id))
      )
  );
$$;

-- Can the signed-in user change this plan? Its client, or the coach who leads its
-- (coach-led) session.
create function private.can_edit_action_plan(action_plan_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.action_plans p
    where p.id = can_edit_action_plan.action_plan_id
      and (
        p.user_id = (select auth.uid())
        or (p.session_id is not null and private.can_edit_session(p.session_id))
      )
  );
$$;

-- ─── milestones ──────────────────────────────────────────────────────────────────────
-- Steps toward a plan's goal, in the order the client put them.
create table public.milestones (
  id uuid primary key default gen_random_uuid(),
  action_plan_id uuid not null references public.action_plans (id) on delete cascade,
  title text not null check (char_length(btrim(title)) between 1 and 200),
  description text not null default '' check (char_length(description) <= 2000),
  due_date date,
  position integer not null default 0,
  completed boolean not null default false,
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint milestones_completed_at_matches_completed
    check (completed = (completed_at is not null))
);
alter table public.milestones enable row level security;

create index milestones_action_plan_id_idx on public.milestones (action_plan_id, position);

create trigger milestones_set_updated_at before update on public.milestones
for each row execute function private.set_updated_at();

-- ─── policies ────────────────────────────────────────────────────────────────────────

create policy "Clients can read their own action plans"
  on public.action_plans for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Coaches can read the action plans of sessions they can read"
  on public.action_plans for select to authenticated
  using (session_id is not null and private.can_read_session(session_id));

create policy "Clients can create their own action plans"
  on public.action_plans for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and (session_id is null or private.can_read_session(session_id))
  );

create policy "Coaches can create action plans in sessions they lead"
  on public.action_plans for insert to authenticated
  with check (session_id is not null and private.can_edit_session(session_id));

create policy "Clients can update their own action plans"
  on public.action_plans for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "Coaches can update action plans of sessions they lead"
  on public.action_plans for update to authenticated
  using (session_id is not null and private.can_edit_session(session_id))
  with check (session_id is not null and private.can_edit_session(session_id));

create policy "Clients can delete their own action plans"
  on public.action_plans for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "People who can read a plan can read its milestones"
  on public.milestones for select to authenticated
  using (private.can_read_action_plan(action_plan_id));

create policy "People who can change a plan can add milestones"
  on public.milestones for insert to authenticated
  with check (private.can_edit_action_plan(action_plan_id));

create policy "People who can change a plan can edit its milestones"
  on public.milestones for update to authenticated
  using (private.can_edit_action_plan(action_plan_id))
  with check (private.can_edit_action_plan(action_plan_id));

create policy "People who can change a plan can delete its milestones"
  on public.milestones for delete to authenticated
  using (private.can_edit_action_plan(action_plan_id));
