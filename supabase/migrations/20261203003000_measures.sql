-- Doing the work (issue 12, docs/decisions/022-immutable-logs-and-compliance-bands.md):
-- session types, what a session needs to be a training log (activity type, time slot,
-- planned date and retroactive flag, competition), measures (the actuals against the
-- snapshot's targets) that are never changed once written, and benchmarks over time.
--
-- Rules the database holds, whoever writes:
--   * a measure is never updated or deleted by an API role (no grant), nor by the owner (a
--     trigger): a correction is a new row that supersedes the old one (supersedes_id, at
--     most one successor each). Measures go only with their session.
--   * recording a measure without a session puts it in the person's active session, or
--     starts one — by the insert trigger, run as the person (no security definer): two
--     first measures at once end in one session (the partial unique index of
--     20261122000100 refuses the second start; the trigger then uses the first).
--   * a person starts at most programs.daily_session_cap training sessions a day (default
--     3), counted under an advisory transaction lock keyed by person and day, so two starts
--     at once cannot both pass the count.
--   * a log counts for a session within 7 days of its date (the planned date when it has
--     one); later ones are refused with a message saying what to do instead.
--   * a measure inherits its session's time slot (read through the session, never stored
--     twice) and carries its session's competition pair, always both or neither.
--
-- Errors meant for people are raised with SQLSTATEs of our own — SC409 (conflict), SC422
-- (invalid), SC429 (too many) — which lib/db/database.ts passes on with their message.

-- ─── session types: a list a program can extend ──────────────────────────────────────
create table public.session_types (
  id uuid primary key default gen_random_uuid(),
  program_id uuid references public.programs (id) on delete cascade,  -- null: one of the system's
  code text not null check (code ~ '^[A-Z][A-Z0-9_]{1,39}$'),
  label text not null check (char_length(btrim(label)) between 1 and 60),
  created_at timestamptz not null default now()
);
alter table public.session_types enable row level security;
create unique index session_types_code_per_owner_idx
  on public.session_types ((coalesce(program_id, '00000000-0000-0000-0000-000000000000'::uuid)), code);
create index session_types_program_idx on public.session_types (program_id) where program_id is not null;

insert into public.session_types (code, label) values
  ('FUN', 'Fun'),
  ('CUSTOM', 'Custom'),
  ('POWER', 'Power'),
  ('POWER_ENDURANCE', 'Power endurance'),
  ('TENSION_BOARD', 'Tension board'),
  ('COMPETITION', 'Competition'),
  ('ENDURANCE', 'Endurance'),
  ('WORKOUT', 'Workout');

-- ─── what a session needs to be a log ────────────────────────────────────────────────
alter table public.programs
  -- Training sessions a person may start in one day (their own time zone).
  add column daily_session_cap smallint not null default 3 check (daily_session_cap between 1 and 20);

alter table public.profiles
  -- The type of a session started by recording a measure. CUSTOM needs a label of its own,
  -- so it cannot be a default.
  add column default_activity_type text not null default 'FUN'
    check (default_activity_type ~ '^[A-Z][A-Z0-9_]{1,39}$' and default_activity_type <> 'CUSTOM');

