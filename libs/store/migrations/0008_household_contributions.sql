-- What each household membership gave its household (docs/worker.md, "Households"). The
-- household's qualifying total does not say who gave what, and the roll-up flag's history is not
-- kept, so GetHousehold's `contributed` is recorded where it happens: in the transaction of each
-- roll-up, per program and household qualification period (the household's period_start then).
-- The sum over a household's memberships is exactly what it received in that period.
CREATE TABLE household_contributions (
  org_id           text NOT NULL,
  household_id     text NOT NULL,
  program_id       text NOT NULL,
  period_start     timestamptz NOT NULL,
  member_id        text NOT NULL,
  membership_start timestamptz NOT NULL,
  qualifying       bigint NOT NULL,
  PRIMARY KEY (org_id, household_id, program_id, period_start, member_id, membership_start)
);

-- The membership an order's qualifying points rolled up through (NULL: none), so that its
-- returns take back from that household exactly what the order gave it. Orders recorded before
-- this migration have none: their returns roll nothing down.
ALTER TABLE purchases ADD COLUMN rollup_household_id text,
  ADD COLUMN rollup_membership_start timestamptz;

-- The read side's copy, written by the projector from the events' contributions.
CREATE TABLE view_household_contributions (LIKE household_contributions INCLUDING ALL);
