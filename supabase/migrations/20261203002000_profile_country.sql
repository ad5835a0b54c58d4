-- Where a person lives, for the support resources shown when coaching pauses for their
-- safety (issue 14, decision 020): crisis lines and emergency numbers differ by country,
-- and a list for the wrong country is little help in the moment it is needed.
--
-- An ISO 3166-1 alpha-2 code ('GB', 'US', 'DE'), or null when the person has not said,
-- which shows the international list. The person sets it like their time zone: the
-- existing row policies of public.profiles ("Users can update their own profile",
-- "Users can read their own profile, …") already cover the row, so only the column grant
-- is new; a coach who can read the profile can read the country too, as with the time zone.

alter table public.profiles
  add column country text check (country ~ '^[A-Z]{2}$');

comment on column public.profiles.country is
  'ISO 3166-1 alpha-2 country code chosen by the person; selects the support resources shown in a crisis pause. Null: the international list.';

grant update (country) on public.profiles to authenticated, service_role;
