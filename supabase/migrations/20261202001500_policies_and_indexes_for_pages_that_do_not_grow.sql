-- Pages whose cost does not grow with a person's history (issue 10,
-- docs/decisions/014-policies-and-pages-that-do-not-grow.md).
--
-- 1. The plan policies check the owner first, on the row's own columns: a client's own plan
--    is readable when it has no session, or its session is theirs to see (self-coaching, or
--    released) — an index probe on that one session, instead of building the set of every
--    session the user can read on each query. Coaches reach their clients' shared plans
--    through the set of sessions shared with them, which does not grow with the client's
--    own private history.
-- 2. Milestones and plan history follow their plan through one index probe of
--    action_plans (which applies the plan's policy), instead of the set of every plan the
--    user can read.
-- 3. Indexes that serve the pages' order: plans by due date, sessions by date, for the
--    owner and for the coach, so a first page reads a page of rows, not the whole history.

-- Sessions shared with the signed-in user as their client's coach, in a program where
-- they coach that client: the coach's half of private.readable_session_ids().
create function private.sessions_shared_with_me() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select s.id from public.coaching_sessions s
  where s.visibility = 'shared'
    and s.coach_id = (select auth.uid())
    and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c);
$$;
revoke all on function private.sessions_shared_with_me() from public, anon, authenticated, service_role;
grant execute on function private.sessions_shared_with_me() to authenticated, service_role;

drop policy "People who can read a plan's session, or own a plan without one, can read it" on public.action_plans;
create policy "Owners can read their plans once theirs to see, and coaches the plans of sessions shared with them"
  on public.action_plans for select to authenticated
  using (
    (
      user_id = (select auth.uid())
      and (
        session_id is null
        or exists (
          select 1 from public.coaching_sessions s
          where s.id = session_id and (s.session_type = 'self_coaching' or s.released_at is not null)
        )
      )
    )
    or session_id in (select private.sessions_shared_with_me())
  );

drop policy "People who can read a plan can read its milestones" on public.milestones;
create policy "People who can read a plan can read its milestones"
  on public.milestones for select to authenticated
  using (exists (select 1 from public.action_plans p where p.id = action_plan_id));

drop policy "Users can read the entries they made and the history of plans they can read" on public.audit_log;
create policy "Users can read the entries they made and the history of plans they can read"
  on public.audit_log for select to authenticated
  using (
    actor_id = (select auth.uid())
    or (entity_type = 'action_plan' and exists (select 1 from public.action_plans p where p.id = entity_id))
  );

-- The plans table's default order (due date, then newest), per owner.
drop index public.action_plans_user_due_idx;
create index action_plans_user_due_idx on public.action_plans (user_id, timeline_end asc nulls last, created_at desc, id);
-- The dashboard's open plans by due date.
create index action_plans_user_open_due_idx on public.action_plans (user_id, timeline_end asc nulls last, created_at desc, id)
  where status <> 'completed';

-- Session lists, newest first, for the client and for the coach.
create index coaching_sessions_user_date_idx on public.coaching_sessions (user_id, session_date desc, created_at desc);
create index coaching_sessions_coach_date_idx on public.coaching_sessions (coach_id, session_date desc, created_at desc)
  where coach_id is not null;
