-- Ratings live inside stage_responses.responses (fields), validated by the app's schemas.
-- The database holds the line too: a rating, when present, is a whole number from 1 to 10,
-- whoever writes the row.

create function private.stage_ratings_in_range(stage_number smallint, responses jsonb) returns boolean
language sql
immutable
set search_path = ''
as $$
  select coalesce(bool_and(
    jsonb_typeof(value) = 'null'
    or (jsonb_typeof(value) = 'number' and (value)::numeric between 1 and 10 and (value)::numeric = trunc((value)::numeric))
  ), true)
  from (
    select responses -> 'fields' -> key as value
    from unnest(case stage_number
      when 1 then array['presenceLevel', 'readinessScore']
      when 2 then array['currentStateRating']
      when 5 then array['sessionValueRating', 'clarityLevel']
      else array[]::text[]
    end) as key
    where jsonb_typeof(responses -> 'fields') = 'object' and (responses -> 'fields') ? key
  ) ratings;
$$;

alter table public.stage_responses
  add constraint stage_responses_ratings_from_1_to_10
  check (private.stage_ratings_in_range(stage_number, responses));
