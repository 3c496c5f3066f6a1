-- Issue #34, audit: the W3C trace id of the call that wrote each ledger entry (its `traceparent`
-- metadata, docs/operations.md), beside its caller (0009); '' when the call had none or an invalid
-- one, for what the platform does by itself, and for entries written before this migration.
ALTER TABLE ledger_entries ADD COLUMN trace_id text NOT NULL DEFAULT ''
  CHECK (trace_id ~ '^([0-9a-f]{32})?$');
