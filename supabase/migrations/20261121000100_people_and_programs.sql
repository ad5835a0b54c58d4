-- People and programs: who someone is (profiles), the practices or teams coaches run
-- (programs), who belongs to each and as what (program_members), and the one-use links
-- that bring people in (program_invites).
--
-- A coach sees a client only through a program where both are members. Every policy
-- below reads membership live, so leaving a program removes access on the next request.

-- Helpers that policies call live in `private`, a schema the Supabase API does not expose.
-- They are `security definer` so a policy on one table can look at another without
-- recursing through that table's own policies, and `set search_path = ''` so nothing
-- can be substituted for the tables they name.
create schema if not exists private;
grant usage on schema private to anon, authenticated, service_role;

-- Keeps updated_at current on every update, for every table that has one.
create function private.set_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

-- ─── profiles ────────────────────────────────────────────────────────────────────────
-- One per user: the name shown to coaches and clients, and the timezone dates are shown in.
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(btrim(display_name)) between 1 and 100),
  timezone text not null default 'UTC' check (char_length(timezone) between 1 and 64),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.profiles enable row level security;

create trigger profiles_set_updated_at before update on public.profiles
for each row execute function private.set_updated_at();

-- Every new user gets a profile, named from sign-up (or the part of the email before @).
create function private.create_profile_for_new_user() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.profiles (id, display_name)
  values (
    new.id,
    left(coalesce(
      nullif(btrim(new.raw_user_meta_data ->> 'display_name'), ''),
      nullif(split_part(coalesce(new.email, ''), '@', 1), ''),
      'New user'
    ), 100)
  )
  on conflict (id) do nothing;
  return new;
end;
$$;

create trigger on_auth_user_created after insert on auth.users
for each row execute function private.create_profile_for_new_user();

-- ─── programs ────────────────────────────────────────────────────────────────────────
-- A coach's practice or team. Its creator becomes its first coach.
create table public.programs (
  id uuid primary key default gen_random_uuid(),
  name text not null check (char_length(btrim(name)) between 1 and 120),
  created_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table public.programs enable row level security;
create index programs_created_by_idx on public.programs (created_by);

create trigger programs_set_updated_at before update on public.programs
for each row execute function private.set_updated_at();

-- ─── program_members ─────────────────────────────────────────────────────────────────
-- Who belongs to a program, and as what. Rows are created by the program's creation and
-- by accepting an invite; they are never edited, only deleted (leaving, or being removed).
create table public.program_members (
  program_id uuid not null references public.programs (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('coach', 'client')),
  created_at timestamptz not null default now(),
  primary key (program_id, user_id)
);
alter table public.program_members enable row level security;
create index program_members_user_id_idx on public.program_members (user_id);

create function private.add_creator_as_coach() returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.program_members (program_id, user_id, role)
  values (new.id, new.created_by, 'coach');
  return new;
end;
$$;

create trigger programs_add_creator_as_coach after insert on public.programs
for each row execute function private.add_creator_as_coach();

-- Is the signed-in user a member of this program (in any role)?
create function private.is_program_member(program_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.program_members m
    where m.program_id = is_program_member.program_id
      and m.user_id = (select auth.uid())
  );
$$;

-- Is the signed-in user a coach of this program?
create function private.is_program_coach(program_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1 from public.program_members m
    where m.program_id = is_program_coach.program_id
      and m.user_id = (select auth.uid())
      and m.role = 'coach'
  );
$$;

-- Is the signed-in user, today, a coach of this client in this program? The one test
-- behind every coach's access to a client's data.
create function private.is_coach_of(client_id uuid, program_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.program_members coach
    join public.program_members client
      on client.program_id = coach.program_id
    where coach.program_id = is_coach_of.program_id
      and coach.user_id = (select auth.uid())
      and coach.role = 'coach'
      and client.user_id = is_coach_of.client_id
      and client.role = 'client'
  );
$$;

-- Does the signed-in user coach a program this person belongs to (as client or co-coach)?
create function private.coaches_member(member_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.program_members coach
    join public.program_members member
      on member.program_id = coach.program_id
    where coach.user_id = (select auth.uid())
      and coach.role = 'coach'
      and member.user_id = coaches_member.member_id
  );
$$;

-- Is this person a coach of a program the signed-in user belongs to?
create function private.is_my_coach(coach_id uuid) returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.program_members me
    join public.program_members coach
      on coach.program_id = me.program_id
    where me.user_id = (select auth.uid())
      and coach.user_id = is_my_coach.coach_id
      and coach.role = 'coach'
  );
$$;

-- ─── program_invites ─────────────────────────────────────────────────────────────────
-- A link that brings one person into a program as a client or a co-coach. Only a hash of
-- its token is stored; the link expires and works once.
create table public.program_invites (
  id uuid primary key default gen_random_uuid(),
  program_id uuid not null references public.programs (id) on delete cascade,
  role text not null check (role in ('coach', 'client')),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  note text not null default '' check (char_length(note) <= 200),
  created_by uuid not null default auth.uid() references auth.users (id) on delete cascade,
  expires_at timestamptz not null,
  accepted_by uuid references auth.users (id) on delete set null,
  accepted_at timestamptz,
  created_at timestamptz not null default now(),
  -- accepted_by is cleared if that user is deleted; accepted_at stays as the record of use.
  check (accepted_by is null or accepted_at is not null)
);
alter table public.program_invites enable row level security;
create index program_invites_program_id_idx on public.program_invites (program_id);
create index program_invites_created_by_idx on public.program_invites (created_by);

