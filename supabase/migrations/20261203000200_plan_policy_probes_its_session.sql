-- The plans policy probes one session per plan read (issue 10, decision 016).
--
-- Measured after 20261202001500 (EXPLAIN ANALYZE as the user, 1,000 plans in 200
-- sessions): the policy's `exists (select 1 from coaching_sessions s where s.id = session_id …)`
-- was planned as a hashed subplan, the set of every session of the user built on each
-- query, instead of one probe per plan the page reads. A scalar subquery cannot be turned
-- into a set: it stays a primary-key probe per row. Same rows as before: the access matrix
-- runs unchanged.

drop policy "Owners can read their plans once theirs to see, and coaches the plans of sessions shared with them" on public.action_plans;
create policy "Owners can read their plans once theirs to see, and coaches the plans of sessions shared with them"
  on public.action_plans for select to authenticated
  using (
    (
      user_id = (select auth.uid())
      and (
        session_id is null
        or coalesce((
          select s.session_type = 'self_coaching' or s.released_at is not null
          from public.coaching_sessions s where s.id = session_id
        ), false)
      )
    )
    or session_id in (select private.sessions_shared_with_me())
  );
