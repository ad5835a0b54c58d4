-- One client message gets at most one reply. Before the model (or the guided script) is
-- asked to answer a message, the turn claims the message here; the primary key lets only
-- one claim in, so a message sent twice at once (a double click, two tabs) is answered
-- once and the second request is told it is already being answered. A claim whose turn
-- died (the process was killed mid-stream) may be taken over once it is older than the
-- longest a turn can take; the app passes that age in. A failed turn gives its claim
-- back so the client can retry at once. Claims go when their session goes.
create table public.reply_claims (
  session_id uuid not null references public.coaching_sessions (id) on delete cascade,
  message_id text not null check (char_length(message_id) between 1 and 64),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  claimed_at timestamptz not null default now(),
  primary key (session_id, message_id)
);
alter table public.reply_claims enable row level security;
create index reply_claims_user_id_idx on public.reply_claims (user_id);

-- Grants as decision 007 has them: exactly what the app's queries need. Only claimed_at
-- may change (taking over a stale claim): whose claim it is, and for which message, never.
revoke all on public.reply_claims from public, anon, authenticated, service_role;
grant select, insert, delete on public.reply_claims to authenticated, service_role;
grant update (claimed_at) on public.reply_claims to authenticated, service_role;

-- Only the person who writes a session's conversation has turns to claim.
create policy "People can see their own reply claims"
  on public.reply_claims for select to authenticated
  using (user_id = (select auth.uid()));

create policy "People who run a session can claim a reply in it"
  on public.reply_claims for insert to authenticated
  with check (user_id = (select auth.uid()) and session_id in (select private.editable_session_ids()));

create policy "People can take over a stale claim of their own"
  on public.reply_claims for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "People can give back a claim of their own"
  on public.reply_claims for delete to authenticated
  using (user_id = (select auth.uid()));