-- What an invite link leads to, for the page that offers to accept it. Knowing the token
-- is what entitles someone to see this, so it is open to visitors who are not signed in.
create function public.describe_program_invite(invite_token text)
returns table (program_name text, role text, invited_by text, status text)
language sql
stable
security definer
set search_path = ''
as $$
  select
    p.name,
    i.role,
    coalesce(pr.display_name, 'A coach'),
    case
      when i.accepted_at is not null then 'used'
      when i.expires_at <= now() then 'expired'
      else 'open'
    end
  from public.program_invites i
  join public.programs p on p.id = i.program_id
  left join public.profiles pr on pr.id = i.created_by
  where i.token_hash = encode(sha256(convert_to(invite_token, 'UTF8')), 'hex');
$$;

-- Accepts an invite for the signed-in user: joins the program in the invite's role and
-- marks the invite used, in one step, so the same link cannot admit two people.
-- Outcome: accepted, already_member (nothing changed, invite still open), used, expired
-- or not_found.
create function public.accept_program_invite(invite_token text)
returns table (program_id uuid, outcome text)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  invite public.program_invites;
  me uuid := (select auth.uid());
begin
  if me is null then
    raise exception 'Sign in to accept an invite.' using errcode = '42501';
  end if;

  select * into invite
  from public.program_invites i
  where i.token_hash = encode(sha256(convert_to(invite_token, 'UTF8')), 'hex')
  for update;

  if not found then
    return query select null::uuid, 'not_found'::text;
    return;
  end if;
  if invite.accepted_at is not null then
    return query select invite.program_id, 'used'::text;
    return;
  end if;
  if invite.expires_at <= now() then
    return query select invite.program_id, 'expired'::text;
    return;
  end if;
  if exists (
    select 1 from public.program_members m
    where m.program_id = invite.program_id and m.user_id = me
  ) then
    return query select invite.program_id, 'already_member'::text;
    return;
  end if;

  insert into public.program_members (program_id, user_id, role)
  values (invite.program_id, me, invite.role);

  update public.program_invites
  set accepted_by = me, accepted_at = now()
  where id = invite.id;

  return query select invite.program_id, 'accepted'::text;
end;
$$;

revoke execute on function public.accept_program_invite(text) from public, anon;
grant execute on function public.accept_program_invite(text) to authenticated;
grant execute on function public.describe_program_invite(text) to anon, authenticated;

-- ─── policies ────────────────────────────────────────────────────────────────────────

-- profiles: your own, your clients' (as their coach), your coaches' (as their client).
create policy "Users can read their own profile"
  on public.profiles for select to authenticated
  using (id = (select auth.uid()));

create policy "Coaches can read the profiles of their program members"
  on public.profiles for select to authenticated
  using (private.coaches_member(id));

create policy "Clients can read the profiles of their coaches"
  on public.profiles for select to authenticated
  using (private.is_my_coach(id));

create policy "Users can update their own profile"
  on public.profiles for update to authenticated
  using (id = (select auth.uid()))
  with check (id = (select auth.uid()));

-- programs
create policy "Members can read their programs"
  on public.programs for select to authenticated
  using (private.is_program_member(id));

-- The creator can also read the row they just inserted (before the membership exists).
create policy "Creators can read the programs they created"
  on public.programs for select to authenticated
  using (created_by = (select auth.uid()));

create policy "Signed-in users can create a program they own"
  on public.programs for insert to authenticated
  with check (created_by = (select auth.uid()));

create policy "Coaches can rename their programs"
  on public.programs for update to authenticated
  using (private.is_program_coach(id))
  with check (private.is_program_coach(id));

create policy "Creators can delete the programs they created"
  on public.programs for delete to authenticated
  using (created_by = (select auth.uid()));

-- program_members
create policy "Users can read their own memberships"
  on public.program_members for select to authenticated
  using (user_id = (select auth.uid()));

create policy "Coaches can read the members of their programs"
  on public.program_members for select to authenticated
  using (private.is_program_coach(program_id));

create policy "Clients can read who coaches their programs"
  on public.program_members for select to authenticated
  using (role = 'coach' and private.is_program_member(program_id));

create policy "Members can leave a program"
  on public.program_members for delete to authenticated
  using (user_id = (select auth.uid()));

create policy "Coaches can remove clients from their programs"
  on public.program_members for delete to authenticated
  using (role = 'client' and private.is_program_coach(program_id));

-- program_invites: only the program's coaches see and manage them; accepting goes
-- through accept_program_invite().
create policy "Coaches can read their programs' invites"
  on public.program_invites for select to authenticated
  using (private.is_program_coach(program_id));

create policy "Coaches can invite people to their programs"
  on public.program_invites for insert to authenticated
  with check (
    created_by = (select auth.uid())
    and accepted_by is null
    and private.is_program_coach(program_id)
  );

create policy "Coaches can change when their programs' open invites expire"
  on public.program_invites for update to authenticated
  using (accepted_at is null and private.is_program_coach(program_id))
  with check (accepted_at is null and private.is_program_coach(program_id));

create policy "Coaches can withdraw their programs' invites"
  on public.program_invites for delete to authenticated
  using (private.is_program_coach(program_id));
