-- Seed data for `supabase db reset`. Intentionally empty: demo data needs users, which
-- Supabase Auth creates. For the embedded database, `npm run seed` adds a demo practice.
select 1;
