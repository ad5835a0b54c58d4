-- Tracking action plans until done: the theme a plan belongs to, text search, the
-- history of status changes, milestones kept in step with their completion, and a
-- private calendar feed of due dates.

-- The coaching theme (a session's topic, or what the client typed for a plan of their
-- own), and a search vector over what a person would search for.
alter table public.action_plans
  add column theme text not null default '' check (char_length(theme) <= 300),
  add column search tsvector generated always as (
    to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || coalesce(theme, ''))
  ) stored;

create index action_plans_search_idx on public.action_plans using gin (search);
create index action_plans_user_due_idx on public.action_plans (user_id, timeline_end);
create index action_plans_user_status_idx on public.action_plans (user_id, status);

-- Every change of a plan's status is kept in the audit log, by whoever made it.
create function private.log_action_plan_status() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' or new.status is distinct from old.status then
    insert into public.audit_log (actor_id, action, entity_type, entity_id, metadata)
    values (
      (select auth.uid()),
      case when tg_op = 'INSERT' then 'action_plan.created' else 'action_plan.status_changed' end,
      'action_plan',
      new.id,
      case when tg_op = 'INSERT'
        then jsonb_build_object('to', new.status)
        else jsonb_build_object('from', old.status, 'to', new.status)
      end
    );
  end if;
  return new;
end;
$$;

create trigger action_plans_log_status after insert or update of status on public.action_plans
for each row execute function private.log_action_plan_status();

create policy "People who can read a plan can read its history"
  on public.audit_log for select to authenticated
  using (entity_type = 'action_plan' and private.can_read_action_plan(entity_id));

-- completed_at follows completed: set when a milestone is completed, cleared when reopened.
create function private.milestone_completed_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.completed and (tg_op = 'INSERT' or not old.completed) then
    new.completed_at := coalesce(new.completed_at, now());
  elsif not new.completed then
    new.completed_at := null;
  end if;
  return new;
end;
$$;

create trigger milestones_completed_at before insert or update of completed, completed_at on public.milestones
for each row execute function private.milestone_completed_at();

-- ─── calendar_feeds ──────────────────────────────────────────────────────────────────
-- A secret URL per user that calendar apps subscribe to. Only a hash of its token is
-- stored; resetting replaces it, and the old URL stops working.
create table public.calendar_feeds (
  user_id uuid primary key references auth.users (id) on delete cascade,
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now()
);
alter table public.calendar_feeds enable row level security;

create policy "Users can see whether they have a calendar feed"
  on public.calendar_feeds for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Users can create their calendar feed"
  on public.calendar_feeds for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "Users can reset their calendar feed"
  on public.calendar_feeds for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

create policy "Users can turn off their calendar feed"
  on public.calendar_feeds for delete to authenticated
  using (user_id = (select auth.uid()));

-- Whose feed a token opens, for the calendar app that holds the URL (it has no session).
-- Knowing the token is the credential; it answers nothing else.
create function public.calendar_feed_owner(feed_token text) returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select f.user_id from public.calendar_feeds f
  where f.token_hash = encode(sha256(convert_to(feed_token, 'UTF8')), 'hex');
$$;

revoke execute on function public.calendar_feed_owner(text) from public;
grant execute on function public.calendar_feed_owner(text) to anon, authenticated;

-- A form submitted twice creates one plan or milestone: each form carries a request key,
-- unique per owner.
alter table public.action_plans add column request_key uuid;
create unique index action_plans_one_per_request_key on public.action_plans (user_id, request_key) where request_key is not null;

alter table public.milestones add column request_key uuid;
create unique index milestones_one_per_request_key on public.milestones (action_plan_id, request_key) where request_key is not null;
