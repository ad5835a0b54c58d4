-- The weekly review (issue 13, point 3): after a client's week ends, one review per client
-- and week with at least one logged session. Its numbers (adherence, volume) are computed in
-- SQL by lib/weekly/review.ts; a model (or, without one, the numbers themselves) writes only
-- the fatigue analysis, the patterns and the suggestions, each with its reasoning. The job
-- writes it as the service; in a coached program the coach may edit it and then releases it
-- to the client — the model never speaks to a coached client unreviewed — and a client with
-- no program sees theirs at once.

create table public.weekly_reviews (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references auth.users (id) on delete cascade,
  -- The program whose coach reviews it; null for a client coaching themself.
  program_id uuid references public.programs (id) on delete cascade,
  plan_id uuid references public.weekly_plans (id) on delete set null,
  week_start date not null check (extract(isodow from week_start) = 1),
  -- Planned sessions done ÷ due, 0–1; null when nothing was planned.
  adherence numeric check (adherence between 0 and 1),
  -- { strengthKg, sets, endurance: [{ modality, minutes, distanceKm }], loggedSessions, averageRpe }
  volume jsonb not null check (jsonb_typeof(volume) = 'object'),
  fatigue_analysis text not null check (char_length(fatigue_analysis) between 1 and 2000),
  patterns jsonb not null default '[]'::jsonb check (jsonb_typeof(patterns) = 'array' and jsonb_array_length(patterns) <= 8),
  suggestions jsonb not null default '[]'::jsonb check (jsonb_typeof(suggestions) = 'array' and jsonb_array_length(suggestions) <= 5),
  disclaimer text not null check (char_length(disclaimer) between 1 and 500),
  -- Who wrote the words: the model, or the numbers alone (no AI configured).
  written_by text not null check (written_by in ('model', 'numbers')),
  -- What it was written from; a new run with the same inputs writes nothing.
  inputs_hash text not null check (inputs_hash ~ '^[0-9a-f]{64}$'),
  generated_at timestamptz not null default now(),
  edited_at timestamptz,
  edited_by uuid references auth.users (id) on delete set null,
  released_at timestamptz,
  unique (client_id, week_start)
);
alter table public.weekly_reviews enable row level security;

create index weekly_reviews_program_idx on public.weekly_reviews (program_id, week_start desc) where program_id is not null;
create index weekly_reviews_plan_idx on public.weekly_reviews (plan_id) where plan_id is not null;
create index weekly_reviews_edited_by_idx on public.weekly_reviews (edited_by) where edited_by is not null;

create policy "Clients read their released reviews (or their own, with no program); their program's coaches read them all"
  on public.weekly_reviews for select to authenticated
  using (
    (client_id = (select auth.uid()) and (program_id is null or released_at is not null))
    or (client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c)
  );

create policy "A program's coaches edit and release their clients' reviews"
  on public.weekly_reviews for update to authenticated
  using ((client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c))
  with check ((client_id, program_id) in (select c.client_id, c.program_id from private.my_clients() c));

-- The job writes reviews as the service; people only edit the words and release.
revoke all on public.weekly_reviews from public, anon, authenticated, service_role;
grant select, insert, update, delete on public.weekly_reviews to service_role;
grant select on public.weekly_reviews to authenticated;
grant update (fatigue_analysis, patterns, suggestions, edited_at, edited_by, released_at) on public.weekly_reviews to authenticated;

select pgboss.create_queue('weekly-reviews', '{"policy": "standard"}');
