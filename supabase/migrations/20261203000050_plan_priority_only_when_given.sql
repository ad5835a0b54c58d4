-- A plan's priority is the client's own, when they gave one (bug 6, issue 9).
--
-- Plans made from a session's agreed steps used to get priority 3 whenever the client said
-- nothing about importance — the column was NOT NULL DEFAULT 3 and the app filled the gap,
-- so the summary and the plan page showed a priority nobody chose. From now on a plan
-- without a priority has none (NULL), shown as "no priority" and sorted after 5. The
-- person can still set one on the plan page; the new-plan form suggests 3 visibly.
--
-- The existing plans keep their value: whether a 3 was chosen or filled in cannot be told
-- now, and a chosen one must not be lost.

alter table public.action_plans alter column priority drop not null;
alter table public.action_plans alter column priority drop default;
