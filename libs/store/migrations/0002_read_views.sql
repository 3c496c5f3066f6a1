-- The read side's views (services/query), built by the projector from the outbox. They live in
-- the command database but are written only by the projector; see docs/read-side.md.

-- One row. Every outbox position <= `position` has been applied or is known never to commit.
-- `horizon_xid` / `horizon_position`: a gap below horizon_position is permanent once every
-- transaction with an id below horizon_xid has ended and the position is still absent.
CREATE TABLE view_checkpoint (
  singleton        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  position         bigint NOT NULL DEFAULT 0 CHECK (position >= 0),
  horizon_xid      xid8,
  horizon_position bigint,
  skipped          bigint NOT NULL DEFAULT 0,
  applied_at       timestamptz NOT NULL DEFAULT now()
);
INSERT INTO view_checkpoint DEFAULT VALUES;

CREATE TABLE view_lots (
  org_id       text NOT NULL,
  member_id    text NOT NULL,
  lot_id       bigint NOT NULL,
  program_id   text NOT NULL,
  point_type   text NOT NULL,
  subtype      text NOT NULL,
  redeemable   boolean NOT NULL,
  amount       bigint NOT NULL,
  remaining    bigint NOT NULL,
  held         bigint NOT NULL,
  awarded_at   timestamptz NOT NULL,
  available_at timestamptz NOT NULL,
  expires_at   timestamptz,
  PRIMARY KEY (org_id, member_id, lot_id)
);
CREATE INDEX view_lots_open ON view_lots (org_id, member_id) WHERE remaining > 0;

CREATE TABLE view_totals (
  org_id     text NOT NULL,
  member_id  text NOT NULL,
  program_id text NOT NULL,
  point_type text NOT NULL,
  lifetime   bigint NOT NULL,
  qualifying bigint NOT NULL,
  PRIMARY KEY (org_id, member_id, program_id, point_type)
);

CREATE TABLE view_enrolments (
  org_id       text NOT NULL,
  member_id    text NOT NULL,
  program_id   text NOT NULL,
  tier         text NOT NULL,
  debt         bigint NOT NULL,
  period_start timestamptz NOT NULL,
  period_end   timestamptz NOT NULL,
  PRIMARY KEY (org_id, member_id, program_id)
);

CREATE TABLE view_entries (
  org_id       text NOT NULL,
  member_id    text NOT NULL,
  entry_id     bigint NOT NULL,
  position     bigint NOT NULL,
  operation_id bigint NOT NULL,
  program_id   text NOT NULL,
  point_type   text NOT NULL,
  kind         text NOT NULL,
  points       bigint NOT NULL,
  order_ref    text NOT NULL,
  description  text NOT NULL,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (org_id, member_id, entry_id)
);

CREATE TABLE view_redemptions (
  org_id           text NOT NULL,
  member_id        text NOT NULL,
  redemption_id    bigint NOT NULL,
  position         bigint NOT NULL,
  program_id       text NOT NULL,
  is_group         boolean NOT NULL,
  points           bigint NOT NULL,
  value_minor      bigint NOT NULL,
  currency         text NOT NULL,
  order_ref        text NOT NULL,
  reward           text NOT NULL,
  overdraft_points bigint NOT NULL,
  reservation_id   bigint NOT NULL,
  created_at       timestamptz NOT NULL,
  cancelled        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, member_id, redemption_id)
);

-- redemption_breakup_by_program.
CREATE TABLE view_redemption_programs (
  org_id        text NOT NULL,
  member_id     text NOT NULL,
  redemption_id bigint NOT NULL,
  program_id    text NOT NULL,
  points        bigint NOT NULL,
  PRIMARY KEY (org_id, member_id, redemption_id, program_id)
);

-- Lots consumed, `ordinal` keeping the consumption order.
CREATE TABLE view_redemption_lots (
  org_id        text NOT NULL,
  member_id     text NOT NULL,
  redemption_id bigint NOT NULL,
  ordinal       integer NOT NULL,
  lot_id        bigint NOT NULL,
  program_id    text NOT NULL,
  point_type    text NOT NULL,
  points        bigint NOT NULL,
  expires_at    timestamptz,
  PRIMARY KEY (org_id, member_id, redemption_id, ordinal)
);