alter table public.coaching_sessions
  add column activity_type text not null default 'FUN' check (activity_type ~ '^[A-Z][A-Z0-9_]{1,39}$'),
  add column activity_label text check (char_length(btrim(activity_label)) between 1 and 60),
  -- Chosen once per session; every measure in it is read with it.
  add column time_slot text check (
    time_slot in ('morning', 'midday', 'afternoon', 'evening') or time_slot ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
  ),
  -- The day it was planned for (a coach's due date), kept when the session is logged on another day.
  add column planned_date date,
  -- Its date is earlier than the day it was entered: logged after the fact.
  add column is_retroactive boolean not null default false,
  add column is_competition boolean not null default false,
  add column competition_type text check (char_length(btrim(competition_type)) between 1 and 60),
  add column competition_id text check (char_length(btrim(competition_id)) between 1 and 100),
  add constraint coaching_sessions_custom_type_has_a_label check (activity_type <> 'CUSTOM' or activity_label is not null),
  add constraint coaching_sessions_competition_is_named
    check (is_competition = (competition_type is not null) and (competition_type is null) = (competition_id is null));

-- Sessions already planned keep their date as the planned one.
update public.coaching_sessions set planned_date = session_date where due_at is not null;

-- Training sessions a person started, by day: what the daily cap counts.
create index coaching_sessions_user_started_idx on public.coaching_sessions (user_id, started_at)
  where started_at is not null and not has_conversation;
-- Adherence: a client's planned sessions by due date, done or not.
create index coaching_sessions_user_planned_idx on public.coaching_sessions (user_id, due_at) where due_at is not null;

-- Today where a person lives (UTC for a time zone the server does not know).
create function private.local_today(zone text) returns date
language plpgsql stable set search_path = ''
as $$
begin
  return (now() at time zone coalesce(zone, 'UTC'))::date;
exception when others then
  return (now() at time zone 'UTC')::date;
end;
$$;

-- The start of a day where a person lives, as a moment.
create function private.local_day_start(day date, zone text) returns timestamptz
language plpgsql stable set search_path = ''
as $$
begin
  return day::timestamp at time zone coalesce(zone, 'UTC');
exception when others then
  return day::timestamp at time zone 'UTC';
end;
$$;

-- "3 Dec 2026", as the app writes dates (lib/dates.shared.ts formatDate).
create function private.date_words(day date) returns text
language sql immutable set search_path = ''
as $$
  select to_char(day, 'FMDD Mon YYYY');
$$;

-- A session's activity type is one of the system's or of its program's; a planned
-- session's date stays within 7 days of its planned date; it is retroactive when its date
-- is before the day it was entered; its competition cannot change once measures carry it.
-- Run as the person writing (the types they can read are the ones they may use).
create function private.check_session_log() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  zone text := (select p.timezone from public.profiles p where p.id = new.user_id);
  today date := private.local_today(zone);
begin
  if tg_op = 'INSERT' or new.activity_type is distinct from old.activity_type or new.program_id is distinct from old.program_id then
    if not exists (
      select 1 from public.session_types t
      where t.code = new.activity_type and (t.program_id is null or t.program_id = new.program_id)
    ) then
      raise exception 'There is no session type %: choose one of the list.', new.activity_type using errcode = 'SC422';
    end if;
  end if;
  if new.activity_type <> 'CUSTOM' then
    new.activity_label := null;
  end if;

  if tg_op = 'INSERT' then
    if new.planned_date is null and new.due_at is not null then
      new.planned_date := new.session_date;
    end if;
    new.is_retroactive := new.session_date < today;
  else
    new.planned_date := old.planned_date;
    -- A coach moving the due date moves the plan; an unstarted session moves with it.
    if new.due_at is distinct from old.due_at and new.due_at is not null then
      new.planned_date := (new.due_at at time zone coalesce(zone, 'UTC'))::date;
      if old.started_at is null and new.session_date = old.session_date then
        new.session_date := new.planned_date;
      end if;
    end if;
    if new.session_date is distinct from old.session_date or new.planned_date is distinct from old.planned_date then
      new.is_retroactive := new.session_date < today;
    else
      new.is_retroactive := old.is_retroactive;
    end if;
    if (new.is_competition, new.competition_type, new.competition_id) is distinct from (old.is_competition, old.competition_type, old.competition_id)
      and exists (select 1 from public.measures m where m.session_id = new.id)
    then
      raise exception 'Its measures already carry this session''s competition: it cannot change now. Log the competition as a session of its own.'
        using errcode = 'SC409';
    end if;
  end if;
  if new.planned_date is not null and abs(new.session_date - new.planned_date) > 7 then
    raise exception 'This session was planned for %: it can be logged for a day within 7 days of that. Log the work as a session of its own instead.',
      private.date_words(new.planned_date) using errcode = 'SC422';
  end if;
  return new;
end;
$$;

-- The daily cap on training sessions (those without the five-stage conversation, which are
-- one at a time already): at most the program's cap started by one person in one of their
-- days, cancelled ones included. An advisory lock keyed by person and day makes the count
-- and the start one step for concurrent starts. Only people are capped: the service (seed,
-- imports) writes history as it was. Security definer: it counts sessions the person
-- starting it (a coach, say) may not see.
create function private.cap_daily_sessions() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  zone text;
  day date;
  cap smallint;
  started integer;
begin
  if new.started_at is null or new.has_conversation or (tg_op = 'UPDATE' and old.started_at is not null)
    or (select auth.uid()) is null
  then
    return new;
  end if;
  zone := (select p.timezone from public.profiles p where p.id = new.user_id);
  day := private.local_today(zone);
  begin
    day := (new.started_at at time zone coalesce(zone, 'UTC'))::date;
  exception when others then
    day := (new.started_at at time zone 'UTC')::date;
  end;
  perform pg_advisory_xact_lock(hashtextextended('stagecoach:daily-session-cap:' || new.user_id::text || ':' || day::text, 0));
  cap := coalesce((select g.daily_session_cap from public.programs g where g.id = new.program_id), 3);
  select count(*) into started
  from public.coaching_sessions s
  where s.user_id = new.user_id
    and s.id <> new.id
    and s.started_at is not null and not s.has_conversation
    and s.started_at >= private.local_day_start(day, zone)
    and s.started_at < private.local_day_start(day + 1, zone);
  if started >= cap then
    raise exception 'You have already started % training sessions today, the most allowed in a day. Keep logging in one of today''s sessions, or ask your coach to raise the daily limit.',
      started using errcode = 'SC429';
  end if;
  return new;
end;
$$;

create trigger coaching_sessions_check_log
before insert or update of activity_type, activity_label, program_id, session_date, due_at, is_competition, competition_type, competition_id
on public.coaching_sessions
for each row execute function private.check_session_log();

create trigger coaching_sessions_daily_cap before insert or update of started_at on public.coaching_sessions
for each row execute function private.cap_daily_sessions();

-- ─── measures ────────────────────────────────────────────────────────────────────────
-- Keys every item may record besides its own metrics: a strength set (weight, reps, RPE)
-- and an endurance effort (duration, distance, average heart rate or power). With no
-- item (a session started by recording), these are what can be logged.
create function private.standard_metrics() returns table (key text, kind text, unit text)
language sql immutable set search_path = ''
as $$
  values
    ('weight', 'number', 'kg'), ('reps', 'number', 'reps'), ('rpe', 'scale', null),
    ('duration', 'number', 'min'), ('distance', 'number', 'km'),
    ('avg_heart_rate', 'number', 'bpm'), ('avg_power', 'number', 'W');
$$;

-- The actual, for one metric of one item of a session (the target is in the session's
-- snapshot). user_id is the session's client, written by the trigger; a measure goes
-- with its session, so it needs no foreign key of its own to the person.
create table public.measures (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references public.coaching_sessions (id) on delete cascade,
  user_id uuid not null,
  item_key uuid,
  exercise_id uuid references public.exercises (id) on delete set null,
  metric_key text not null check (metric_key ~ '^[a-z0-9_-]{1,64}$'),
  set_number smallint check (set_number between 1 and 50),
  value_numeric numeric check (value_numeric >= 0 and value_numeric < 1000000000),
  value_scale smallint check (value_scale between 1 and 10),
  value_boolean boolean,
  value_text text check (char_length(value_text) between 1 and 2000),
  unit text check (char_length(unit) between 1 and 20),
  -- Substituted (done differently: the value is what was done) or skipped (no value).
  modification text check (modification in ('substituted', 'skipped')),
  modification_reason text check (char_length(btrim(modification_reason)) between 1 and 500),
  recorded_by text not null check (recorded_by in ('client', 'coach')),
  recorder_id uuid references auth.users (id) on delete set null,
  recorded_at timestamptz not null default now(),
  competition_type text,
  competition_id text,
  -- The version this one corrects; each version is corrected at most once.
  supersedes_id uuid unique references public.measures (id) on delete cascade,
  constraint measures_competition_pair_is_whole check ((competition_type is null) = (competition_id is null)),
  constraint measures_modification_has_a_reason check ((modification is null) = (modification_reason is null)),
  constraint measures_hold_one_value check (
    num_nonnulls(value_numeric, value_scale, value_boolean, value_text) = case when modification = 'skipped' then 0 else 1 end
  )
);
alter table public.measures enable row level security;
-- A session's measures, item by item and set by set.
create index measures_session_idx on public.measures (session_id, item_key, metric_key, set_number);
-- A person's history of one metric or exercise over time (charts, benchmarks).
create index measures_user_metric_idx on public.measures (user_id, metric_key, recorded_at desc);
create index measures_user_exercise_idx on public.measures (user_id, exercise_id, recorded_at desc) where exercise_id is not null;
create index measures_exercise_idx on public.measures (exercise_id) where exercise_id is not null;
create index measures_recorder_idx on public.measures (recorder_id) where recorder_id is not null;

-- Before a measure is written, as the person writing it:
--   * a correction takes everything that says what it measures from the version it corrects;
--   * with no session, it goes in the person's active session or starts one;
--   * the session decides whose it is, who recorded it (client or coach), its competition
--     pair, and whether it is still time to log it;
--   * an item's metric decides which value it holds and its unit.
create function private.prepare_measure() returns trigger
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

  -- In time: a person logs a session within 7 days of its date (planned date first).
  -- Corrections and the service's imports are not logs of the day.
  if me is not null and new.supersedes_id is null then
    zone := (select p.timezone from public.profiles p where p.id = s.user_id);
    today := private.local_today(zone);
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

create trigger measures_prepare before insert on public.measures
for each row execute function private.prepare_measure();

-- A measure of a benchmark metric joins the person's benchmarks: a "1RM" metric of an
-- exercise as that exercise's 1RM, any other under the metric's name. Run as the person
-- writing, so it is the benchmarks policy that lets them.
create function private.benchmark_from_measure() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  s public.coaching_sessions;
  metric jsonb;
  label text;
begin
  if new.item_key is null or new.value_numeric is null or new.value_numeric <= 0 then
    return null;
  end if;
  select * into s from public.coaching_sessions x where x.id = new.session_id;
  select x into metric
  from jsonb_array_elements(s.items) i, jsonb_array_elements(i -> 'metrics') x
  where (i ->> 'key')::uuid = new.item_key and lower(x ->> 'key') = new.metric_key;
  if metric is null or not coalesce((metric ->> 'benchmark')::boolean, false) then
    return null;
  end if;
  label := metric ->> 'label';
  insert into public.benchmarks (user_id, program_id, kind, exercise_id, name, metric_key, value, unit, recorded_on, measure_id, recorded_by)
  values (
    new.user_id,
    case when s.visibility = 'shared' then s.program_id end,
    case when new.exercise_id is not null and label ~* '(^|[^a-z0-9])(1 ?rm|one[- ]rep max)([^a-z0-9]|$)' then 'one_rep_max' else 'custom' end,
    new.exercise_id,
    label,
    new.metric_key,
    new.value_numeric,
    coalesce(new.unit, 'units'),
    s.session_date,
    new.id,
    new.recorder_id
  );
  return null;
end;
$$;

create trigger measures_benchmark after insert on public.measures
for each row execute function private.benchmark_from_measure();

-- Logs are immutable: nothing changes or removes a measure, the database owner included.
-- What goes through: the cascade from its deleted session, and a deleted person or
-- exercise leaving a null behind (on delete set null). Corrections are new rows.
create function private.keep_measures_immutable() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'DELETE' then
    if not exists (select 1 from public.coaching_sessions s where s.id = old.session_id) then
      return old;
    end if;
    raise exception 'A recorded measure is never deleted: record a correction instead.' using errcode = 'SC409';
  end if;
  if (to_jsonb(new) - 'recorder_id' - 'exercise_id') = (to_jsonb(old) - 'recorder_id' - 'exercise_id')
    and (new.recorder_id is not distinct from old.recorder_id or new.recorder_id is null)
    and (new.exercise_id is not distinct from old.exercise_id or new.exercise_id is null)
  then
    return new;
  end if;
  raise exception 'A recorded measure never changes: record a correction instead.' using errcode = 'SC409';
end;
$$;

create trigger measures_immutable before update or delete on public.measures
for each row execute function private.keep_measures_immutable();

-- ─── benchmarks ──────────────────────────────────────────────────────────────────────
-- A person's benchmark values over time; for each benchmark the latest by date is current.
-- program_id null: the person's own, private; set: shared with that program's coaches.
create table public.benchmarks (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  program_id uuid references public.programs (id) on delete cascade,
  kind text not null check (kind in ('one_rep_max', 'ftp', 'hr_zones', 'pace_5k', 'pace_10k', 'pace_half_marathon', 'custom')),
  exercise_id uuid references public.exercises (id) on delete cascade,
  -- A program-defined (custom) benchmark's name; a benchmark metric's label.
  name text check (char_length(btrim(name)) between 1 and 80),
  metric_key text check (metric_key ~ '^[a-z0-9_-]{1,64}$'),
  -- kg for a 1RM, W for FTP, seconds per km for a pace, the top of zone 5 (bpm) for zones.
  value numeric not null check (value > 0 and value < 1000000),
  unit text not null check (char_length(unit) between 1 and 20),
  -- Heart-rate zones 1–5: the top of each, rising.
  zones numeric[],
  recorded_on date not null default current_date,
  recorded_at timestamptz not null default now(),
  measure_id uuid references public.measures (id) on delete cascade,
  recorded_by uuid references auth.users (id) on delete set null,
  constraint benchmarks_one_rep_max_names_an_exercise check (kind <> 'one_rep_max' or exercise_id is not null),
  constraint benchmarks_custom_has_a_name check (kind <> 'custom' or name is not null),
  constraint benchmarks_zones_only_for_hr_zones check (
    case when kind = 'hr_zones'
      then array_length(zones, 1) = 5 and array_ndims(zones) = 1
        and zones[1] > 0 and zones[1] < zones[2] and zones[2] < zones[3] and zones[3] < zones[4] and zones[4] < zones[5]
        and value = zones[5]
      else zones is null end
  )
);
alter table public.benchmarks enable row level security;
-- The current value: a person's latest of one benchmark.
create index benchmarks_user_kind_idx on public.benchmarks (user_id, kind, exercise_id, recorded_on desc, recorded_at desc);
create index benchmarks_program_idx on public.benchmarks (program_id) where program_id is not null;
create index benchmarks_exercise_idx on public.benchmarks (exercise_id) where exercise_id is not null;
create index benchmarks_measure_idx on public.benchmarks (measure_id) where measure_id is not null;
create index benchmarks_recorded_by_idx on public.benchmarks (recorded_by) where recorded_by is not null;

create function private.stamp_benchmark() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if (select auth.uid()) is not null then
    new.recorded_by := (select auth.uid());
    new.recorded_at := now();
  end if;
  return new;
end;
$$;

create trigger benchmarks_stamp before insert on public.benchmarks
for each row execute function private.stamp_benchmark();

-- ─── policies ────────────────────────────────────────────────────────────────────────
create policy "Everyone signed in reads the system's session types; members their programs' own"
  on public.session_types for select to authenticated
  using (program_id is null or program_id in (select private.my_program_ids()));

create policy "Coaches add session types to their programs"
  on public.session_types for insert to authenticated
  with check (program_id in (select private.my_coached_program_ids()));

create policy "Coaches rename their programs' session types"
  on public.session_types for update to authenticated
  using (program_id in (select private.my_coached_program_ids()))
  with check (program_id in (select private.my_coached_program_ids()));

create policy "Coaches remove their programs' session types"
  on public.session_types for delete to authenticated
  using (program_id in (select private.my_coached_program_ids()));

-- A coach's half probes the measure's one session (a primary-key lookup under the sessions'
-- own policy, which lets a coach see only what is shared with them in a program where they
-- coach the client), instead of building the set of every session shared with them.
create policy "Clients read their own measures, and coaches those of sessions shared with them"
  on public.measures for select to authenticated
  using (
    user_id = (select auth.uid())
    or coalesce((
      select s.visibility = 'shared' and s.coach_id = (select auth.uid())
      from public.coaching_sessions s where s.id = session_id
    ), false)
  );

-- The client's half reads only the row (the trigger wrote user_id from the session and
-- refuses a coach-led session): a session the trigger has just started is not yet visible
-- to this statement's probes.
create policy "Clients record their own actuals, and coaches in the sessions they assigned or lead"
  on public.measures for insert to authenticated
  with check (
    (recorded_by = 'client' and user_id = (select auth.uid()) and recorder_id = (select auth.uid()))
    or (
      recorded_by = 'coach' and recorder_id = (select auth.uid())
      and coalesce((
        select s.visibility = 'shared' and s.coach_id = (select auth.uid())
          and (s.source = 'coach_assigned' or s.session_type = 'coach_led')
        from public.coaching_sessions s where s.id = session_id
      ), false)
    )
  );

