-- Search that stays fast under row-level security (issue 10,
-- docs/decisions/016-keyset-pages-and-search-under-rls.md).
--
-- As the user, `search @@ query` cannot use action_plans_search_idx: `@@` (ts_match_vq) is
-- not leakproof, so Postgres must apply the policies first and then match every plan the
-- user can read, one by one. This function runs the match itself, as the table's owner,
-- restricted first to the caller's own plans that their policy lets them read (the same
-- owner half as "Owners can read their plans once theirs to see…"), so the planner can
-- use the GIN index and the owner's btree index together. It returns ids only; the page's
-- query reads the rows as the user, under the policies, as before.

create function private.my_action_plans_matching(words text) returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select a.id from public.action_plans a
  where a.user_id = (select auth.uid())
    and a.search @@ to_tsquery('simple', words)
    and (
      a.session_id is null
      or exists (
        select 1 from public.coaching_sessions s
        where s.id = a.session_id and (s.session_type = 'self_coaching' or s.released_at is not null)
      )
    );
$$;
comment on function private.my_action_plans_matching(text) is
  'Ids of the caller''s own readable action plans matching a tsquery (simple config); owner filter before the match so the GIN index is used under RLS.';
revoke all on function private.my_action_plans_matching(text) from public, anon, authenticated, service_role;
grant execute on function private.my_action_plans_matching(text) to authenticated;
