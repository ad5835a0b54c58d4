-- Every policy on a session's or a plan's dependent rows probes that one session or plan
-- with a scalar subquery (a primary-key lookup per row checked), as the plans' select
-- policy does since 20261203000200. Two shapes still cost what a person's history costs:
--
-- 1. `x in (select private.editable_session_ids())`, `… editable_action_plan_ids()`,
--    `… readable_session_ids()`, `… led_session_ids()`: the set of every session (or plan)
--    the person may edit, built on each statement. Measured (EXPLAIN ANALYZE as the user,
--    Postgres 15, a client with 401 sessions and 10,401 plans): adding one milestone
--    12–17 ms, editing a plan's milestones 24 ms, a chat turn's reply claim 2.7 ms.
-- 2. `exists (select 1 from coaching_sessions s where s.id = session_id …)` in a USING
--    clause: the planner turns it into a hashed subplan, a scan of every session the
--    person can see, on each statement (the stage's select and update policies, which
--    every chat turn runs). A scalar subquery cannot be turned into a set.
--
-- The rules are unchanged; each policy names the one it holds. With `me` the signed-in user:
-- - runs the session: self-coaching and the client is me, or coach-led and I lead it while
--   I coach the client in its program (private.editable_session_ids());
-- - reads the session: I am the client and it is mine to see (self-coaching, or released),
--   or it is shared with me and I coach the client in its program (private.readable_session_ids());
-- - leads the session: coach-led, I lead it, I coach the client in its program (private.led_session_ids());
-- - changes the plan: I own it and it has no session or I read its session, or I lead its
--   session (private.editable_action_plan_ids()).
-- A probe reads the session or plan under that table's own select policy, which shows each
-- of these people the row (a coach-led session is always shared, by the constraint
-- coaching_sessions_coach_led_is_shared, and a session's plans belong to its client, by
-- the trigger action_plans_belong_to_session_client).
--
-- A policy without WITH CHECK checks an update's new row with its USING rule; none of
-- these tables lets an update move a row to another session or plan (the column grants).

-- ─── stage_responses ────────────────────────────────────────────────────────────────

