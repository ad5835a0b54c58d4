-- The weekly email digest (issue 13, point 6; docs/decisions/029-a-weekly-email-digest.md):
-- on Monday morning in the person's own time zone, one email with what is due in their
-- week, for people who turned it on. Off unless the person turns it on; offered only when
-- the server has SMTP set.

-- Whether a person wants the digest. One row per person who ever chose; no row is "off".
-- Only its owner reads or changes it: not their coach, not another person, not a visitor
-- (the unsubscribe link acts as the owner once its signature is checked).
create table public.email_digest_settings (
  user_id uuid primary key references auth.users (id) on delete cascade,
  weekly boolean not null default false,
  updated_at timestamptz not null default now()
);
alter table public.email_digest_settings enable row level security;

create policy "People read their own digest setting"
  on public.email_digest_settings for select to authenticated
  using (user_id = (select auth.uid()));

create policy "People choose their own digest setting"
  on public.email_digest_settings for insert to authenticated
  with check (user_id = (select auth.uid()));

create policy "People change their own digest setting"
  on public.email_digest_settings for update to authenticated
  using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

revoke all on public.email_digest_settings from public, anon, authenticated, service_role;
grant select, insert on public.email_digest_settings to authenticated, service_role;
grant update (weekly, updated_at) on public.email_digest_settings to authenticated, service_role;
grant delete on public.email_digest_settings to service_role;

-- One row per person and week the digest job took on: the claim that makes it send at most
-- once per week, however often it runs or is retried. Written only by the job (the service):
-- the row is committed *before* the email goes out ('claimed'), then marked 'sent' once the
-- SMTP server accepted it, or 'empty' when nothing was due (no email). A failed send removes
-- the claim so a retry sends; a crash between claim and send leaves 'claimed', and that week's
-- digest is skipped rather than risk a second one. The person reads their own rows (the export).
create table public.email_digests_sent (
  user_id uuid not null references auth.users (id) on delete cascade,
  -- The Monday (in the person's time zone) of the week the digest is about.
  period_start date not null check (extract(isodow from period_start) = 1),
  status text not null default 'claimed' check (status in ('claimed', 'sent', 'empty')),
  -- How many things the email listed.
  item_count integer not null default 0 check (item_count >= 0),
  claimed_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (user_id, period_start),
  check ((status = 'sent') = (sent_at is not null))
);
alter table public.email_digests_sent enable row level security;

create policy "People read which digests were sent to them"
  on public.email_digests_sent for select to authenticated
  using (user_id = (select auth.uid()));

-- The job writes as the database's own role (decision 025), like every job: no API role,
-- service_role included, may claim, unclaim or change a week.
revoke all on public.email_digests_sent from public, anon, authenticated, service_role;
grant select on public.email_digests_sent to authenticated, service_role;

select pgboss.create_queue('email-digest', '{"policy": "standard"}');
