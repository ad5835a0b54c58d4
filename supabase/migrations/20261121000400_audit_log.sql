-- The audit log: who did what to which record, and when. Append-only: rows are added and
-- read, never changed or removed by anyone but the database owner. Metadata holds ids and
-- states (a status going from pending to completed), never the text of notes or answers.

create table public.audit_log (
  id bigint generated always as identity primary key,
  actor_id uuid,  -- no foreign key: the record outlives the account
  action text not null check (char_length(action) between 1 and 100),
  entity_type text not null check (char_length(entity_type) between 1 and 100),
  entity_id uuid,
  metadata jsonb not null default '{}'::jsonb check (jsonb_typeof(metadata) = 'object'),
  created_at timestamptz not null default now()
);
alter table public.audit_log enable row level security;

create index audit_log_actor_id_idx on public.audit_log (actor_id, created_at desc);
create index audit_log_entity_idx on public.audit_log (entity_type, entity_id, created_at desc);

-- Nobody but the owner may change history, whatever a policy might later say.
revoke update, delete, truncate on public.audit_log from anon, authenticated, service_role;

create policy "Users can read the entries they made"
  on public.audit_log for select to authenticated
  using (actor_id = (select auth.uid()));

create policy "Users can add entries in their own name"
  on public.audit_log for insert to authenticated
  with check (actor_id = (select auth.uid()));
