-- Reminders where people already look (issue 13, point 6): the calendar feed also carries
-- the owner's assigned sessions on the day they are due (in the owner's time zone) and the
-- weeks their coach planned. Same contract as before: the token is the credential, the
-- owner's id never leaves the database, and each list is bounded — sessions and weeks from
-- 60 days back onwards, so the feed does not grow with years of history.
create or replace function public.calendar_feed_entries(feed_token text)
returns table (kind text, item_id uuid, title text, plan_title text, description text, status text, completed boolean, due_on date)
language sql
stable
security definer
set search_path = ''
as $$
  with owner as (
    select f.user_id, coalesce(pr.timezone, 'UTC') as timezone
    from public.calendar_feeds f
    left join public.profiles pr on pr.id = f.user_id
    where f.token_hash = encode(sha256(convert_to(feed_token, 'UTF8')), 'hex')
  ),
  visible_plans as (
    select p.* from public.action_plans p
    join owner o on o.user_id = p.user_id
    where p.session_id is null or exists (
      select 1 from public.coaching_sessions s
      where s.id = p.session_id and (s.session_type = 'self_coaching' or s.released_at is not null)
    )
  )
  (
    select 'action_plan', p.id, p.title, p.title, p.description, p.status, p.status = 'completed', p.timeline_end
    from visible_plans p
    where p.timeline_end is not null
    order by p.timeline_end
    limit 2000
  )
  union all
  (
    select 'milestone', m.id, m.title, p.title, m.description, null, m.completed, m.due_date
    from public.milestones m
    join visible_plans p on p.id = m.action_plan_id
    where m.due_date is not null
    order by m.due_date
    limit 5000
  )
  union all
  (
    select 'session', s.id, s.title, '', '', null, s.completed_at is not null, (s.due_at at time zone o.timezone)::date
    from public.coaching_sessions s
    join owner o on o.user_id = s.user_id
    where s.due_at is not null and s.cancelled_at is null and s.due_at > now() - interval '60 days'
    order by s.due_at
    limit 2000
  )
  union all
  (
    select 'weekly_plan', w.id, 'Your week', '', w.note, w.status, w.status = 'completed', w.week_start
    from public.weekly_plans w
    join owner o on o.user_id = w.client_id
    where w.status <> 'archived' and w.week_start > current_date - 60
    order by w.week_start
    limit 200
  );
$$;
