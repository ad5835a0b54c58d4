-- Weekly plans (issue 13, point 1; docs/decisions/027-weekly-plans-versions-and-sessions.md):
-- the planning layer above sessions. A coach plans a client's week; the plan's items are
-- the week's sessions, each a real coaching_sessions row (coach_assigned, from a template or
-- written ad hoc with a prescription) due on its day, so everything already built for
-- assigned sessions (snapshots, Mark Complete, due lists, the calendar) applies unchanged.
--
-- Versions: while the client has not seen a plan, the coach edits it in place. Once seen,
-- an edit archives it and writes version n+1 (`replaces_id`), whose items keep pointing at
-- the same sessions where they did not change, so what was logged stays where it was and
-- the old version stays readable. One active plan per client per week, enforced here.

create table public.weekly_plans (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references auth.users (id) on delete cascade,
  program_id uuid not null references public.programs (id) on delete cascade,
  -- The coach who wrote this version.
  coach_id uuid references auth.users (id) on delete set null,
  -- The Monday the week starts on, as a date in the client's time zone (the app computes
  -- "this week" in that zone; a date has no zone of its own, so the check is the weekday).
  week_start date not null check (extract(isodow from week_start) = 1),
  status text not null default 'active' check (status in ('active', 'completed', 'archived')),
  version integer not null default 1 check (version >= 1),
  replaces_id uuid references public.weekly_plans (id) on delete set null,
  note text not null default '' check (char_length(note) <= 2000),
  -- When the client first opened it; from then on an edit makes a new version.
  seen_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (client_id, week_start, version),
  unique (id, client_id, program_id)
);
alter table public.weekly_plans enable row level security;

create unique index weekly_plans_one_active_per_week on public.weekly_plans (client_id, week_start) where status = 'active';
create index weekly_plans_program_week_idx on public.weekly_plans (program_id, week_start desc);
create index weekly_plans_client_week_idx on public.weekly_plans (client_id, week_start desc, version desc);
create index weekly_plans_coach_idx on public.weekly_plans (coach_id) where coach_id is not null;
create index weekly_plans_replaces_idx on public.weekly_plans (replaces_id) where replaces_id is not null;
-- Past weeks still active, for the job that completes them.
create index weekly_plans_active_week_idx on public.weekly_plans (week_start) where status = 'active';

create trigger weekly_plans_set_updated_at before update on public.weekly_plans
for each row execute function private.set_updated_at();

-- One row per planned session of a version. `key` stays the same across versions, as a
-- template item's does, so version n+1 knows which items it carried over.
create table public.weekly_plan_items (
  id uuid primary key default gen_random_uuid(),
  plan_id uuid not null,
  client_id uuid not null,
  program_id uuid not null,
  key uuid not null default gen_random_uuid(),
  position integer not null check (position >= 0),
  day date not null,
  title text not null check (char_length(btrim(title)) between 1 and 200),
  instructions text not null default '' check (char_length(instructions) <= 4000),
  session_template_id uuid references public.session_templates (id) on delete set null,
  prescription jsonb check (private.prescription_problem(prescription) is null),
  -- The session this item is; null only once that session was removed.
  session_id uuid references public.coaching_sessions (id) on delete set null,
  created_at timestamptz not null default now(),
  foreign key (plan_id, client_id, program_id) references public.weekly_plans (id, client_id, program_id) on delete cascade,
  unique (plan_id, key),
  unique (plan_id, position)
);
alter table public.weekly_plan_items enable row level security;

create index weekly_plan_items_owner_idx on public.weekly_plan_items (plan_id, client_id, program_id);
create index weekly_plan_items_client_program_idx on public.weekly_plan_items (client_id, program_id);
create index weekly_plan_items_program_idx on public.weekly_plan_items (program_id);
create index weekly_plan_items_template_idx on public.weekly_plan_items (session_template_id) where session_template_id is not null;
create index weekly_plan_items_session_idx on public.weekly_plan_items (session_id) where session_id is not null;

-- An item's day lies in its plan's week (a check across the two tables).
create function private.weekly_plan_item_in_week() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  monday date;
begin
  select p.week_start into monday from public.weekly_plans p where p.id = new.plan_id;
  if monday is not null and (new.day < monday or new.day > monday + 6) then
    raise exception 'Each session of a week''s plan must fall in that week (% to %).', monday, monday + 6
      using errcode = '23514';
  end if;
  return new;
end;
$$;

create trigger weekly_plan_items_in_week before insert or update of day, plan_id on public.weekly_plan_items
for each row execute function private.weekly_plan_item_in_week();

-- The client marks a plan seen by opening it; nothing else of the plan is theirs to change.
create function public.mark_weekly_plan_seen(plan_id uuid) returns boolean
language sql
volatile
security definer
set search_path = ''
as $$
  update public.weekly_plans p set seen_at = now()
  where p.id = mark_weekly_plan_seen.plan_id and p.client_id = (select auth.uid()) and p.seen_at is null
  returning true;
$$;

-- ─── policies ────────────────────────────────────────────────────────────────────────
create policy "Clients read their own weekly plans; their program's coaches read them too"
  on public.weekly_plans for select to authenticated
  using (
    client_id = (select auth.uid())
    or (client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
  );

create policy "A program's coaches write weekly plans for its clients"
  on public.weekly_plans for insert to authenticated
  with check (
    coach_id = (select auth.uid())
    and (client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
  );

create policy "A program's coaches change its clients' weekly plans"
  on public.weekly_plans for update to authenticated
  using ((client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c))
  with check ((client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c));

create policy "Whoever reads a weekly plan reads its items"
  on public.weekly_plan_items for select to authenticated
  using (
    client_id = (select auth.uid())
    or (client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
  );

create policy "A program's coaches add items to its clients' plans"
  on public.weekly_plan_items for insert to authenticated
  with check ((client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c));

create policy "A program's coaches change items of its clients' plans"
  on public.weekly_plan_items for update to authenticated
  using ((client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c))
  with check ((client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c));

create policy "A program's coaches remove items from its clients' plans"
  on public.weekly_plan_items for delete to authenticated
  using ((client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c));

-- ─── grants ──────────────────────────────────────────────────────────────────────────
-- No delete on plans: deleting a plan is archiving it. Who a plan is for, in which
-- program and which week never change; an item's plan and owners never change.
revoke all on public.weekly_plans, public.weekly_plan_items from public, anon, authenticated, service_role;
grant select, insert on public.weekly_plans to authenticated, service_role;
grant update (status, note) on public.weekly_plans to authenticated, service_role;
grant select, insert, delete on public.weekly_plan_items to authenticated, service_role;
grant update (position, day, title, instructions, prescription, session_id) on public.weekly_plan_items to authenticated, service_role;

revoke execute on function private.weekly_plan_item_in_week() from public;
revoke execute on function public.mark_weekly_plan_seen(uuid) from public, anon;
grant execute on function public.mark_weekly_plan_seen(uuid) to authenticated;

-- The worker's job that completes weeks that are over (lib/jobs/definitions.ts).
select pgboss.create_queue('complete-past-weeks', '{"policy": "standard"}');
