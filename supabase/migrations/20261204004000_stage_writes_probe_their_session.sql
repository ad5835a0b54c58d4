-- A stage's writers, found by probing its one session (a primary-key lookup), as its
-- readers already are (20261204001000). The policies used `session_id in (select
-- private.editable_session_ids())`, which builds the set of every session the writer may
-- edit on each statement: a chat turn stores each message with an update of its stage, so
-- every turn paid for the person's whole history of sessions (issue 10, point 2). The rule
-- is editable_session_ids()'s, unchanged: the client in a self-coaching session of theirs;
-- the leading coach in a coach-led one, while they coach the client in its program.
--
-- The probe reads coaching_sessions under its own policy, which lets both writers read the
-- row: the client their own sessions, the leading coach a coach-led session (always shared,
-- by the coaching_sessions_coach_led_is_shared constraint) of a client they coach. An
-- update's new row is checked by the same rule (a policy without WITH CHECK uses USING).

drop policy "People who run a session can record its stages" on public.stage_responses;
create policy "People who run a session can record its stages"
  on public.stage_responses for insert to authenticated
  with check (
    exists (
      select 1 from public.coaching_sessions s
      where s.id = session_id
        and (
          (s.session_type = 'self_coaching' and s.user_id = (select auth.uid()))
          or (
            s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
        )
    )
  );

drop policy "People who run a session can edit its stages" on public.stage_responses;
create policy "People who run a session can edit its stages"
  on public.stage_responses for update to authenticated
  using (
    exists (
      select 1 from public.coaching_sessions s
      where s.id = session_id
        and (
          (s.session_type = 'self_coaching' and s.user_id = (select auth.uid()))
          or (
            s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
        )
    )
  );

drop policy "People who run a session can delete its stages" on public.stage_responses;
create policy "People who run a session can delete its stages"
  on public.stage_responses for delete to authenticated
  using (
    exists (
      select 1 from public.coaching_sessions s
      where s.id = session_id
        and (
          (s.session_type = 'self_coaching' and s.user_id = (select auth.uid()))
          or (
            s.session_type = 'coach_led' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
        )
    )
  );
