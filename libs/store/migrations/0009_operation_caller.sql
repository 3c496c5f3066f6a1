-- Issue #31, audit: who did each operation. Every ledger entry records the identity of the caller
-- whose call wrote it (the client certificate's, docs/security.md), or "loyalty-worker" for what
-- the platform does by itself; '' over plaintext, and for entries written before this migration.
-- `actor` stays the staff person an adjustment's caller vouches for.
ALTER TABLE ledger_entries ADD COLUMN caller text NOT NULL DEFAULT '';

-- The read side's copies, written by the projector from the events' `caller`.
ALTER TABLE view_entries ADD COLUMN caller text NOT NULL DEFAULT '';
ALTER TABLE view_redemptions ADD COLUMN caller text NOT NULL DEFAULT '';
