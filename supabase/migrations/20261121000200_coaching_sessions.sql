-- Coaching sessions and what was said in each of their five stages.
--
-- Who sees a session:
--   * the client (user_id) always;
--   * a coach only when the session is shared (visibility = 'shared'), names them as its
--     coach, and they coach that client in the session's program today.
-- Self-coaching sessions start private; coach-led and coach-assigned ones are always shared.

create table public.coaching_sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,  -- the client
  coach_id uuid references auth.users (id),
  program_id uuid references public.programs (id),
  session_type text not null default 'self_coaching'
    check (session_type in ('self_coaching', 'coach_led')),
  source text not null default 'self_assigned'
    check (source in ('self_assigned', 'coach_assigned')),
  title text not null check (char_length(btrim(title)) between 1 and 200),
  current_stage smallint not null default 1 check (current_stage between 1 and 5),
  is_complete boolean generated always as (completed_at is not null) stored,
  summary jsonb,
  summary_input_hash text,
  session_template_id uuid,
  module_run_id uuid,
  items jsonb not null default '[]'::jsonb check (jsonb_typeof(items) = 'array'),
  due_at timestamptz,
  session_date date not null default current_date,
  started_at timestamptz,
  completed_at timestamptz,
  cancelled_at timestamptz,
  visibility text not null default 'private' check (visibility in ('private', 'shared')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint coaching_sessions_shared_names_a_coach
    check (visibility = 'private' or (coach_id is not null and program_id is not null)),
  constraint coaching_sessions_coach_led_is_shared
    check ((session_type = 'self_coaching' and source = 'self_assigned') or visibility = 'shared'),
  constraint coaching_sessions_not_both_completed_and_cancelled
    check (completed_at is null or cancelled_at is null)
);
alter table public.coaching_sessions enable row level security;

create index coaching_sessions_user_id_idx on public.coaching_sessions (user_id, created_at desc);
create index coaching_sessions_coach_id_idx on public.coaching_sessions (coach_id) where coach_id is not null;
create index coaching_sessions_program_id_idx on public.coaching_sessions (program_id) where program_id is not null;

create trigger coaching_sessions_set_updated_at before update on public.coaching_sessions
for each row execute function private.set_updated_at();

-- Mark Complete is a person's deliberate act, done once: completed_at can be set, but
-- never cleared or changed afterwards (by anyone, the database owner included).
create function private.keep_completed_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.completed_at is not null and new.completed_at is distinct from old.completed_at then
    raise exception 'A completed session stays completed: completed_at cannot change once set.'
      using errcode = '23514';
  end if;
  return new;
end;
$$;

create trigger coaching_sessions_keep_completed_at before update of completed_at on public.coaching_sessions
for each row execute function private.keep_completed_at();

-- Can the signed-in user read this session? (Owner, or its coach while it is shared and
-- they coach the client in its program.)
create function private.can_read_session(session_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.coaching_sessions s
    where s.id = can_read_session.session_id
      and (
        s.user_id = (select auth.uid())
        or (
          s.visibility = 'shared'
          and s.coach_id = (select auth.uid())
          and private.is_coach_of(s.user_id, s.program_id)
        )
      )
  );
$$;

-- Can the signed-in user write what is said in this session? The client in a
-- self-coaching session; the coach in a coach-led one (the coach drives it).
create function private.can_edit_session(session_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.coaching_sessions s
    where s.id = can_edit_session.session_id
      and (
        (s.session_type = 'self_coaching' and s.user_id = (select auth.uid()))
        or (
          s.session_type = 'coach_led'
          and s.coach_id = (select auth.uid())
          and private.is_coach_of(s.user_id, s.program_id)
        )
      )
  );
$$;

-- Is this person a coach of this client in this program? Used when a client shares a
-- session: they may only name someone who coaches them there.
create function private.coaches_client(coach_id uuid, client_id uuid, program_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.program_members coach
    join public.program_members client
      on client.program_id = coach.program_id
    where coach.program_id = coaches_client.program_id
      and coach.user_id = coaches_client.coach_id
      and coach.role = 'coach'
      and client.user_id = coaches_client.client_id
      and client.role = 'client'
  );
