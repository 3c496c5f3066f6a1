-- The command side's schema. Member-owned tables are keyed by (org_id, member_id, ...) so the
-- data can be distributed by member later. Constraints back the domain rules.

CREATE TABLE orgs (
  org_id             text PRIMARY KEY,
  name               text NOT NULL,
  default_program_id text,
  -- Bumped (by the triggers below) whenever the org's programs or their rules change, so the
  -- services can cache program configuration and check it with one read.
  config_version     bigint NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE programs (
  org_id                text NOT NULL REFERENCES orgs,
  program_id            text NOT NULL,
  name                  text NOT NULL,
  currency              text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  status                text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'closed')),
  earn_points           bigint NOT NULL CHECK (earn_points >= 0),
  earn_per_amount_minor bigint NOT NULL CHECK (earn_per_amount_minor > 0),
  ratio_points          bigint NOT NULL CHECK (ratio_points > 0),
  ratio_value_minor     bigint NOT NULL CHECK (ratio_value_minor >= 0),
  redeem_minimum        bigint NOT NULL DEFAULT 0 CHECK (redeem_minimum >= 0),
  redeem_maximum        bigint NOT NULL DEFAULT 0 CHECK (redeem_maximum >= 0),
  redeem_multiple_of    bigint NOT NULL DEFAULT 0 CHECK (redeem_multiple_of >= 0),
  overdraft_allowed     boolean NOT NULL DEFAULT false,
  overdraft_limit       bigint NOT NULL DEFAULT 0 CHECK (overdraft_limit >= 0),
  hold_days             integer NOT NULL DEFAULT 0 CHECK (hold_days BETWEEN 0 AND 3650),
  period_kind           text NOT NULL DEFAULT 'calendar_year'
                          CHECK (period_kind IN ('calendar_year', 'rolling_months')),
  period_months         integer NOT NULL DEFAULT 12 CHECK (period_months BETWEEN 1 AND 120),
  default_point_type    text,
  default_subtype       text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, program_id)
);

ALTER TABLE orgs ADD CONSTRAINT orgs_default_program_fk FOREIGN KEY (org_id, default_program_id)
  REFERENCES programs (org_id, program_id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE point_types (
  org_id             text NOT NULL,
  program_id         text NOT NULL,
  code               text NOT NULL,
  redeemable         boolean NOT NULL,
  counts_toward_tier boolean NOT NULL,
  expiry_kind        text NOT NULL DEFAULT 'never'
                       CHECK (expiry_kind IN ('never', 'fixed_days', 'inactivity_days')),
  expiry_days        integer NOT NULL DEFAULT 0 CHECK (expiry_days BETWEEN 0 AND 36500),
  PRIMARY KEY (org_id, program_id, code),
  FOREIGN KEY (org_id, program_id) REFERENCES programs,
  CHECK (redeemable OR counts_toward_tier),
  CHECK ((expiry_kind = 'never') = (expiry_days = 0))
);

CREATE TABLE subtypes (
  org_id     text NOT NULL,
  program_id text NOT NULL,
  code       text NOT NULL,
  PRIMARY KEY (org_id, program_id, code),
  FOREIGN KEY (org_id, program_id) REFERENCES programs
);

CREATE TABLE tiers (
  org_id              text NOT NULL,
  program_id          text NOT NULL,
  code                text NOT NULL,
  threshold           bigint NOT NULL CHECK (threshold >= 0),
  multiplier_permille integer NOT NULL CHECK (multiplier_permille BETWEEN 0 AND 100000),
  overdraft_allowed   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, program_id, code),
  UNIQUE (org_id, program_id, threshold),
  FOREIGN KEY (org_id, program_id) REFERENCES programs
);

CREATE TABLE actions (
  org_id           text NOT NULL,
  program_id       text NOT NULL,
  code             text NOT NULL,
  points           bigint NOT NULL CHECK (points > 0),
  per_member_limit integer NOT NULL DEFAULT 0 CHECK (per_member_limit >= 0),
  PRIMARY KEY (org_id, program_id, code),
  FOREIGN KEY (org_id, program_id) REFERENCES programs
);

CREATE FUNCTION bump_org_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE orgs SET config_version = config_version + 1
   WHERE org_id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.org_id ELSE NEW.org_id END);
  RETURN NULL;
END $$;

CREATE TRIGGER programs_config_version AFTER INSERT OR UPDATE OR DELETE ON programs
  FOR EACH ROW EXECUTE FUNCTION bump_org_config_version();
CREATE TRIGGER point_types_config_version AFTER INSERT OR UPDATE OR DELETE ON point_types
  FOR EACH ROW EXECUTE FUNCTION bump_org_config_version();
CREATE TRIGGER subtypes_config_version AFTER INSERT OR UPDATE OR DELETE ON subtypes
  FOR EACH ROW EXECUTE FUNCTION bump_org_config_version();
CREATE TRIGGER tiers_config_version AFTER INSERT OR UPDATE OR DELETE ON tiers
  FOR EACH ROW EXECUTE FUNCTION bump_org_config_version();
