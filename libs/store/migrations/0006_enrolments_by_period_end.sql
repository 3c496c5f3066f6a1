-- The worker's tier job asks every round for the enrolments whose period has ended
-- (worker_period_candidates): without an index that read every enrolment (6.7 ms a round for
-- 20,000, by hand). period_end changes only when a period rolls over, so accruals, which update
-- other columns of the row, stay HOT updates.
CREATE INDEX enrolments_by_period_end ON enrolments (period_end);
