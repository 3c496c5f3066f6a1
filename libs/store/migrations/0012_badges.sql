-- Badges (docs/badges.md): definitions per program, the levels members hold, and the measures
-- the read side shows progress from.

-- A badge of a program, at its current version. `criterion` fixes what it measures; a change of
-- the definition raises `version` (the levels a member holds record the version that awarded
-- them).
CREATE TABLE badges (
  org_id      text NOT NULL,
  program_id  text NOT NULL,
  badge_id    text NOT NULL,
  name        text NOT NULL,
  criterion   text NOT NULL
                CHECK (criterion IN ('spend_amount', 'spend_points', 'tenure', 'advocacy')),
  window_days integer NOT NULL DEFAULT 0 CHECK (window_days BETWEEN 0 AND 366),
  action_code text NOT NULL DEFAULT '',
  active_from timestamptz NOT NULL,
  active_to   timestamptz CHECK (active_to > active_from),
  version     integer NOT NULL CHECK (version > 0),
  updated_at  timestamptz NOT NULL,
  PRIMARY KEY (org_id, program_id, badge_id),
  FOREIGN KEY (org_id, program_id) REFERENCES programs,
  CHECK ((criterion = 'advocacy') = (action_code <> '')),
  CHECK (criterion IN ('spend_amount', 'spend_points') OR window_days = 0)
);

-- A badge's levels, numbered from 1 by ascending threshold.
CREATE TABLE badge_levels (
  org_id           text NOT NULL,
  program_id       text NOT NULL,
  badge_id         text NOT NULL,
  number           integer NOT NULL CHECK (number BETWEEN 1 AND 20),
  code             text NOT NULL,
  name             text NOT NULL DEFAULT '',
  threshold        bigint NOT NULL CHECK (threshold > 0),
  bonus_points     bigint NOT NULL DEFAULT 0 CHECK (bonus_points >= 0),
  bonus_point_type text NOT NULL DEFAULT '',
  benefit_code     text NOT NULL DEFAULT '',
  claw_back        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, program_id, badge_id, number),
  UNIQUE (org_id, program_id, badge_id, code),
  FOREIGN KEY (org_id, program_id, badge_id) REFERENCES badges ON DELETE CASCADE
);

CREATE TRIGGER badges_config_version AFTER INSERT OR UPDATE OR DELETE ON badges
  FOR EACH ROW EXECUTE FUNCTION bump_org_config_version();
CREATE TRIGGER badge_levels_config_version AFTER INSERT OR UPDATE OR DELETE ON badge_levels
  FOR EACH ROW EXECUTE FUNCTION bump_org_config_version();

-- The levels members hold: each at most once (the primary key), with what it granted. The bonus
-- lot is the lot its bonus points were credited to (none when they all repaid debt);
-- clawed_back_at is set once a return took the bonus back.
CREATE TABLE member_badges (
  org_id           text NOT NULL,
  member_id        text NOT NULL,
  program_id       text NOT NULL,
  badge_id         text NOT NULL,
  level_code       text NOT NULL,
  level_number     integer NOT NULL,
  threshold        bigint NOT NULL,
  badge_version    integer NOT NULL,
  awarded_at       timestamptz NOT NULL,
  operation_id     bigint NOT NULL,
  order_ref        text NOT NULL DEFAULT '',
  bonus_points     bigint NOT NULL DEFAULT 0,
  bonus_point_type text NOT NULL DEFAULT '',
  bonus_lot_id     bigint,
  benefit_code     text NOT NULL DEFAULT '',
  claw_back        boolean NOT NULL DEFAULT false,
  clawed_back_at   timestamptz,
  PRIMARY KEY (org_id, member_id, program_id, badge_id, level_code),
  FOREIGN KEY (org_id, member_id, program_id) REFERENCES enrolments
);

-- The command side adds spend up from `purchases` (amount and points net of returns, by the UTC
-- day each was recorded), found by its primary key's prefix (org, member, program); actions from
-- `action_counts`. Both count the history from before this migration.

-- The read side: the levels held, and the measures per UTC day (spend) and per action, which
-- the projector adds the events' measure deltas to.
CREATE TABLE view_member_badges (
  org_id           text NOT NULL,
  member_id        text NOT NULL,
  program_id       text NOT NULL,
  badge_id         text NOT NULL,
  level_code       text NOT NULL,
  level_number     integer NOT NULL,
  threshold        bigint NOT NULL,
  badge_version    integer NOT NULL,
  awarded_at       timestamptz NOT NULL,
  order_ref        text NOT NULL,
  bonus_points     bigint NOT NULL,
  bonus_point_type text NOT NULL,
  benefit_code     text NOT NULL,
  clawed_back_at   timestamptz,
  PRIMARY KEY (org_id, member_id, program_id, badge_id, level_code)
);

CREATE TABLE view_spend_days (
  org_id       text NOT NULL,
  member_id    text NOT NULL,
  program_id   text NOT NULL,
  day          date NOT NULL,
  amount_minor bigint NOT NULL,
  points       bigint NOT NULL,
  PRIMARY KEY (org_id, member_id, program_id, day)
);

CREATE TABLE view_action_counts (
  org_id      text NOT NULL,
  member_id   text NOT NULL,
  program_id  text NOT NULL,
  action_code text NOT NULL,
  times       integer NOT NULL,
  PRIMARY KEY (org_id, member_id, program_id, action_code)
);

-- The measures as this migration found them: the events written before it carry no measure
-- deltas, so the views start from these rows, and so does a rebuild (services/query/rebuild.cc).
CREATE TABLE baseline_view_spend_days (LIKE view_spend_days INCLUDING ALL);
CREATE TABLE baseline_view_action_counts (LIKE view_action_counts INCLUDING ALL);

INSERT INTO baseline_view_spend_days
  SELECT org_id, member_id, program_id, (created_at AT TIME ZONE 'UTC')::date,
         sum(amount_minor - returned_minor), sum(points - reversed_points)
    FROM purchases GROUP BY 1, 2, 3, 4;
INSERT INTO baseline_view_action_counts
  SELECT org_id, member_id, program_id, action_code, times FROM action_counts;
INSERT INTO view_spend_days SELECT * FROM baseline_view_spend_days;
INSERT INTO view_action_counts SELECT * FROM baseline_view_action_counts;
