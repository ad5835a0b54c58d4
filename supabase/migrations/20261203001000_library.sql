-- The coach's library (issue 11, docs/decisions/018-templates-snapshots-and-no-enrollment.md):
-- an exercise catalog, session templates with ordered items, tags, modules, and sessions
-- assigned from them.
--
-- There is no lifecycle entity and no enrollment table. A template is what a coach builds;
-- assigning it creates a real coaching_sessions row that carries a snapshot of the template's
-- items (copied here, by the database, at insert), the template's id as lineage, a due date
-- and, for a module, a module_run_id shared by the sessions of one run. Progress and "has
-- Diego done his assessment?" are queries over those sessions.
--
-- Who may do what:
--   * system exercises (program_id null) are read-only to every signed-in user;
--   * a program's own exercises, tags, templates and modules are written by its coaches;
--     its clients read a template (and its items) only when it is public in their program
--     — otherwise what they see of it is the snapshot in the sessions assigned to them;
--   * nothing crosses programs: every child row carries its program_id and a composite
--     foreign key to its parent's (id, program_id), so a tag of one program cannot be put on
--     another's template, nor a template in another's module.

-- ─── vocabulary, as the database checks it (lib/library/library.shared.ts mirrors it) ──
create function private.exercise_categories() returns text[]
language sql immutable set search_path = ''
as $$
  select array['squat', 'hinge', 'press', 'pull', 'accessory', 'core', 'plyometric', 'run', 'bike', 'row', 'swim', 'other'];
$$;

create function private.muscle_groups() returns text[]
language sql immutable set search_path = ''
as $$
  select array[
    'quadriceps', 'hamstrings', 'glutes', 'calves', 'adductors', 'hip_flexors', 'chest', 'upper_back', 'lats',
    'lower_back', 'shoulders', 'biceps', 'triceps', 'forearms', 'abdominals', 'obliques', 'cardiovascular'
  ];
$$;

-- ─── exercises ───────────────────────────────────────────────────────────────────────
create table public.exercises (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(btrim(name)) between 2 and 100),
  category text not null check (category = any (private.exercise_categories())),
  muscle_groups text[] not null default '{}' check (muscle_groups <@ private.muscle_groups()),
  program_id uuid references public.programs (id) on delete cascade,  -- null: a system exercise
  is_public boolean not null default false,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint exercises_system_ones_are_public check (program_id is not null or is_public)
);
alter table public.exercises enable row level security;

-- Unique per owner (the system, or a program), whatever the capitals.
create unique index exercises_name_per_owner_idx
  on public.exercises ((coalesce(program_id, '00000000-0000-0000-0000-000000000000'::uuid)), lower(name));
-- Search by name prefix: lower(name) like 'ben%'.
create index exercises_name_prefix_idx on public.exercises (lower(name) text_pattern_ops);
create index exercises_program_idx on public.exercises (program_id) where program_id is not null;
create index exercises_created_by_idx on public.exercises (created_by) where created_by is not null;

create trigger exercises_set_updated_at before update on public.exercises
for each row execute function private.set_updated_at();

-- ─── tags ────────────────────────────────────────────────────────────────────────────
create table public.tags (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 40),
  colour text not null default 'slate'
    check (colour in ('slate', 'red', 'amber', 'green', 'teal', 'blue', 'violet', 'pink')),
  created_at timestamptz not null default now(),
  unique (id, program_id)
);
alter table public.tags enable row level security;
create unique index tags_name_per_program_idx on public.tags (program_id, lower(name));

-- Per-stage prompt overrides: an object keyed by the stage registry's slugs
-- (lib/coaching/stages.shared.ts), each a text of at most 2,000 characters.
create function private.stage_prompts_are_valid(prompts jsonb) returns boolean
language sql immutable set search_path = ''
as $$
  select jsonb_typeof(prompts) = 'object' and not exists (
    select 1 from jsonb_each(prompts) p
    where p.key not in ('check_in', 'starting_point', 'connect', 'finish', 'check_out')
       or jsonb_typeof(p.value) <> 'string'
       or char_length(p.value #>> '{}') > 2000
  );
$$;

-- ─── session templates and their items ───────────────────────────────────────────────
create table public.session_templates (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  title text not null check (char_length(btrim(title)) between 1 and 200),
  description text not null default '' check (char_length(description) <= 2000),
  includes_conversation boolean not null default false,
  -- Per-stage prompt overrides, keyed by the stage registry's slugs (lib/coaching/stages.shared.ts).
  stage_prompts jsonb not null default '{}'::jsonb check (private.stage_prompts_are_valid(stage_prompts)),
  is_public boolean not null default false,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, program_id)
);
alter table public.session_templates enable row level security;
-- The library page: a program's templates, newest first.
create index session_templates_program_idx on public.session_templates (program_id, created_at desc, id);
create index session_templates_public_idx on public.session_templates (program_id) where is_public;
create index session_templates_created_by_idx on public.session_templates (created_by) where created_by is not null;