create policy "People read their own benchmarks, and coaches those shared with their program"
  on public.benchmarks for select to authenticated
  using (
    user_id = (select auth.uid())
    or (user_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
  );

create policy "People record their own benchmarks, and coaches their clients' in their program"
  on public.benchmarks for insert to authenticated
  with check (
    (user_id = (select auth.uid()) and (program_id is null or program_id in (select private.my_program_ids())))
    or (user_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
  );

create policy "People remove benchmarks they entered themselves"
  on public.benchmarks for delete to authenticated
  using (user_id = (select auth.uid()) and recorded_by = (select auth.uid()) and measure_id is null);

-- ─── grants ──────────────────────────────────────────────────────────────────────────
revoke all on public.session_types, public.measures, public.benchmarks from public, anon, authenticated, service_role;

grant select, insert, delete on public.session_types to authenticated, service_role;
grant update (label) on public.session_types to authenticated, service_role;

-- Measures are written once: no API role updates or deletes one.
grant select, insert on public.measures to authenticated, service_role;

grant select, insert, delete on public.benchmarks to authenticated, service_role;

grant update (activity_type, activity_label, time_slot, is_competition, competition_type, competition_id)
  on public.coaching_sessions to authenticated, service_role;
grant update (daily_session_cap) on public.programs to authenticated, service_role;
grant update (default_activity_type) on public.profiles to authenticated, service_role;

do $$
declare
  fn record;
begin
  for fn in
    select p.oid::regprocedure as signature
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'private'
      and p.proname in (
        'local_today', 'local_day_start', 'date_words', 'check_session_log', 'cap_daily_sessions', 'standard_metrics',
        'prepare_measure', 'benchmark_from_measure', 'keep_measures_immutable', 'stamp_benchmark'
      )
  loop
    execute format('revoke all on function %s from public, anon, authenticated, service_role', fn.signature);
  end loop;
end
$$;
-- The triggers run as the person writing call these.
grant execute on function private.local_today(text), private.local_day_start(date, text), private.date_words(date), private.standard_metrics()
  to authenticated, service_role;
