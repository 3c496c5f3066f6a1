#!/usr/bin/env python3
"""Unit tests of pgbench_latency.py: log parsing, the warm-up cut and the nearest-rank p99."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgbench_latency  # noqa: E402


def line(client, latency_us, end_s, end_us=0, lag=None):
    return f"{client} 1 {latency_us} 0 {end_s} {end_us}" + (f" {lag}" if lag is not None else "")


class PgbenchLatencyTest(unittest.TestCase):
    def test_reads_completed_transactions_and_their_start(self):
        runs = pgbench_latency.transactions([
            line(0, 2500, 1000, 500000, lag=120),
            "3 7 skipped 0 1000 900000 40",
            "garbage",
            line(1, 1000000, 1002),
        ])
        self.assertEqual(len(runs), 2)
        self.assertAlmostEqual(runs[0][0], 1000.4975)
        self.assertEqual(runs[0][1], 2500)
        self.assertAlmostEqual(runs[1][0], 1001.0)

    def test_nearest_rank_over_the_runs_after_the_warm_up(self):
        # 100 measured transactions of 1..100 ms, and a slow one during the warm-up.
        runs = [(1000.0, 900000)] + [(1005.0 + i / 100, i * 1000) for i in range(1, 101)]
        self.assertEqual(pgbench_latency.quantile_ms(0.99, runs, 5), 99.0)
        self.assertEqual(pgbench_latency.quantile_ms(0.5, runs, 5), 50.0)
        # Without the cut the warm-up's transaction is the slowest.
        self.assertEqual(pgbench_latency.quantile_ms(1.0, runs, 0), 900.0)

    def test_nothing_measured_is_none(self):
        self.assertIsNone(pgbench_latency.quantile_ms(0.99, [], 5))
        self.assertIsNone(pgbench_latency.quantile_ms(0.99, [(1000.0, 5)], 5))


if __name__ == "__main__":
    unittest.main()