$$;

-- ─── stage_responses ─────────────────────────────────────────────────────────────────
-- The origin of truth: per stage, the conversation and the fields drawn from it
-- (responses = { transcript: [...], fields: {...} }). Summaries and action plans are
-- derived from these rows and can be rebuilt from them.
create table public.stage_responses (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.coaching_sessions (id) on delete cascade,
  stage_number smallint not null check (stage_number between 1 and 5),
  stage_name text not null,
  responses jsonb not null default '{}'::jsonb check (jsonb_typeof(responses) = 'object'),
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (session_id, stage_number),
  constraint stage_responses_name_matches_number check (
    (stage_number, stage_name) in (
      (1, 'check_in'), (2, 'starting_point'), (3, 'connect'), (4, 'finish'), (5, 'check_out')
    )
  )
);
alter table public.stage_responses enable row level security;

create trigger stage_responses_set_updated_at before update on public.stage_responses
for each row execute function private.set_updated_at();

-- ─── policies ────────────────────────────────────────────────────────────────────────

create policy "Clients can read their own sessions"
  on public.coaching_sessions for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Coaches can read the shared sessions they coach"
  on public.coaching_sessions for select to authenticated
  using (
    visibility = 'shared'
    and coach_id = (select auth.uid())
    and private.is_coach_of(user_id, program_id)
  );

create policy "Clients can start their own self-coaching sessions"
  on public.coaching_sessions for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and session_type = 'self_coaching'
    and source = 'self_assigned'
    and (coach_id is null or private.coaches_client(coach_id, user_id, program_id))
  );

create policy "Coaches can start or assign sessions for their clients"
  on public.coaching_sessions for insert to authenticated
  with check (
    coach_id = (select auth.uid())
    and visibility = 'shared'
    and private.is_coach_of(user_id, program_id)
  );

create policy "Clients can update their own self-coaching sessions"
  on public.coaching_sessions for update to authenticated
  using (user_id = (select auth.uid()) and session_type = 'self_coaching')
  with check (
    user_id = (select auth.uid())
    and session_type = 'self_coaching'
    and (coach_id is null or private.coaches_client(coach_id, user_id, program_id))
  );

create policy "Coaches can update the sessions they lead or assigned"
  on public.coaching_sessions for update to authenticated
  using (
    coach_id = (select auth.uid())
    and (session_type = 'coach_led' or source = 'coach_assigned')
    and private.is_coach_of(user_id, program_id)
  )
  with check (
    coach_id = (select auth.uid())
    and visibility = 'shared'
    and (session_type = 'coach_led' or source = 'coach_assigned')
    and private.is_coach_of(user_id, program_id)
  );

create policy "Clients can delete their own self-coaching sessions"
  on public.coaching_sessions for delete to authenticated
  using (user_id = (select auth.uid()) and source = 'self_assigned');

create policy "Coaches can delete unfinished sessions they assigned or lead"
  on public.coaching_sessions for delete to authenticated
  using (
    completed_at is null
    and coach_id = (select auth.uid())
    and (session_type = 'coach_led' or source = 'coach_assigned')
    and private.is_coach_of(user_id, program_id)
  );

create policy "People who can read a session can read its stages"
  on public.stage_responses for select to authenticated
  using (private.can_read_session(session_id));

create policy "People who run a session can record its stages"
  on public.stage_responses for insert to authenticated
  with check (private.can_edit_session(session_id));

create policy "People who run a session can edit its stages"
  on public.stage_responses for update to authenticated
  using (private.can_edit_session(session_id))
  with check (private.can_edit_session(session_id));

create policy "People who run a session can delete its stages"
  on public.stage_responses for delete to authenticated
  using (private.can_edit_session(session_id));
