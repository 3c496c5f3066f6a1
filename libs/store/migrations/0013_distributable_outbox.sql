-- Every table keyed by its organisation (docs/scaling.md): a distributed PostgreSQL (Citus)
-- requires the distribution column, org_id, in every primary key and unique constraint. The
-- outbox was the one table keyed by its position alone; the position stays unique (it is an
-- identity) and the projector still reads by it, through an index of its own.
ALTER TABLE outbox DROP CONSTRAINT outbox_pkey;
ALTER TABLE outbox ADD PRIMARY KEY (org_id, position);
CREATE INDEX outbox_by_position ON outbox (position);
