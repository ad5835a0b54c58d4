-- The queue of the `audit-retention` job (lib/jobs/definitions.ts), which applies the audit
-- log's retention daily (private.prune_audit_log, 20261203004000_audit_trail.sql). After the
-- job queue's own migration, which creates pg-boss's tables.
select pgboss.create_queue('audit-retention', '{"policy": "standard"}');
