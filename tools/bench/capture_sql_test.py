#!/usr/bin/env python3
"""Unit tests of capture_sql.py: backend filtering, round-trip grouping, substitutions."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capture_sql  # noqa: E402

P = "2026-12-01 10:00:00.000 UTC"
LOG = f"""{P} [7] LOG:  statement: BEGIN ISOLATION LEVEL READ COMMITTED
{P} [9] LOG:  execute idempotency_claim: INSERT INTO idempotency_keys (org_id, key) VALUES ($1, $2)
{P} [9] DETAIL:  parameters: $1 = 'bench', $2 = 'other-key'
{P} [9] LOG:  statement: COMMIT
{P} [8] LOG:  statement: BEGIN ISOLATION LEVEL READ COMMITTED
{P} [7] LOG:  execute projector_upsert_lot: INSERT INTO view_lots VALUES ($1)
{P} [7] DETAIL:  parameters: $1 = '5'
{P} [8] LOG:  execute idempotency_claim: INSERT INTO idempotency_keys (org_id, key) VALUES ($1, $2)
{P} [8] DETAIL:  parameters: $1 = 'bench', $2 = 'k-1'
{P} [8] LOG:  execute member_lock: SELECT 1 FROM members WHERE org_id = $1 AND member_id = $2 FOR UPDATE
{P} [8] DETAIL:  parameters: $1 = 'bench', $2 = 'bm-4'
{P} [8] LOG:  execute <unnamed>: SELECT nextval('operation_ids')
{P} [7] LOG:  statement: COMMIT
{P} [8] LOG:  execute burn: UPDATE lots SET remaining = remaining - $3 WHERE member_id = $2 AND lot_id = $1
{P} [8] DETAIL:  parameters: $1 = '31', $2 = 'bm-4', $3 = '10'
{P} [8] LOG:  execute entry: WITH e AS (INSERT INTO ledger_entries VALUES ($1, $2, $10)) SELECT 1
{P} [8] DETAIL:  parameters: $1 = '1000000000007', $2 = 'order k-1 ''x''', $10 = 'bm-4'
{P} [8] LOG:  execute idempotency_store: UPDATE idempotency_keys SET response = $3 WHERE key = $2
{P} [8] DETAIL:  parameters: $2 = 'k-1', $3 = '\\x0a036b2d31'
{P} [8] LOG:  statement: COMMIT
{P} [8] LOG:  statement: BEGIN ISOLATION LEVEL READ COMMITTED
"""

BEFORE = {"org": "bench", "sequences": {"public.operation_ids": 1000000000006,
                                        "public.unused": None},
          "lots": [{"lot_id": 31, "program_id": "shop", "point_type": "base", "remaining": 1000},
                   {"lot_id": 32, "program_id": "shop", "point_type": "status",
                    "remaining": 1000}]}
AFTER = {"org": "bench", "sequences": {"public.operation_ids": 1000000000007,
                                       "public.unused": None},
         "lots": [{"lot_id": 31, "program_id": "shop", "point_type": "base", "remaining": 990},
                  {"lot_id": 32, "program_id": "shop", "point_type": "status",
                   "remaining": 1000}]}


class CaptureSqlTest(unittest.TestCase):
    def setUp(self):
        self.statements = capture_sql.parse(LOG.splitlines())
        self.call = capture_sql.transaction_of(self.statements, "idempotency_claim", "'k-1'")
        self.substitutions = capture_sql.Substitutions("bm-4", "k-1", BEFORE, AFTER, "bench")

    def test_parse_reads_pids_names_and_parameters(self):
        self.assertEqual(len(self.statements), 14)
        claim = self.statements[1]
        self.assertEqual((claim.pid, claim.name), (9, "idempotency_claim"))
        self.assertEqual(claim.params, {1: "'bench'", 2: "'other-key'"})
        self.assertEqual(self.statements[7].name, "")  # <unnamed>

    def test_keeps_only_the_calls_backend_from_begin_to_commit(self):
        self.assertEqual([s.name or s.sql for s in self.call],
                         ["BEGIN ISOLATION LEVEL READ COMMITTED", "idempotency_claim",
                          "member_lock", "SELECT nextval('operation_ids')", "burn", "entry",
                          "idempotency_store", "COMMIT"])
        self.assertTrue(all(s.pid == 8 for s in self.call))
        self.assertEqual(capture_sql.transaction_of(self.statements, "idempotency_claim", "zz"),
                         [])

    def test_sequential_service_sends_each_statement_alone(self):
        self.assertEqual([len(g) for g in capture_sql.round_trips(self.call, 8)], [1] * 8)
        self.assertEqual([len(g) for g in capture_sql.round_trips(self.call, None)], [1] * 8)

    def test_one_round_trip_is_one_pipeline_through_commit(self):
        self.assertEqual(capture_sql.round_trips(self.call, 1), [self.call])
        script = capture_sql.pgbench_script(capture_sql.round_trips(self.call, 1),
                                            self.substitutions)
        lines = script.splitlines()
        self.assertEqual(lines.count("\\startpipeline"), 1)
        self.assertEqual(lines[-2:], ["COMMIT;", "\\endpipeline"])

    def test_two_round_trips_split_before_the_first_write_after_the_claim(self):
        groups = capture_sql.round_trips(self.call, 2)
        self.assertEqual([s.name for s in groups[0]][1:], ["idempotency_claim", "member_lock", ""])
        self.assertEqual([s.name or s.sql for s in groups[1]],
                         ["burn", "entry", "idempotency_store", "COMMIT"])

    def test_with_containing_a_write_is_a_write(self):
        self.assertTrue(capture_sql.is_write(self.call[5]))
        self.assertFalse(capture_sql.is_write(self.call[1]))  # the claim
        self.assertFalse(capture_sql.is_write(self.call[2]))  # SELECT ... FOR UPDATE

    def test_substitutions(self):
        expression = self.substitutions.expression
        self.assertEqual(expression("'bm-4'"), capture_sql.MEMBER)
        self.assertEqual(expression("'k-1'"), capture_sql.KEY)
        self.assertEqual(expression("'order k-1 ''x'''"),
                         f"('order ' || {capture_sql.KEY} || ' ''x''')")
        self.assertEqual(expression("'1000000000007'"), "currval('public.operation_ids')")
        self.assertIn("remaining - held >= 10", expression("'31'"))
        self.assertIn("point_type = 'base'", expression("'31'"))
        self.assertEqual(expression("'32'"), "'32'")  # not consumed: unchanged
        self.assertEqual(expression("'10'"), "'10'")
        self.assertEqual(expression("'\\x0a036b2d31'"), "'\\x0a036b2d31'")

    def test_an_id_drawn_before_the_last_one_is_a_fresh_value(self):
        after = dict(AFTER, sequences={"public.operation_ids": 1000000000009})
        substitutions = capture_sql.Substitutions("bm-4", "k-1", BEFORE, after, "bench")
        self.assertEqual(substitutions.expression("'1000000000007'"),
                         "nextval('public.operation_ids')")

    def test_a_read_the_cache_spared_is_spared_in_the_replay_too(self):
        substitutions = capture_sql.Substitutions("bm-4", "k-1", BEFORE, AFTER, "bench")
        hit = capture_sql.Statement(0, "member_select_totals",
                                    "SELECT 1 FROM point_totals WHERE org_id = $1 AND"
                                    " member_id = $2 AND $3::bigint <> 0",
                                    {1: "'bench'", 2: "'bm-4'", 3: "'7'"})
        replayed = capture_sql.replay_sql(hit, substitutions)
        self.assertIn("(SELECT state_version FROM members v WHERE v.org_id = 'bench' AND"
                      " v.member_id = ('bm-' || :member::text))::bigint <> 0", replayed)
        miss = capture_sql.Statement(0, hit.name, hit.sql, {1: "'bench'", 2: "'bm-4'", 3: "'-1'"})
        self.assertIn("'-1'::bigint <> 0", capture_sql.replay_sql(miss, substitutions))

    def test_pipelined_script(self):
        script = capture_sql.pgbench_script(capture_sql.round_trips(self.call, 2),
                                            self.substitutions)
        lines = script.splitlines()
        self.assertEqual(lines[2], "\\startpipeline")
        self.assertEqual(lines.count("\\startpipeline"), 2)
        self.assertEqual(lines.count("\\endpipeline"), 2)
        self.assertEqual(lines[-1], "\\endpipeline")
        self.assertNotIn("\\gset", script)
        self.assertIn("VALUES (currval('public.operation_ids'), ('order ' ||", script)
        self.assertIn(f", {capture_sql.MEMBER})) SELECT 1;", script)  # $10 replaced before $1

    def test_sequential_script_has_no_pipelines(self):
        script = capture_sql.pgbench_script(capture_sql.round_trips(self.call, None),
                                            self.substitutions)
        self.assertNotIn("pipeline", script)
        self.assertEqual(len(script.splitlines()), 2 + 8)


if __name__ == "__main__":
    unittest.main()
