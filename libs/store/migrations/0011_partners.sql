-- Issue #35, partner programs (docs/partners.md): partners and their terms, members' links to
-- partner accounts, conversions of matured local points to a partner, and the vouchers that
-- partner-side redemptions load.

CREATE TABLE partners (
  org_id                text NOT NULL REFERENCES orgs,
  partner_code          text NOT NULL,
  name                  text NOT NULL,
  program_id            text NOT NULL,
  point_type            text NOT NULL,
  local_points          bigint NOT NULL CHECK (local_points BETWEEN 1 AND 1000000),
  partner_points        bigint NOT NULL CHECK (partner_points BETWEEN 1 AND 1000000),
  return_window_days    integer NOT NULL CHECK (return_window_days BETWEEN 0 AND 3650),
  identity_field        text NOT NULL CHECK (identity_field IN ('last_name', 'email')),
  voucher_points        bigint NOT NULL CHECK (voucher_points BETWEEN 1 AND 1000000),
  voucher_value_minor   bigint NOT NULL CHECK (voucher_value_minor BETWEEN 0 AND 1000000000),
  voucher_currency      text NOT NULL CHECK (voucher_currency ~ '^[A-Z]{3}$'),
  voucher_validity_days integer NOT NULL CHECK (voucher_validity_days BETWEEN 1 AND 3650),
  gateway_address       text NOT NULL,
  status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at            timestamptz NOT NULL,
  -- The program and point type are checked by CreatePartner; no foreign key, as for lots
  -- (migration 0004): point type codes are never removed or renamed (triggers).
  PRIMARY KEY (org_id, partner_code)
);

-- A member's links to partner accounts: only the external number and the link's state are kept
-- (the identity the partner verified is never stored). One active link per member and partner,
-- and one member per external account.
CREATE TABLE partner_links (
  org_id          text NOT NULL,
  member_id       text NOT NULL,
  link_id         bigint NOT NULL,  -- the operation id that made it
  partner_code    text NOT NULL,
  external_number text NOT NULL,
  state           text NOT NULL CHECK (state IN ('active', 'unlinked', 'refused')),
  linked_at       timestamptz NOT NULL,
  ended_at        timestamptz,
  PRIMARY KEY (org_id, member_id, link_id),
  FOREIGN KEY (org_id, member_id) REFERENCES members,
  FOREIGN KEY (org_id, partner_code) REFERENCES partners,
  CHECK ((state = 'active') = (ended_at IS NULL))
);
CREATE UNIQUE INDEX partner_links_member ON partner_links (org_id, partner_code, member_id)
  WHERE state = 'active';
CREATE UNIQUE INDEX partner_links_account ON partner_links (org_id, partner_code, external_number)
  WHERE state = 'active';

-- Conversions: pending (local points debited) -> sent (called, no definite answer) ->
-- confirmed, or returned (points given back). The partner sees "<org_id>/<conversion_id>".
CREATE TABLE conversions (
  org_id            text NOT NULL,
  member_id         text NOT NULL,
  conversion_id     bigint NOT NULL,  -- the operation id that debited the points
  partner_code      text NOT NULL,
  link_id           bigint NOT NULL,
  external_number   text NOT NULL,
  local_points      bigint NOT NULL CHECK (local_points > 0),
  partner_points    bigint NOT NULL CHECK (partner_points > 0),
  status            text NOT NULL CHECK (status IN ('pending', 'sent', 'confirmed', 'returned')),
  attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at   timestamptz NOT NULL,
  partner_reference text NOT NULL DEFAULT '',
  last_error        text NOT NULL DEFAULT '',
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  PRIMARY KEY (org_id, member_id, conversion_id),
  FOREIGN KEY (org_id, member_id, link_id) REFERENCES partner_links
);
CREATE INDEX conversions_open ON conversions (next_attempt_at) WHERE status IN ('pending', 'sent');