drop policy "People who can read a session can read its stages" on public.stage_responses;
create policy "People who can read a session can read its stages"
  on public.stage_responses for select to authenticated
  using (
    coalesce((
      select (s.user_id = (select auth.uid()) and (s.session_type = 'self_coaching' or s.released_at is not null))
          or (
            s.visibility = 'shared' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

drop policy "People who run a session can record its stages" on public.stage_responses;
create policy "People who run a session can record its stages"
  on public.stage_responses for insert to authenticated
  with check (
    coalesce((
      select (s.session_type = 'self_coaching' and s.user_id = (select auth.uid()))
          or (
            s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

drop policy "People who run a session can edit its stages" on public.stage_responses;
create policy "People who run a session can edit its stages"
  on public.stage_responses for update to authenticated
  using (
    coalesce((
      select (s.session_type = 'self_coaching' and s.user_id = (select auth.uid()))
          or (
            s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

drop policy "People who run a session can delete its stages" on public.stage_responses;
create policy "People who run a session can delete its stages"
  on public.stage_responses for delete to authenticated
  using (
    coalesce((
      select (s.session_type = 'self_coaching' and s.user_id = (select auth.uid()))
          or (
            s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

-- ─── reply_claims: one's own claim, in a session one runs ───────────────────────────

drop policy "People who run a session can claim a reply in it" on public.reply_claims;
create policy "People who run a session can claim a reply in it"
  on public.reply_claims for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and coalesce((
      select (s.session_type = 'self_coaching' and s.user_id = (select auth.uid()))
          or (
            s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

-- ─── session_memories: read by whoever runs the session and by its client ───────────

drop policy "People who run a session, and its client, can read its memory" on public.session_memories;
create policy "People who run a session, and its client, can read its memory"
  on public.session_memories for select to authenticated
  using (
    coalesce((
      select s.user_id = (select auth.uid())
          or (
            s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

drop policy "People who run a session can record its memory" on public.session_memories;
create policy "People who run a session can record its memory"
  on public.session_memories for insert to authenticated
  with check (
    coalesce((
      select (s.session_type = 'self_coaching' and s.user_id = (select auth.uid()))
          or (
            s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

drop policy "People who run a session can edit its memory" on public.session_memories;
create policy "People who run a session can edit its memory"
  on public.session_memories for update to authenticated
  using (
    coalesce((
      select (s.session_type = 'self_coaching' and s.user_id = (select auth.uid()))
          or (
            s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

drop policy "People who run a session can remove its memory" on public.session_memories;
create policy "People who run a session can remove its memory"
  on public.session_memories for delete to authenticated
  using (
    coalesce((
      select (s.session_type = 'self_coaching' and s.user_id = (select auth.uid()))
          or (
            s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

-- ─── action_plans: the client's own (no session, or one they read), or a session one leads ─

drop policy "Clients can create their own plans and coaches plans in sessions they lead" on public.action_plans;
create policy "Clients can create their own plans and coaches plans in sessions they lead"
  on public.action_plans for insert to authenticated
  with check (
    (
      user_id = (select auth.uid())
      and (
        session_id is null
        or coalesce((
          select (s.user_id = (select auth.uid()) and (s.session_type = 'self_coaching' or s.released_at is not null))
              or (
                s.visibility = 'shared' and s.coach_id = (select auth.uid())
                and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
              )
          from public.coaching_sessions s where s.id = session_id
        ), false)
      )
    )
    or coalesce((
      select s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
         and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

drop policy "Clients can update their own plans once released to them and coaches plans of sessions they lead" on public.action_plans;
create policy "Clients can update their own plans once released to them and coaches plans of sessions they lead"
  on public.action_plans for update to authenticated
  using (
    (
      user_id = (select auth.uid())
      and (
        session_id is null
        or coalesce((
          select (s.user_id = (select auth.uid()) and (s.session_type = 'self_coaching' or s.released_at is not null))
              or (
                s.visibility = 'shared' and s.coach_id = (select auth.uid())
                and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
              )
          from public.coaching_sessions s where s.id = session_id
        ), false)
      )
    )
    or coalesce((
      select s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
         and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
      from public.coaching_sessions s where s.id = session_id
    ), false)
  )
  with check (
    user_id = (select auth.uid())
    or coalesce((
      select s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
         and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

drop policy "Clients can delete their own plans once released to them" on public.action_plans;
create policy "Clients can delete their own plans once released to them"
  on public.action_plans for delete to authenticated
  using (
    user_id = (select auth.uid())
    and (
      session_id is null
      or coalesce((
        select (s.user_id = (select auth.uid()) and (s.session_type = 'self_coaching' or s.released_at is not null))
            or (
              s.visibility = 'shared' and s.coach_id = (select auth.uid())
              and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
            )
        from public.coaching_sessions s where s.id = session_id
      ), false)
    )
  );

-- ─── milestones: whoever may change the plan ────────────────────────────────────────

drop policy "People who can change a plan can add milestones" on public.milestones;
create policy "People who can change a plan can add milestones"
  on public.milestones for insert to authenticated
  with check (
    coalesce((
      select (
               p.user_id = (select auth.uid())
               and (
                 p.session_id is null
                 or coalesce((
                   select (s.user_id = (select auth.uid()) and (s.session_type = 'self_coaching' or s.released_at is not null))
                       or (
                         s.visibility = 'shared' and s.coach_id = (select auth.uid())
                         and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
                       )
                   from public.coaching_sessions s where s.id = p.session_id
                 ), false)
               )
             )
          or coalesce((
               select s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
                  and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
               from public.coaching_sessions s where s.id = p.session_id
             ), false)
      from public.action_plans p where p.id = action_plan_id
    ), false)
  );

drop policy "People who can change a plan can edit its milestones" on public.milestones;
create policy "People who can change a plan can edit its milestones"
  on public.milestones for update to authenticated
  using (
    coalesce((
      select (
               p.user_id = (select auth.uid())
               and (
                 p.session_id is null
                 or coalesce((
                   select (s.user_id = (select auth.uid()) and (s.session_type = 'self_coaching' or s.released_at is not null))
                       or (
                         s.visibility = 'shared' and s.coach_id = (select auth.uid())
                         and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
                       )
                   from public.coaching_sessions s where s.id = p.session_id
                 ), false)
               )
             )
          or coalesce((
               select s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
                  and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
               from public.coaching_sessions s where s.id = p.session_id
             ), false)
      from public.action_plans p where p.id = action_plan_id
    ), false)
  );

drop policy "People who can change a plan can delete its milestones" on public.milestones;
create policy "People who can change a plan can delete its milestones"
  on public.milestones for delete to authenticated
  using (
    coalesce((
      select (
               p.user_id = (select auth.uid())
               and (
                 p.session_id is null
                 or coalesce((
                   select (s.user_id = (select auth.uid()) and (s.session_type = 'self_coaching' or s.released_at is not null))
                       or (
                         s.visibility = 'shared' and s.coach_id = (select auth.uid())
                         and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
                       )
                   from public.coaching_sessions s where s.id = p.session_id
                 ), false)
               )
             )
          or coalesce((
               select s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
                  and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
               from public.coaching_sessions s where s.id = p.session_id
             ), false)
      from public.action_plans p where p.id = action_plan_id
    ), false)
  );
