-- A member's state version: every transaction that changes the member's state (its row, its
-- enrolments, lots or totals) raises it, so a command service can tell under the member lock
-- whether the state it cached is still the member's (services/command/member_cache.h).
ALTER TABLE members ADD COLUMN state_version bigint NOT NULL DEFAULT 0;