create trigger session_templates_set_updated_at before update on public.session_templates
for each row execute function private.set_updated_at();

-- What a prescription breaks, or null when it is valid: the database's own check of what
-- lib/library/library.shared.ts validates with a message per rule.
--   strength:  sets 1–20, reps 1–50, intensity % of 1RM (1–120) or RPE (1–10), rest 0–600 s,
--              tempo of four digits (e.g. 3010);
--   endurance: modality run/bike/row/swim, duration 1–1440 min, distance > 0 (optional),
--              intensity heart-rate zone 1–5, % FTP (1–200) or pace zone 1–5.
create function private.prescription_problem(prescription jsonb) returns text
language sql immutable set search_path = ''
as $$
  select case
    when prescription is null then null
    when jsonb_typeof(prescription) <> 'object' then 'not an object'
    when prescription ->> 'type' = 'strength' then
      case
        when jsonb_typeof(prescription -> 'sets') <> 'number' or (prescription ->> 'sets')::numeric not between 1 and 20
          or (prescription ->> 'sets')::numeric <> trunc((prescription ->> 'sets')::numeric) then 'sets'
        when jsonb_typeof(prescription -> 'reps') <> 'number' or (prescription ->> 'reps')::numeric not between 1 and 50
          or (prescription ->> 'reps')::numeric <> trunc((prescription ->> 'reps')::numeric) then 'reps'
        when prescription -> 'intensity' is not null and jsonb_typeof(prescription -> 'intensity') <> 'null' and not (
          jsonb_typeof(prescription #> '{intensity,value}') = 'number' and (
            (prescription #>> '{intensity,kind}' = 'percent_1rm' and (prescription #>> '{intensity,value}')::numeric between 1 and 120)
            or (prescription #>> '{intensity,kind}' = 'rpe' and (prescription #>> '{intensity,value}')::numeric between 1 and 10)
          )
        ) then 'intensity'
        when prescription -> 'restSeconds' is not null and jsonb_typeof(prescription -> 'restSeconds') <> 'null' and (
          jsonb_typeof(prescription -> 'restSeconds') <> 'number' or (prescription ->> 'restSeconds')::numeric not between 0 and 600
        ) then 'rest'
        when prescription -> 'tempo' is not null and jsonb_typeof(prescription -> 'tempo') <> 'null' and (
          jsonb_typeof(prescription -> 'tempo') <> 'string' or prescription ->> 'tempo' !~ '^[0-9]{4}$'
        ) then 'tempo'
      end
    when prescription ->> 'type' = 'endurance' then
      case
        when coalesce(prescription ->> 'modality', '') not in ('run', 'bike', 'row', 'swim') then 'modality'
        when jsonb_typeof(prescription -> 'durationMinutes') <> 'number'
          or (prescription ->> 'durationMinutes')::numeric not between 1 and 1440 then 'duration'
        when prescription -> 'distanceKm' is not null and jsonb_typeof(prescription -> 'distanceKm') <> 'null' and (
          jsonb_typeof(prescription -> 'distanceKm') <> 'number' or (prescription ->> 'distanceKm')::numeric <= 0
        ) then 'distance'
        when prescription -> 'intensity' is not null and jsonb_typeof(prescription -> 'intensity') <> 'null' and not (
          jsonb_typeof(prescription #> '{intensity,value}') = 'number' and (
            (prescription #>> '{intensity,kind}' in ('hr_zone', 'pace_zone') and (prescription #>> '{intensity,value}')::numeric between 1 and 5)
            or (prescription #>> '{intensity,kind}' = 'percent_ftp' and (prescription #>> '{intensity,value}')::numeric between 1 and 200)
          )
        ) then 'intensity'
      end
    else 'type'
  end;
$$;

create table public.template_items (
  id uuid primary key default gen_random_uuid(),
  template_id uuid not null,
  program_id uuid not null,
  -- Stays the same across edits of the template, so what is recorded against an item
  -- (measures, next issue) keeps pointing at it.
  key uuid not null default gen_random_uuid(),
  position integer not null check (position >= 0),
  kind text not null check (kind in ('drill', 'exercise', 'reflection')),
  title text not null check (char_length(btrim(title)) between 1 and 200),
  instructions text not null default '' check (char_length(instructions) <= 4000),
  exercise_id uuid references public.exercises (id) on delete set null,
  prescription jsonb check (private.prescription_problem(prescription) is null),
  -- [{ key, kind: number | scale | yes_no | text, label, unit?, target?, targetMin?, targetMax?, benchmark }]
  metrics jsonb not null default '[]'::jsonb check (jsonb_typeof(metrics) = 'array' and jsonb_array_length(metrics) <= 20),
  created_at timestamptz not null default now(),
  foreign key (template_id, program_id) references public.session_templates (id, program_id) on delete cascade,
  unique (template_id, position),
  unique (template_id, key),
  constraint template_items_only_exercises_have_exercise_parts
    check (kind = 'exercise' or (exercise_id is null and prescription is null))
);
alter table public.template_items enable row level security;
create index template_items_exercise_idx on public.template_items (exercise_id) where exercise_id is not null;
-- Every composite foreign key (its row and program) has an index on its columns, so a cascade
-- finds its rows; the program column leads where policies filter by program.
create index template_items_program_idx on public.template_items (program_id, template_id);

create table public.template_tags (
  template_id uuid not null,
  tag_id uuid not null,
  program_id uuid not null,
  primary key (template_id, tag_id),
  foreign key (template_id, program_id) references public.session_templates (id, program_id) on delete cascade,
  foreign key (tag_id, program_id) references public.tags (id, program_id) on delete cascade
);
alter table public.template_tags enable row level security;
-- Filtering the library by tag.
create index template_tags_tag_idx on public.template_tags (tag_id, program_id, template_id);
create index template_tags_program_idx on public.template_tags (program_id, template_id);

-- ─── modules: ordered templates, each with a day offset ──────────────────────────────
create table public.modules (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  name text not null check (char_length(btrim(name)) between 1 and 120),
  description text not null default '' check (char_length(description) <= 2000),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (id, program_id)
);
alter table public.modules enable row level security;
create index modules_program_idx on public.modules (program_id, created_at desc, id);
create index modules_created_by_idx on public.modules (created_by) where created_by is not null;

create trigger modules_set_updated_at before update on public.modules
for each row execute function private.set_updated_at();

create table public.module_steps (
  id uuid primary key default gen_random_uuid(),
  module_id uuid not null,
  program_id uuid not null,
  position integer not null check (position >= 0),
  template_id uuid not null,
  day_offset integer not null check (day_offset between 0 and 365),
  foreign key (module_id, program_id) references public.modules (id, program_id) on delete cascade,
  -- A template in a module is not deleted from under it: take it out of the module first.
  foreign key (template_id, program_id) references public.session_templates (id, program_id) on delete restrict,
  unique (module_id, position)
);
alter table public.module_steps enable row level security;
create index module_steps_template_idx on public.module_steps (template_id, program_id);
create index module_steps_program_idx on public.module_steps (program_id, module_id);

-- ─── sessions from templates ─────────────────────────────────────────────────────────
-- Lineage (session_template_id, module_id + module_run_id) and the snapshot: whether the
-- session includes the five-stage conversation, the template's per-stage prompts, and its
-- items (already a column).
alter table public.coaching_sessions
  add column has_conversation boolean not null default true,
  add column stage_prompts jsonb not null default '{}'::jsonb check (private.stage_prompts_are_valid(stage_prompts)),
  add column module_id uuid references public.modules (id) on delete set null,
  -- A template that sessions came from stays: the sessions are its history.
  add constraint coaching_sessions_template_fk
    foreign key (session_template_id) references public.session_templates (id) on delete restrict,
  add constraint coaching_sessions_module_run_has_a_module
    check ((module_run_id is null) = (module_id is null));

-- "Has Diego done his assessment?": a client's sessions of one template.
create index coaching_sessions_template_user_idx on public.coaching_sessions (session_template_id, user_id, completed_at)
  where session_template_id is not null;
create index coaching_sessions_module_run_idx on public.coaching_sessions (module_run_id) where module_run_id is not null;
create index coaching_sessions_module_idx on public.coaching_sessions (module_id) where module_id is not null;
-- What is due: a client's and a coach's open sessions by due date.
create index coaching_sessions_user_due_idx on public.coaching_sessions (user_id, due_at)
  where due_at is not null and completed_at is null and cancelled_at is null;
create index coaching_sessions_coach_due_idx on public.coaching_sessions (coach_id, due_at)
  where due_at is not null and completed_at is null and cancelled_at is null;

-- At insert, a session from a template takes the template's snapshot, made here by the
-- database so that nobody (not a client starting one from a public template, not a direct
-- SQL insert) can hand in items of their own. The template must belong to the session's
-- program; a client starts one only from a public template of a program they belong to.
-- Security definer: a client may not read a coach's template rows, but their session
-- carries what was in them.
create function private.snapshot_session_template() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  template public.session_templates;
begin
  if new.module_id is not null and not exists (
    select 1 from public.modules m where m.id = new.module_id and m.program_id = new.program_id
  ) then
    raise exception 'That module is not one of this program''s.' using errcode = '42501';
  end if;
  if new.session_template_id is null then
    return new;
  end if;
  select * into template from public.session_templates t
  where t.id = new.session_template_id and t.program_id = new.program_id;
  if not found then
    raise exception 'That template is not one of this program''s.' using errcode = '42501';
  end if;
  if new.source = 'self_assigned' and not (
    template.is_public and exists (
      select 1 from public.program_members m
      where m.program_id = new.program_id and m.user_id = new.user_id and m.role = 'client'
    )
  ) then
    raise exception 'Only a public template of your own program can be started.' using errcode = '42501';
  end if;
  new.has_conversation := template.includes_conversation;
  new.stage_prompts := template.stage_prompts;
  new.items := coalesce((
    select jsonb_agg(
      jsonb_build_object(
        'key', i.key,
        'kind', i.kind,
        'title', i.title,
        'instructions', i.instructions,
        'exercise', case when e.id is null then null
                         else jsonb_build_object('id', e.id, 'name', e.name, 'category', e.category, 'muscleGroups', to_jsonb(e.muscle_groups)) end,
        'prescription', i.prescription,
        'metrics', i.metrics
      )
      order by i.position
    )
    from public.template_items i
    -- Only an exercise the template's program may use: the system's, a public one, its own.
    left join public.exercises e
      on e.id = i.exercise_id and (e.program_id is null or e.is_public or e.program_id = template.program_id)
    where i.template_id = template.id
  ), '[]'::jsonb);
  return new;
end;
$$;

create trigger coaching_sessions_snapshot_template before insert on public.coaching_sessions
for each row execute function private.snapshot_session_template();

-- What a coach planned is the coach's: on a session they assigned, the client does the
-- work and marks it complete, but cannot move its due date, rename it or cancel it. (The items are
-- not updatable by any API role at all: a snapshot is written once.)
create function private.keep_assigned_plan() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if old.source = 'coach_assigned'
    and (select auth.uid()) = old.user_id
    and (new.due_at is distinct from old.due_at or new.title is distinct from old.title or new.cancelled_at is distinct from old.cancelled_at)
  then
    raise exception 'Your coach set this session''s name and due date; ask them to change or withdraw it.' using errcode = '42501';
  end if;
  return new;
end;
$$;

create trigger coaching_sessions_keep_assigned_plan before update of due_at, title, cancelled_at on public.coaching_sessions
for each row execute function private.keep_assigned_plan();

-- ─── set-returning helpers for the policies ──────────────────────────────────────────
-- Public templates of the programs the signed-in user is a client in.
create function private.public_template_ids_for_me() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select t.id from public.session_templates t
  where t.is_public and t.program_id in (
    select m.program_id from public.program_members m where m.user_id = (select auth.uid()) and m.role = 'client'
  );
$$;

-- Exercises in the sessions of the signed-in client (a program's own exercise, seen inside
-- a session that uses it).
create function private.exercise_ids_in_my_sessions() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select distinct (item #>> '{exercise,id}')::uuid
  from public.coaching_sessions s, jsonb_array_elements(s.items) item
  where s.user_id = (select auth.uid()) and s.items <> '[]'::jsonb and item #>> '{exercise,id}' is not null;
$$;

-- Modules with a run that includes the signed-in client (so they can read its name).
create function private.module_ids_for_me() returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select distinct s.module_id from public.coaching_sessions s
  where s.user_id = (select auth.uid()) and s.module_id is not null;
$$;

-- ─── policies ────────────────────────────────────────────────────────────────────────
create policy "Everyone signed in reads system and public exercises; coaches their programs' own; clients those in their sessions"
  on public.exercises for select to authenticated
  using (
    is_public
    or program_id in (select private.my_coached_program_ids())
    or id in (select private.exercise_ids_in_my_sessions())
  );

create policy "Coaches add exercises to their programs' catalogs"
  on public.exercises for insert to authenticated
  with check (program_id in (select private.my_coached_program_ids()) and created_by = (select auth.uid()));

create policy "Coaches edit their programs' exercises"
  on public.exercises for update to authenticated
  using (program_id in (select private.my_coached_program_ids()))
  with check (program_id in (select private.my_coached_program_ids()));

create policy "Coaches remove their programs' exercises"
  on public.exercises for delete to authenticated
  using (program_id in (select private.my_coached_program_ids()));

create policy "Coaches read their programs' tags"
  on public.tags for select to authenticated
  using (program_id in (select private.my_coached_program_ids()));

create policy "Coaches create tags in their programs"
  on public.tags for insert to authenticated
  with check (program_id in (select private.my_coached_program_ids()));

create policy "Coaches rename and recolour their programs' tags"
  on public.tags for update to authenticated
  using (program_id in (select private.my_coached_program_ids()))
  with check (program_id in (select private.my_coached_program_ids()));

create policy "Coaches delete their programs' tags"
  on public.tags for delete to authenticated
  using (program_id in (select private.my_coached_program_ids()));

create policy "Coaches read their programs' templates; clients the public ones of their programs"
  on public.session_templates for select to authenticated
  using (
    program_id in (select private.my_coached_program_ids())
    or id in (select private.public_template_ids_for_me())
  );

create policy "Coaches create templates in their programs"
  on public.session_templates for insert to authenticated
  with check (program_id in (select private.my_coached_program_ids()) and created_by = (select auth.uid()));

create policy "Coaches edit their programs' templates"
  on public.session_templates for update to authenticated
  using (program_id in (select private.my_coached_program_ids()))
  with check (program_id in (select private.my_coached_program_ids()));

create policy "Coaches delete their programs' templates"
  on public.session_templates for delete to authenticated
  using (program_id in (select private.my_coached_program_ids()));

create policy "Whoever can read a template reads its items"
  on public.template_items for select to authenticated
  using (
    program_id in (select private.my_coached_program_ids())
    or template_id in (select private.public_template_ids_for_me())
  );

-- An item may name only an exercise its writer can see (the system's, a public one, their programs').
create policy "Coaches add items to their programs' templates"
  on public.template_items for insert to authenticated
  with check (
    program_id in (select private.my_coached_program_ids())
    and (exercise_id is null or exists (select 1 from public.exercises e where e.id = exercise_id))
  );

create policy "Coaches edit items of their programs' templates"
  on public.template_items for update to authenticated
  using (program_id in (select private.my_coached_program_ids()))
  with check (
    program_id in (select private.my_coached_program_ids())
    and (exercise_id is null or exists (select 1 from public.exercises e where e.id = exercise_id))
  );

create policy "Coaches remove items from their programs' templates"
  on public.template_items for delete to authenticated
  using (program_id in (select private.my_coached_program_ids()));

create policy "Coaches read their programs' template tags"
  on public.template_tags for select to authenticated
  using (program_id in (select private.my_coached_program_ids()));

create policy "Coaches tag their programs' templates"
  on public.template_tags for insert to authenticated
  with check (program_id in (select private.my_coached_program_ids()));

create policy "Coaches untag their programs' templates"
  on public.template_tags for delete to authenticated
  using (program_id in (select private.my_coached_program_ids()));

create policy "Coaches read their programs' modules; clients the modules they are doing"
  on public.modules for select to authenticated
  using (
    program_id in (select private.my_coached_program_ids())
    or id in (select private.module_ids_for_me())
  );

create policy "Coaches create modules in their programs"
  on public.modules for insert to authenticated
  with check (program_id in (select private.my_coached_program_ids()) and created_by = (select auth.uid()));

create policy "Coaches edit their programs' modules"
  on public.modules for update to authenticated
  using (program_id in (select private.my_coached_program_ids()))
  with check (program_id in (select private.my_coached_program_ids()));

create policy "Coaches delete their programs' modules"
  on public.modules for delete to authenticated
  using (program_id in (select private.my_coached_program_ids()));

create policy "Coaches read their programs' module steps"
  on public.module_steps for select to authenticated
  using (program_id in (select private.my_coached_program_ids()));

create policy "Coaches add steps to their programs' modules"
  on public.module_steps for insert to authenticated
  with check (program_id in (select private.my_coached_program_ids()));

create policy "Coaches change steps of their programs' modules"
  on public.module_steps for update to authenticated
  using (program_id in (select private.my_coached_program_ids()))
  with check (program_id in (select private.my_coached_program_ids()));

create policy "Coaches remove steps from their programs' modules"
  on public.module_steps for delete to authenticated
  using (program_id in (select private.my_coached_program_ids()));

-- ─── grants ──────────────────────────────────────────────────────────────────────────
revoke all on
  public.exercises, public.tags, public.session_templates, public.template_items, public.template_tags,
  public.modules, public.module_steps
from public, anon, authenticated, service_role;

grant select, insert, delete on public.exercises to authenticated, service_role;
grant update (name, category, muscle_groups, is_public) on public.exercises to authenticated, service_role;

grant select, insert, delete on public.tags to authenticated, service_role;
grant update (name, colour) on public.tags to authenticated, service_role;

grant select, insert, delete on public.session_templates to authenticated, service_role;
grant update (title, description, includes_conversation, stage_prompts, is_public) on public.session_templates to authenticated, service_role;

grant select, insert, delete on public.template_items to authenticated, service_role;
grant update (position, kind, title, instructions, exercise_id, prescription, metrics) on public.template_items to authenticated, service_role;

grant select, insert, delete on public.template_tags to authenticated, service_role;

grant select, insert, delete on public.modules to authenticated, service_role;
grant update (name, description) on public.modules to authenticated, service_role;

grant select, insert, delete on public.module_steps to authenticated, service_role;
grant update (position, day_offset) on public.module_steps to authenticated, service_role;

-- A session's snapshot is written once, at insert: no API role updates its items.
revoke update (items) on public.coaching_sessions from authenticated, service_role;

do $$
declare
  fn record;
begin
  for fn in
    select p.oid::regprocedure as signature
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'private'
      and p.proname in (
        'exercise_categories', 'muscle_groups', 'prescription_problem', 'stage_prompts_are_valid', 'snapshot_session_template', 'keep_assigned_plan',
        'public_template_ids_for_me', 'exercise_ids_in_my_sessions', 'module_ids_for_me'
      )
  loop
    execute format('revoke all on function %s from public, anon, authenticated, service_role', fn.signature);
  end loop;
end
$$;
-- The check constraints call these, so whoever writes the tables needs them.
grant execute on function
  private.exercise_categories(), private.muscle_groups(), private.prescription_problem(jsonb), private.stage_prompts_are_valid(jsonb)
  to authenticated, service_role;
grant execute on function
  private.public_template_ids_for_me(), private.exercise_ids_in_my_sessions(), private.module_ids_for_me()
to authenticated, service_role;

-- ─── the system catalog ──────────────────────────────────────────────────────────────
insert into public.exercises (name, category, muscle_groups, is_public) values
  ('Back squat', 'squat', '{quadriceps,glutes,adductors,lower_back}', true),
  ('Front squat', 'squat', '{quadriceps,glutes,upper_back}', true),
  ('Goblet squat', 'squat', '{quadriceps,glutes}', true),
  ('Bulgarian split squat', 'squat', '{quadriceps,glutes,adductors}', true),
  ('Box squat', 'squat', '{quadriceps,glutes,hamstrings}', true),
  ('Overhead squat', 'squat', '{quadriceps,glutes,shoulders,abdominals}', true),
  ('Deadlift', 'hinge', '{hamstrings,glutes,lower_back,forearms}', true),
  ('Romanian deadlift', 'hinge', '{hamstrings,glutes,lower_back}', true),
  ('Trap bar deadlift', 'hinge', '{quadriceps,hamstrings,glutes}', true),
  ('Sumo deadlift', 'hinge', '{hamstrings,glutes,adductors}', true),
  ('Kettlebell swing', 'hinge', '{hamstrings,glutes,lower_back}', true),
  ('Hip thrust', 'hinge', '{glutes,hamstrings}', true),
  ('Good morning', 'hinge', '{hamstrings,lower_back}', true),
  ('Bench press', 'press', '{chest,triceps,shoulders}', true),
  ('Incline bench press', 'press', '{chest,shoulders,triceps}', true),
  ('Overhead press', 'press', '{shoulders,triceps,upper_back}', true),
  ('Push press', 'press', '{shoulders,triceps,quadriceps}', true),
  ('Dumbbell bench press', 'press', '{chest,triceps,shoulders}', true),
  ('Push-up', 'press', '{chest,triceps,abdominals}', true),
  ('Dip', 'press', '{chest,triceps}', true),
  ('Landmine press', 'press', '{shoulders,chest}', true),
  ('Pull-up', 'pull', '{lats,biceps,upper_back}', true),
  ('Chin-up', 'pull', '{lats,biceps}', true),
  ('Barbell row', 'pull', '{upper_back,lats,biceps}', true),
  ('Dumbbell row', 'pull', '{lats,upper_back,biceps}', true),
  ('Lat pulldown', 'pull', '{lats,biceps}', true),
  ('Seated cable row', 'pull', '{upper_back,lats}', true),
  ('Face pull', 'pull', '{upper_back,shoulders}', true),
  ('Inverted row', 'pull', '{upper_back,biceps}', true),
  ('Walking lunge', 'accessory', '{quadriceps,glutes}', true),
  ('Step-up', 'accessory', '{quadriceps,glutes}', true),
  ('Leg press', 'accessory', '{quadriceps,glutes}', true),
  ('Leg curl', 'accessory', '{hamstrings}', true),
  ('Leg extension', 'accessory', '{quadriceps}', true),
  ('Calf raise', 'accessory', '{calves}', true),
  ('Biceps curl', 'accessory', '{biceps,forearms}', true),
  ('Triceps extension', 'accessory', '{triceps}', true),
  ('Lateral raise', 'accessory', '{shoulders}', true),
  ('Farmer''s carry', 'accessory', '{forearms,upper_back,abdominals}', true),
  ('Plank', 'core', '{abdominals,obliques}', true),
  ('Side plank', 'core', '{obliques,abdominals}', true),
  ('Dead bug', 'core', '{abdominals,hip_flexors}', true),
  ('Pallof press', 'core', '{obliques,abdominals}', true),
  ('Hanging leg raise', 'core', '{abdominals,hip_flexors}', true),
  ('Ab wheel rollout', 'core', '{abdominals,lats}', true),
  ('Russian twist', 'core', '{obliques}', true),
  ('Box jump', 'plyometric', '{quadriceps,glutes,calves}', true),
  ('Broad jump', 'plyometric', '{quadriceps,glutes,hamstrings}', true),
  ('Depth jump', 'plyometric', '{quadriceps,calves}', true),
  ('Medicine ball slam', 'plyometric', '{lats,abdominals,shoulders}', true),
  ('Skater jump', 'plyometric', '{glutes,adductors,calves}', true),
  ('Jump squat', 'plyometric', '{quadriceps,glutes}', true),
  ('Easy run', 'run', '{cardiovascular,calves}', true),
  ('Tempo run', 'run', '{cardiovascular,quadriceps}', true),
  ('Interval run', 'run', '{cardiovascular,hamstrings}', true),
  ('Long run', 'run', '{cardiovascular,calves}', true),
  ('Hill repeats', 'run', '{cardiovascular,glutes,calves}', true),
  ('Endurance ride', 'bike', '{cardiovascular,quadriceps}', true),
  ('Sweet spot intervals', 'bike', '{cardiovascular,quadriceps}', true),
  ('Bike sprint intervals', 'bike', '{cardiovascular,quadriceps,glutes}', true),
  ('Steady row', 'row', '{cardiovascular,upper_back,lats}', true),
  ('Row intervals', 'row', '{cardiovascular,lats,quadriceps}', true),
  ('Freestyle swim', 'swim', '{cardiovascular,lats,shoulders}', true),
  ('Swim intervals', 'swim', '{cardiovascular,lats}', true),
  ('Mobility flow', 'other', '{hip_flexors,upper_back}', true),
  ('Yoga', 'other', '{hip_flexors,hamstrings}', true),
  ('Foam rolling', 'other', '{quadriceps,upper_back}', true);