-- What each conversion took from each lot, to give it back.
CREATE TABLE conversion_lots (
  org_id        text NOT NULL,
  member_id     text NOT NULL,
  conversion_id bigint NOT NULL,
  lot_id        bigint NOT NULL,
  points        bigint NOT NULL CHECK (points > 0),
  PRIMARY KEY (org_id, member_id, conversion_id, lot_id),
  FOREIGN KEY (org_id, member_id, conversion_id) REFERENCES conversions,
  FOREIGN KEY (org_id, member_id, lot_id) REFERENCES lots
);

-- Vouchers loaded by partner-side redemptions, once per (partner, partner_request_id).
CREATE TABLE vouchers (
  org_id             text NOT NULL,
  member_id          text NOT NULL,
  voucher_id         bigint NOT NULL,  -- the operation id that loaded it
  partner_code       text NOT NULL,
  partner_request_id text NOT NULL,
  external_number    text NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('reward', 'credit')),
  partner_points     bigint NOT NULL CHECK (partner_points > 0),
  value_minor        bigint NOT NULL CHECK (value_minor > 0),
  remaining_minor    bigint NOT NULL CHECK (remaining_minor BETWEEN 0 AND value_minor),
  currency           text NOT NULL,
  status             text NOT NULL CHECK (status IN ('active', 'used', 'expired')),
  issued_at          timestamptz NOT NULL,
  expires_at         timestamptz NOT NULL CHECK (expires_at > issued_at),
  PRIMARY KEY (org_id, member_id, voucher_id),
  FOREIGN KEY (org_id, member_id) REFERENCES members,
  FOREIGN KEY (org_id, partner_code) REFERENCES partners,
  UNIQUE (org_id, partner_code, partner_request_id),
  CHECK ((status = 'active') = (remaining_minor > 0))
);
CREATE INDEX vouchers_expiring ON vouchers (expires_at) WHERE status = 'active';

-- Each spend of a voucher, by the operation that made it.
CREATE TABLE voucher_uses (
  org_id        text NOT NULL,
  member_id     text NOT NULL,
  voucher_id    bigint NOT NULL,
  operation_id  bigint NOT NULL,
  order_ref     text NOT NULL,
  amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
  applied_minor bigint NOT NULL CHECK (applied_minor > 0),
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (org_id, member_id, voucher_id, operation_id),
  FOREIGN KEY (org_id, member_id, voucher_id) REFERENCES vouchers
);

ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_kind_check;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_kind_check CHECK (kind IN ('accrual',
  'redemption', 'transfer_out', 'transfer_in', 'reversal', 'expiry', 'adjustment',
  'overdraft_repayment', 'redemption_cancellation', 'conversion', 'conversion_return'));

-- The read side's copies, written by the projector from the events' partner_links, conversions
-- and vouchers (absolute states), with the command side's columns so the same row readers serve
-- both.
CREATE TABLE view_partner_links (
  org_id          text NOT NULL,
  member_id       text NOT NULL,
  link_id         bigint NOT NULL,
  partner_code    text NOT NULL,
  external_number text NOT NULL,
  state           text NOT NULL,
  linked_at       timestamptz NOT NULL,
  ended_at        timestamptz,
  PRIMARY KEY (org_id, member_id, link_id)
);

CREATE TABLE view_conversions (
  org_id            text NOT NULL,
  member_id         text NOT NULL,
  conversion_id     bigint NOT NULL,
  partner_code      text NOT NULL,
  external_number   text NOT NULL,
  local_points      bigint NOT NULL,
  partner_points    bigint NOT NULL,
  status            text NOT NULL,
  attempts          integer NOT NULL,
  partner_reference text NOT NULL,
  last_error        text NOT NULL,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  PRIMARY KEY (org_id, member_id, conversion_id)
);

CREATE TABLE view_vouchers (
  org_id             text NOT NULL,
  member_id          text NOT NULL,
  voucher_id         bigint NOT NULL,
  partner_code       text NOT NULL,
  partner_request_id text NOT NULL,
  kind               text NOT NULL,
  partner_points     bigint NOT NULL,
  value_minor        bigint NOT NULL,
  remaining_minor    bigint NOT NULL,
  currency           text NOT NULL,
  status             text NOT NULL,
  issued_at          timestamptz NOT NULL,
  expires_at         timestamptz NOT NULL,
  PRIMARY KEY (org_id, member_id, voucher_id)
);
