-- Needs attention (issue 13, point 5; docs/decisions/028): the coach's dashboard lists the
-- clients who need a word, each with its reason, and offers a drafted follow-up message.
-- The reasons are counted in SQL as the coach (lib/attention/needs-attention.ts), from what
-- the coach may already see; this migration adds what they need besides: the program's
-- "no activity for N days" setting, the messages a coach and a client send each other, and
-- the coach's dismissals, remembered until something new happens.

-- ─── the program's setting ───────────────────────────────────────────────────────────

alter table public.programs
  add column inactivity_days smallint not null default 7 check (inactivity_days between 2 and 60);
comment on column public.programs.inactivity_days is
  'A client with no activity their coach can see for this many days is listed as needing attention.';
grant update (inactivity_days) on public.programs to authenticated, service_role;

-- What the coach's list reads per client, each an index range that stays the same size as
-- a client's history grows: their latest sessions started, their paused sessions (few: a pause ends when they carry on),
-- and their latest measure.
create index coaching_sessions_user_latest_started_idx on public.coaching_sessions (user_id, started_at desc) where started_at is not null;
create index coaching_sessions_user_paused_idx on public.coaching_sessions (user_id, paused_at desc) where paused_at is not null;
create index measures_user_recorded_idx on public.measures (user_id, recorded_at desc);

-- A stage's readers, found by probing its one session (a primary-key lookup) instead of
-- building the set of every session the reader may read: that set grows with a person's
-- history, and the coach's list reads a few recent stages of each of 200 clients. The rule
-- is readable_session_ids()'s, unchanged: the client once the session is theirs to see
-- (self-coaching, or released by the coach); the coach while it is shared with them and
-- they coach the client in its program (as the measures' and plans' policies do, decision 016).
drop policy "People who can read a session can read its stages" on public.stage_responses;
create policy "People who can read a session can read its stages"
  on public.stage_responses for select to authenticated
  using (
    exists (
      select 1 from public.coaching_sessions s
      where s.id = session_id
        and (
          (s.user_id = (select auth.uid()) and (s.session_type = 'self_coaching' or s.released_at is not null))
          or (
            s.visibility = 'shared' and s.coach_id = (select auth.uid())
            and (s.user_id, s.program_id) in (select c.client_id, c.program_id from private.my_clients() c)
          )
        )
    )
  );

-- ─── messages ────────────────────────────────────────────────────────────────────────

-- In-app messages between a coach and a client of the same program, in either direction.
-- A message is never edited or taken back once sent (it may already have been read, or
-- emailed); the recipient marks it read. Its id comes from the form that sent it, so the
-- same form sent twice writes one message. When SMTP is configured, the message-emails job
-- emails it to the recipient once and stamps emailed_at.
create table public.messages (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  sender_id uuid not null references auth.users (id) on delete cascade,
  recipient_id uuid not null references auth.users (id) on delete cascade,
  body text not null check (char_length(btrim(body)) between 1 and 4000),
  -- What the message follows up, when it was sent from a needs-attention item.
  about text check (about is null or about in ('adherence_drop', 'overdue', 'inactive', 'low_rating', 'crisis_pause')),
  created_at timestamptz not null default now(),
  read_at timestamptz,
  emailed_at timestamptz,
  check (sender_id <> recipient_id)
);
alter table public.messages enable row level security;

-- The two sides of every policy and every page: what I received, what I sent, newest first.
create index messages_recipient_idx on public.messages (recipient_id, created_at desc, id);
create index messages_sender_idx on public.messages (sender_id, created_at desc, id);
create index messages_program_idx on public.messages (program_id);
-- The job's queue of emails to send: small, since rows leave it once emailed.
create index messages_to_email_idx on public.messages (created_at) where emailed_at is null;

create policy "People read the messages they sent and received"
  on public.messages for select to authenticated
  using (sender_id = (select auth.uid()) or recipient_id = (select auth.uid()));

create policy "Coaches write to their clients, and clients to their coaches, in the program they share"
  on public.messages for insert to authenticated
  with check (
    sender_id = (select auth.uid())
    and (
      (recipient_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
      or (recipient_id, program_id) in (select c.coach_id, c.program_id from private.my_coaches() c)
    )
  );

create policy "Recipients mark their messages read"
  on public.messages for update to authenticated
  using (recipient_id = (select auth.uid()))
  with check (recipient_id = (select auth.uid()));

revoke all on public.messages from public, anon, authenticated, service_role;
grant select, insert, update, delete on public.messages to service_role;
grant select on public.messages to authenticated;
grant insert (id, program_id, sender_id, recipient_id, body, about) on public.messages to authenticated;
grant update (read_at) on public.messages to authenticated;

-- ─── dismissals ──────────────────────────────────────────────────────────────────────

-- A coach's "dismiss" on one reason for one client: the item stays hidden until the reason
-- has new evidence (a later missed session, a newer low rating…) than the dismissal, so a
-- dismissal is one row per coach, client, program and reason, moved forward each time.
create table public.attention_dismissals (
  coach_id uuid not null references auth.users (id) on delete cascade,
  client_id uuid not null references auth.users (id) on delete cascade,
  program_id uuid not null references public.programs (id) on delete cascade,
  reason text not null check (reason in ('adherence_drop', 'overdue', 'inactive', 'low_rating', 'crisis_pause')),
  dismissed_at timestamptz not null default now(),
  primary key (coach_id, client_id, program_id, reason)
);
alter table public.attention_dismissals enable row level security;
create index attention_dismissals_client_idx on public.attention_dismissals (client_id);
create index attention_dismissals_program_idx on public.attention_dismissals (program_id);

create policy "Coaches keep their own dismissals, for clients they coach"
  on public.attention_dismissals for all to authenticated
  using (coach_id = (select auth.uid()))
  with check (
    coach_id = (select auth.uid())
    and (client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
  );

revoke all on public.attention_dismissals from public, anon, authenticated, service_role;
grant select, insert, update, delete on public.attention_dismissals to authenticated, service_role;

-- The job that emails messages when SMTP is configured.
select pgboss.create_queue('message-emails', '{"policy": "standard"}');