CREATE TRIGGER actions_config_version AFTER INSERT OR UPDATE OR DELETE ON actions
  FOR EACH ROW EXECUTE FUNCTION bump_org_config_version();

CREATE FUNCTION bump_config_version_on_default() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.config_version = OLD.config_version + 1;
  RETURN NEW;
END $$;

CREATE TRIGGER orgs_default_program_config_version BEFORE UPDATE OF default_program_id ON orgs
  FOR EACH ROW EXECUTE FUNCTION bump_config_version_on_default();

CREATE TABLE members (
  org_id     text NOT NULL REFERENCES orgs,
  member_id  text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('individual', 'household')),
  status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, member_id)
);

-- A member's state in one program. `debt` is the outstanding negative balance.
CREATE TABLE enrolments (
  org_id           text NOT NULL,
  member_id        text NOT NULL,
  program_id       text NOT NULL,
  tier             text,
  tier_reached_at  timestamptz,
  enrolled_at      timestamptz NOT NULL,
  period_start     timestamptz NOT NULL,
  period_end       timestamptz NOT NULL CHECK (period_end > period_start),
  debt             bigint NOT NULL DEFAULT 0 CHECK (debt >= 0),
  last_activity_at timestamptz,
  PRIMARY KEY (org_id, member_id, program_id),
  FOREIGN KEY (org_id, member_id) REFERENCES members,
  FOREIGN KEY (org_id, program_id) REFERENCES programs
);

CREATE TABLE household_memberships (
  org_id       text NOT NULL,
  member_id    text NOT NULL,
  household_id text NOT NULL,
  start_at     timestamptz NOT NULL,
  end_at       timestamptz,
  rollup       boolean NOT NULL DEFAULT true,
  PRIMARY KEY (org_id, member_id, start_at),
  FOREIGN KEY (org_id, member_id) REFERENCES members,
  FOREIGN KEY (org_id, household_id) REFERENCES members,
  CHECK (end_at IS NULL OR end_at > start_at),
  CHECK (member_id <> household_id)
);

-- Running totals that the remaining lots cannot give: lifetime and this period's qualifying.
CREATE TABLE point_totals (
  org_id     text NOT NULL,
  member_id  text NOT NULL,
  program_id text NOT NULL,
  point_type text NOT NULL,
  lifetime   bigint NOT NULL DEFAULT 0,
  qualifying bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, member_id, program_id, point_type),
  FOREIGN KEY (org_id, member_id, program_id) REFERENCES enrolments
);

-- Point items. Burns lower `remaining`; nothing else of a lot ever changes except `held`.
CREATE TABLE lots (
  org_id        text NOT NULL,
  member_id     text NOT NULL,
  lot_id        bigint GENERATED ALWAYS AS IDENTITY,
  program_id    text NOT NULL,
  point_type    text NOT NULL,
  subtype       text NOT NULL,
  redeemable    boolean NOT NULL,
  amount        bigint NOT NULL CHECK (amount >= 0),
  remaining     bigint NOT NULL CHECK (remaining BETWEEN 0 AND amount),
  held          bigint NOT NULL DEFAULT 0 CHECK (held BETWEEN 0 AND remaining),
  awarded_at    timestamptz NOT NULL,
  available_at  timestamptz NOT NULL,
  expires_at    timestamptz CHECK (expires_at IS NULL OR expires_at > available_at),
  operation_id  bigint NOT NULL,
  order_ref     text,
  origin_lot_id bigint,
  PRIMARY KEY (org_id, member_id, lot_id),
  FOREIGN KEY (org_id, member_id, program_id) REFERENCES enrolments,
  FOREIGN KEY (org_id, program_id, point_type) REFERENCES point_types,
  FOREIGN KEY (org_id, program_id, subtype) REFERENCES subtypes
);
CREATE INDEX lots_open ON lots (org_id, member_id) WHERE remaining > 0;
CREATE INDEX lots_by_order ON lots (org_id, member_id, program_id, order_ref)
  WHERE order_ref IS NOT NULL;
CREATE INDEX lots_expiring ON lots (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;

-- Every operation (command or job run on a member) has an id from this sequence.
CREATE SEQUENCE operation_ids;

-- Immutable ledger: one entry per (operation, member, program, point type, kind).
-- For every member: sum(points) = sum(lots.remaining) - sum(enrolments.debt).
CREATE TABLE ledger_entries (
  org_id       text NOT NULL,
  member_id    text NOT NULL,
  entry_id     bigint GENERATED ALWAYS AS IDENTITY,
  operation_id bigint NOT NULL,
  program_id   text NOT NULL,
  point_type   text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('accrual', 'redemption', 'transfer_out',
                 'transfer_in', 'reversal', 'expiry', 'adjustment', 'overdraft_repayment',
                 'redemption_cancellation')),
  points       bigint NOT NULL,
  order_ref    text,
  description  text,
  actor        text,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (org_id, member_id, entry_id),
  FOREIGN KEY (org_id, member_id, program_id) REFERENCES enrolments
);
CREATE INDEX ledger_entries_by_operation ON ledger_entries (org_id, member_id, operation_id);

