-- Search that stays fast under row-level security (issue 10,
-- docs/decisions/016-keyset-pages-and-search-under-rls.md).
--
-- As the user, `search @@ query` cannot use action_plans_search_idx: `@@` (ts_match_vq) is
-- not leakproof, so Postgres applies the policies first and then matches every plan the
-- user can read, one by one (24 ms for a word in none of 10,000 plans). This function runs
-- the match itself, as the table's owner, restricted first to the caller's own plans that
-- their policy lets them read (the owner half of "Owners can read their plans once theirs
-- to see…"). It plans the query for the actual words and user on every call (EXECUTE), so
-- a rare word goes through the GIN index (3 ms) and a common one through the owner's
-- btree index, as the table's owner would. It returns ids only; the page's query reads the
-- rows as the user, under the policies, as before.

create function private.my_action_plans_matching(words text) returns setof uuid
language plpgsql stable security definer set search_path = ''
as $$
begin
  return query execute
    'select a.id from public.action_plans a
     where a.user_id = $1
       and a.search @@ to_tsquery(''simple'', $2)
       and (
         a.session_id is null
         or exists (
           select 1 from public.coaching_sessions s
           where s.id = a.session_id and (s.session_type = ''self_coaching'' or s.released_at is not null)
         )
       )'
    using (select auth.uid()), words;
end;
$$;
comment on function private.my_action_plans_matching(text) is
  'Ids of the caller''s own readable action plans matching a tsquery (simple config); owner filter before the match so the GIN index can be used under RLS.';
revoke all on function private.my_action_plans_matching(text) from public, anon, authenticated, service_role;
grant execute on function private.my_action_plans_matching(text) to authenticated;
