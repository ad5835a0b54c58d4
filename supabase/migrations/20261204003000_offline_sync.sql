-- Logging with no signal (issue 16, docs/decisions/030-offline-logging-that-syncs-once.md):
-- a measure recorded on a device carries the id the device gave it and the device's time,
-- and every entry a device sends (a measure, a correction, Mark Complete) leaves a receipt
-- under that id, so a retried or duplicated send writes once and answers as the first did.
--
-- Rules the database holds:
--   * a device's id is unique per owner of the measure (measures_client_id_per_owner_idx)
--     and per sender of the entry (the receipts' primary key);
--   * a measure with a device time is checked against the ±7-day window on the day of that
--     time where the person lives, not on the day it reached the server — but only while the
--     device time is plausible: not ahead of the server by more than 10 minutes, and not
--     more than 7 days old (an entry kept offline longer is refused, with a message);
--   * everything else is as online: the same trigger, the same policies, the daily cap.

alter table public.measures
  -- The id the device gave the entry; null for what was recorded online.
  add column client_id uuid,
  -- When the device says it was recorded (recorded_at stays the server's own time).
  add column device_recorded_at timestamptz,
  add constraint measures_device_time_has_a_client_id check (device_recorded_at is null or client_id is not null);
create unique index measures_client_id_per_owner_idx on public.measures (user_id, client_id) where client_id is not null;

-- What a device sent and the server wrote, once per entry: the answer to a send of the same
-- entry again. The sender's own (a coach's receipts are the coach's); the measures and the
-- session they wrote are read through their own policies.
create table public.sync_receipts (
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  client_id uuid not null,
  kind text not null check (kind in ('record', 'correct', 'complete')),
  session_id uuid not null references public.coaching_sessions (id) on delete cascade,
  measure_id uuid references public.measures (id) on delete cascade,
  -- The entry's place in the device's order, and the device's time.
  device_sequence integer not null check (device_sequence >= 0),
  device_recorded_at timestamptz not null,
  synced_at timestamptz not null default now(),
  primary key (user_id, client_id),
  constraint sync_receipts_measure_kinds_name_a_measure check ((kind = 'complete') = (measure_id is null))
);
alter table public.sync_receipts enable row level security;
create index sync_receipts_session_idx on public.sync_receipts (session_id);
create index sync_receipts_measure_idx on public.sync_receipts (measure_id) where measure_id is not null;

create policy "People read the receipts of what their devices sent"
  on public.sync_receipts for select to authenticated
  using (user_id = (select auth.uid()));

-- A receipt is for a session the sender can see, and a measure of that session they can see
-- (their own, or one they recorded as its coach).
create policy "People keep receipts for what their devices sent, in sessions they can see"
  on public.sync_receipts for insert to authenticated
  with check (
    user_id = (select auth.uid())
    and exists (select 1 from public.coaching_sessions s where s.id = session_id)
    and (measure_id is null or exists (
      select 1 from public.measures m where m.id = measure_id and m.session_id = sync_receipts.session_id and m.recorder_id = (select auth.uid())
    ))
  );

revoke all on public.sync_receipts from public, anon, authenticated, service_role;
-- Written once: nobody changes or removes a receipt (they go with the person or the session).
grant select, insert on public.sync_receipts to authenticated, service_role;

-- The measure's preparation (20261203003000_measures.sql), with the window read on the
-- device's day for an entry recorded offline. Everything else is unchanged.
create or replace function private.prepare_measure() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  me uuid := (select auth.uid());
  prior public.measures;
  s public.coaching_sessions;
  zone text;
  today date;
  anchor date;
  type_label text;
  type_program uuid;
  item jsonb;
  metric jsonb;
  standard record;
  kind text;
begin
  if new.supersedes_id is not null then
    select * into prior from public.measures m where m.id = new.supersedes_id;
    if not found then
      raise exception 'That measure does not exist, or you cannot correct it.' using errcode = '42501';
    end if;
    if exists (select 1 from public.measures m where m.supersedes_id = prior.id) then
      raise exception 'That value has been corrected already: correct its latest version.' using errcode = 'SC409';
    end if;
    new.session_id := prior.session_id;
    new.item_key := prior.item_key;
    new.metric_key := prior.metric_key;
    new.set_number := prior.set_number;
    new.exercise_id := prior.exercise_id;
  end if;

  if new.session_id is null then
    if me is null then
      raise exception 'A measure written by the service names its session.' using errcode = 'SC422';
    end if;
    select x.id into new.session_id from public.coaching_sessions x
    where x.user_id = me and x.session_type = 'self_coaching'
      and x.started_at is not null and x.completed_at is null and x.cancelled_at is null
    limit 1;
    if new.session_id is null then
      select p.timezone, p.default_activity_type into zone, kind from public.profiles p where p.id = me;
      today := private.local_today(zone);
      select t.label, t.program_id into type_label, type_program from public.session_types t
      where t.code = coalesce(kind, 'FUN') and (t.program_id is null or t.program_id in (select private.my_program_ids()))
      order by t.program_id nulls first
      limit 1;
      if type_label is null then
        select t.label, null into type_label, type_program from public.session_types t where t.code = 'FUN' and t.program_id is null;
        kind := 'FUN';
      end if;
      begin
        insert into public.coaching_sessions
          (user_id, program_id, session_type, source, visibility, title, activity_type, has_conversation, started_at, session_date, time_slot)
        values (
          me, type_program, 'self_coaching', 'self_assigned', 'private',
          type_label || ' — ' || private.date_words(today), coalesce(kind, 'FUN'), false, now(), today,
          case
            when extract(hour from now() at time zone coalesce(zone, 'UTC')) < 11 then 'morning'
            when extract(hour from now() at time zone coalesce(zone, 'UTC')) < 14 then 'midday'
            when extract(hour from now() at time zone coalesce(zone, 'UTC')) < 18 then 'afternoon'
            else 'evening'
          end
        )
        returning id into new.session_id;
      exception when unique_violation then
        -- Someone (another tab, another request) started one first: use it.
        select x.id into new.session_id from public.coaching_sessions x
        where x.user_id = me and x.session_type = 'self_coaching'
          and x.started_at is not null and x.completed_at is null and x.cancelled_at is null
        limit 1;
        if new.session_id is null then
          raise;
        end if;
      end;
    end if;
  end if;

  select * into s from public.coaching_sessions x where x.id = new.session_id;
  if not found then
    raise exception 'That session does not exist, or you cannot record in it.' using errcode = '42501';
  end if;
  new.user_id := s.user_id;
  if me is not null then
    new.recorder_id := me;
    new.recorded_by := case when me = s.user_id then 'client' else 'coach' end;
    new.recorded_at := now();
    if me = s.user_id and s.session_type <> 'self_coaching' then
      raise exception 'Your coach records this session''s measures.' using errcode = '42501';
    end if;
  end if;
  if s.cancelled_at is not null then
    raise exception 'This session was cancelled: nothing more is recorded in it.' using errcode = 'SC409';
  end if;
  -- (The service imports history into sessions done long ago.)
  if s.completed_at is not null and new.supersedes_id is null and me is not null then
    raise exception 'This session is complete: correct what it holds, or log new work in a session of its own.' using errcode = 'SC409';
  end if;

  -- Its competition, the session's.
  if new.competition_type is not null or new.competition_id is not null then
    if not s.is_competition or (new.competition_type, new.competition_id) is distinct from (s.competition_type, s.competition_id) then
      raise exception 'A measure carries its session''s competition: mark the session as that competition instead.' using errcode = 'SC422';
    end if;
  end if;
  new.competition_type := s.competition_type;
  new.competition_id := s.competition_id;

  -- Recorded on a device without signal: its time is believed within bounds — no more
  -- than 10 minutes ahead of the server's clock, no more than 7 days behind it.
  if me is not null and new.device_recorded_at is not null then
    if new.device_recorded_at > now() + interval '10 minutes' then
      raise exception 'This entry is dated % by its device, later than now: check the device''s clock, then send it again.',
        to_char(new.device_recorded_at at time zone 'UTC', 'FMDD Mon YYYY HH24:MI "UTC"') using errcode = 'SC422';
    end if;
    if new.device_recorded_at < now() - interval '7 days' then
      raise exception 'This entry was recorded offline on %, more than 7 days ago: it can no longer be synced. Record it again as a session of its own, or discard it.',
        private.date_words((new.device_recorded_at at time zone 'UTC')::date) using errcode = 'SC422';
    end if;
  end if;

  -- In time: a person logs a session within 7 days of its date (planned date first) — the
  -- day it was done where they live: the device's day for an entry recorded offline.
  -- Corrections and the service's imports are not logs of the day.
  if me is not null and new.supersedes_id is null then
    zone := (select p.timezone from public.profiles p where p.id = s.user_id);
    today := private.local_today(zone);
    if new.device_recorded_at is not null then
      begin
        today := (new.device_recorded_at at time zone coalesce(zone, 'UTC'))::date;
      exception when others then
        today := (new.device_recorded_at at time zone 'UTC')::date;
      end;
    end if;
    anchor := coalesce(s.planned_date, s.session_date);
    if today > anchor + 7 then
      raise exception 'This session is from %: logs count for it within 7 days. Log today''s work in a session of its own.',
        private.date_words(anchor) using errcode = 'SC422';
    end if;
    if today < anchor - 7 then
      raise exception 'This session is planned for %: it can be logged from 7 days before that.',
        private.date_words(anchor) using errcode = 'SC422';
    end if;
  end if;

  -- What it measures: one of the item's metrics, or a standard one (a set, an effort).
  if new.item_key is not null then
    select i into item from jsonb_array_elements(s.items) i where (i ->> 'key')::uuid = new.item_key;
    if item is null then
      raise exception 'That item is not in this session.' using errcode = 'SC422';
    end if;
    if new.exercise_id is null and item #>> '{exercise,id}' is not null then
      new.exercise_id := (item #>> '{exercise,id}')::uuid;
    end if;
    select x into metric from jsonb_array_elements(item -> 'metrics') x where lower(x ->> 'key') = lower(new.metric_key);
  end if;
  new.metric_key := lower(new.metric_key);
  if metric is not null then
    kind := metric ->> 'kind';
    new.unit := coalesce(new.unit, metric ->> 'unit');
  else
    select * into standard from private.standard_metrics() m where m.key = new.metric_key;
    if not found then
      raise exception 'There is no metric % to record here.', new.metric_key using errcode = 'SC422';
    end if;
    kind := standard.kind;
    new.unit := coalesce(new.unit, standard.unit);
  end if;
  if new.modification is distinct from 'skipped' and not (
    (kind = 'number' and new.value_numeric is not null)
    or (kind = 'scale' and new.value_scale is not null)
    or (kind = 'yes_no' and new.value_boolean is not null)
    or (kind = 'text' and new.value_text is not null)
  ) then
    raise exception 'This metric takes %.', case kind when 'number' then 'a number' when 'scale' then 'a value from 1 to 10' when 'yes_no' then 'yes or no' else 'text' end
      using errcode = 'SC422';
  end if;

  -- A person's first measure starts an unstarted session: it becomes their active one.
  -- (The service's imports write history; they start nothing.)
  if s.started_at is null and new.supersedes_id is null and me is not null then
    begin
      update public.coaching_sessions x set started_at = now() where x.id = s.id and x.started_at is null;
    exception when unique_violation then
      raise exception 'Finish or cancel “%” first: one session is active at a time.',
        coalesce((select x.title from public.coaching_sessions x
                  where x.user_id = s.user_id and x.session_type = 'self_coaching'
                    and x.started_at is not null and x.completed_at is null and x.cancelled_at is null limit 1), 'your active session')
        using errcode = 'SC409';
    end;
  end if;
  return new;
end;
$$;

-- Trigger functions are not called directly (20261203003000 revoked them; create or replace keeps that).
revoke all on function private.prepare_measure() from public, anon, authenticated, service_role;
