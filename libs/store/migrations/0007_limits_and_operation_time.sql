-- Issue #30: the time of each member's last operation, and the bounds on points and money
-- (libs/ledger/limits.h) backed up in the schema.

-- The latest time an operation on the member committed at: a command that waited for the
-- member's lock runs at this time when the time it read before is earlier (LockForCommand).
ALTER TABLE members ADD COLUMN last_operation_at timestamptz;

-- 10^15: ledger::kMaxBalancePoints and ledger::kMaxAmountMinor. NOT VALID: rows written before
-- are not checked, every row written from now on is.
ALTER TABLE lots ADD CONSTRAINT lots_amount_limit
  CHECK (amount <= 1000000000000000) NOT VALID;
ALTER TABLE point_totals ADD CONSTRAINT point_totals_limit
  CHECK (lifetime BETWEEN -1000000000000000 AND 1000000000000000
         AND qualifying BETWEEN -1000000000000000 AND 1000000000000000) NOT VALID;
ALTER TABLE enrolments ADD CONSTRAINT enrolments_debt_limit
  CHECK (debt <= 1000000000000000) NOT VALID;
ALTER TABLE purchases ADD CONSTRAINT purchases_amount_limit
  CHECK (amount_minor <= 1000000000000000) NOT VALID;
