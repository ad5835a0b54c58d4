-- What the coach "remembers" when a session starts (open action plans, the last summary)
-- gets its own table, readable only by whoever it was drawn for. It used to live in the
-- Check In row of stage_responses, which everyone who can read the session reads: a
-- client's memory drawn from their private sessions reached their coach as soon as they
-- shared a later session. Now:
-- - a self-coaching session's memory is drawn under the client's own access and only the
--   client reads or edits it, shared or not;
-- - a coach-led session's memory is drawn under the leading coach's access (so it holds
--   only what that coach can read anyway); the coach who runs it and the client read it.
create table public.session_memories (
  session_id uuid primary key references public.coaching_sessions (id) on delete cascade,
  items jsonb not null default '[]'::jsonb check (jsonb_typeof(items) = 'array'),
  updated_at timestamptz not null default now()
);
alter table public.session_memories enable row level security;

create trigger session_memories_set_updated_at before update on public.session_memories
for each row execute function private.set_updated_at();

-- Grants as decision 007 has them. Which session a memory belongs to never changes.
revoke all on public.session_memories from public, anon, authenticated, service_role;
grant select, insert, delete on public.session_memories to authenticated, service_role;
grant update (items) on public.session_memories to authenticated, service_role;

create policy "People who run a session, and its client, can read its memory"
  on public.session_memories for select to authenticated
  using (
    session_id in (select private.editable_session_ids())
    or session_id in (select s.id from public.coaching_sessions s where s.user_id = (select auth.uid()))
  );

create policy "People who run a session can record its memory"
  on public.session_memories for insert to authenticated
  with check (session_id in (select private.editable_session_ids()));

create policy "People who run a session can edit its memory"
  on public.session_memories for update to authenticated
  using (session_id in (select private.editable_session_ids()))
  with check (session_id in (select private.editable_session_ids()));

create policy "People who run a session can remove its memory"
  on public.session_memories for delete to authenticated
  using (session_id in (select private.editable_session_ids()));

-- Move what is there, and take it out of the rows the coach can read.
insert into public.session_memories (session_id, items)
select session_id, responses -> 'memory'
from public.stage_responses
where stage_number = 1 and jsonb_typeof(responses -> 'memory') = 'array' and responses -> 'memory' <> '[]'::jsonb
on conflict (session_id) do nothing;

update public.stage_responses set responses = responses - 'memory' where responses ? 'memory';
