-- A person can pause what the coach remembers (issue 15, the settings page). While paused,
-- a new session starts with no memory: no open plans, no last summary is drawn into it,
-- whether the person starts it or their coach does (lib/coaching/memory.ts reads this
-- flag under the access rules of whoever starts the session, like the time zone). What
-- was remembered before stays where it is until the person clears it.
--
-- The person sets it like their time zone: the row policies of public.profiles already let
-- them update their own row, so only the column grant is new.

alter table public.profiles
  add column memory_paused boolean not null default false;

comment on column public.profiles.memory_paused is
  'True: new sessions start without memory (open plans, last summary). Set by the person on the settings page.';

grant update (memory_paused) on public.profiles to authenticated, service_role;