-- Purchases that earned points, for reversals and the earn-and-burn rule.
CREATE TABLE purchases (
  org_id          text NOT NULL,
  member_id       text NOT NULL,
  program_id      text NOT NULL,
  order_ref       text NOT NULL,
  point_type      text NOT NULL,
  amount_minor    bigint NOT NULL CHECK (amount_minor >= 0),
  currency        text NOT NULL,
  points          bigint NOT NULL CHECK (points >= 0),
  returned_minor  bigint NOT NULL DEFAULT 0 CHECK (returned_minor BETWEEN 0 AND amount_minor),
  reversed_points bigint NOT NULL DEFAULT 0 CHECK (reversed_points BETWEEN 0 AND points),
  operation_id    bigint NOT NULL,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (org_id, member_id, program_id, order_ref),
  FOREIGN KEY (org_id, member_id, program_id) REFERENCES enrolments
);
CREATE INDEX purchases_by_order ON purchases (org_id, member_id, order_ref);

-- Times a member earned each catalogue action, for per-member limits.
CREATE TABLE action_counts (
  org_id      text NOT NULL,
  member_id   text NOT NULL,
  program_id  text NOT NULL,
  action_code text NOT NULL,
  times       integer NOT NULL CHECK (times > 0),
  PRIMARY KEY (org_id, member_id, program_id, action_code),
  FOREIGN KEY (org_id, member_id, program_id) REFERENCES enrolments
);

CREATE TABLE redemptions (
  org_id           text NOT NULL,
  member_id        text NOT NULL,
  redemption_id    bigint NOT NULL,  -- the operation id
  program_id       text NOT NULL,
  is_group         boolean NOT NULL,
  points           bigint NOT NULL CHECK (points > 0),
  value_minor      bigint NOT NULL CHECK (value_minor >= 0),
  currency         text NOT NULL,
  order_ref        text,
  reward           text,
  overdraft_points bigint NOT NULL DEFAULT 0 CHECK (overdraft_points BETWEEN 0 AND points),
  reservation_id   bigint,
  cancelled_at     timestamptz,
  created_at       timestamptz NOT NULL,
  PRIMARY KEY (org_id, member_id, redemption_id)
);
CREATE INDEX redemptions_by_order ON redemptions (org_id, member_id, order_ref)
  WHERE order_ref IS NOT NULL;

CREATE TABLE redemption_lots (
  org_id        text NOT NULL,
  member_id     text NOT NULL,
  redemption_id bigint NOT NULL,
  lot_id        bigint NOT NULL,
  program_id    text NOT NULL,
  point_type    text NOT NULL,
  points        bigint NOT NULL CHECK (points > 0),
  PRIMARY KEY (org_id, member_id, redemption_id, lot_id),
  FOREIGN KEY (org_id, member_id, redemption_id) REFERENCES redemptions,
  FOREIGN KEY (org_id, member_id, lot_id) REFERENCES lots
);

-- redemption_breakup_by_program, as committed.
CREATE TABLE redemption_programs (
  org_id        text NOT NULL,
  member_id     text NOT NULL,
  redemption_id bigint NOT NULL,
  program_id    text NOT NULL,
  points        bigint NOT NULL CHECK (points > 0),
  PRIMARY KEY (org_id, member_id, redemption_id, program_id),
  FOREIGN KEY (org_id, member_id, redemption_id) REFERENCES redemptions
);

CREATE TABLE reservations (
  org_id         text NOT NULL,
  member_id      text NOT NULL,
  reservation_id bigint NOT NULL,  -- the operation id
  program_id     text NOT NULL,
  is_group       boolean NOT NULL,
  points         bigint NOT NULL CHECK (points > 0),
  order_ref      text,
  reward         text,
  status         text NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'captured', 'voided', 'expired')),
  expires_at     timestamptz NOT NULL,
  resolved_at    timestamptz,
  created_at     timestamptz NOT NULL,
  PRIMARY KEY (org_id, member_id, reservation_id)
);
CREATE INDEX reservations_open ON reservations (expires_at) WHERE status = 'open';

CREATE TABLE reservation_lots (
  org_id         text NOT NULL,
  member_id      text NOT NULL,
  reservation_id bigint NOT NULL,
  lot_id         bigint NOT NULL,
  points         bigint NOT NULL CHECK (points > 0),
  PRIMARY KEY (org_id, member_id, reservation_id, lot_id),
  FOREIGN KEY (org_id, member_id, reservation_id) REFERENCES reservations,
  FOREIGN KEY (org_id, member_id, lot_id) REFERENCES lots
);

-- Idempotency records: the request's hash and, once committed, the response.
CREATE TABLE idempotency_keys (
  org_id       text NOT NULL,
  key          text NOT NULL,
  method       text NOT NULL,
  request_hash bytea NOT NULL,
  response     bytea,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Committed events for the read side, written in the transaction of the change they describe.
-- `position` is the ledger position returned to callers; `tx_id` lets a reader tell which
-- positions may still become visible (see docs/read-side.md).
CREATE TABLE outbox (
  position   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tx_id      xid8 NOT NULL DEFAULT pg_current_xact_id(),
  org_id     text NOT NULL,
  event      bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
