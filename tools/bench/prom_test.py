#!/usr/bin/env python3
"""Unit tests of prom.py: parsing, counter deltas, histogram_quantile on bucket deltas."""
import math
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prom  # noqa: E402

def histogram(method, counts):
    """Bucket lines of loyalty_rpc_duration_seconds for `method`, cumulative `counts`."""
    bounds = ("0.001", "0.002", "0.004", "+Inf")
    return "".join(f'loyalty_rpc_duration_seconds_bucket{{method="{method}",le="{le}"}} {count}\n'
                   for le, count in zip(bounds, counts))


BEFORE = ("# HELP loyalty_rpc_duration_seconds Server-side RPC latency, by method\n"
          "# TYPE loyalty_rpc_duration_seconds histogram\n"
          + histogram("GetBalances", (10, 10, 10, 10)) + histogram("Other", (0, 0, 0, 0))
          + 'loyalty_db_round_trips_total{pool="command"} 40\n')
AFTER = (histogram("GetBalances", (60, 100, 110, 110)) + histogram("Other", (0, 0, 0, 1000))
         + 'loyalty_db_round_trips_total{pool="command"} 42\n'
         + 'loyalty_db_round_trips_total{pool="query"} 7\n')


class PromTest(unittest.TestCase):
    def setUp(self):
        self.before, self.after = prom.parse(BEFORE), prom.parse(AFTER)

    def buckets(self, method="GetBalances"):
        return prom.bucket_deltas(self.before, self.after, "loyalty_rpc_duration_seconds",
                                  {"method": method})

    def test_parse_skips_comments_and_reads_labels(self):
        key = ("loyalty_db_round_trips_total", (("pool", "command"),))
        self.assertEqual(self.before[key], 40.0)
        self.assertEqual(len(self.before), 9)

    def test_counter_delta_selects_labels(self):
        delta = prom.counter_delta(self.before, self.after, "loyalty_db_round_trips_total",
                                   {"pool": "command"})
        self.assertEqual(delta, 2.0)
        # Absent before counts as 0; absent after is not measured.
        self.assertEqual(prom.counter_delta(self.before, self.after,
                                            "loyalty_db_round_trips_total", {"pool": "query"}), 7)
        self.assertIsNone(prom.counter_delta(self.before, self.after, "missing_total", {}))

    def test_bucket_deltas_are_cumulative_and_sorted(self):
        self.assertEqual(self.buckets(),
                         [(0.001, 50.0), (0.002, 90.0), (0.004, 100.0), (math.inf, 100.0)])

    def test_quantile_interpolates_within_the_bucket(self):
        buckets = self.buckets()
        # rank 50 of 100 is the top of the first bucket [0, 1 ms].
        self.assertAlmostEqual(prom.quantile(0.5, buckets), 0.001)
        # rank 25 is half-way through the first bucket.
        self.assertAlmostEqual(prom.quantile(0.25, buckets), 0.0005)
        # rank 70: 20 of the second bucket's 40 -> 1.5 ms.
        self.assertAlmostEqual(prom.quantile(0.7, buckets), 0.0015)
        # rank 99: 9 of the third bucket's 10 -> 2 ms + 0.9 * 2 ms.
        self.assertAlmostEqual(prom.quantile(0.99, buckets), 0.0038)

    def test_quantile_in_the_inf_bucket_is_the_highest_finite_bound(self):
        self.assertAlmostEqual(prom.quantile(0.99, self.buckets("Other")), 0.004)

    def test_quantile_without_observations_is_none(self):
        self.assertIsNone(prom.quantile(0.99, []))
        empty = prom.bucket_deltas(self.after, self.after, "loyalty_rpc_duration_seconds",
                                   {"method": "GetBalances"})
        self.assertIsNone(prom.quantile(0.99, empty))

    def test_show(self):
        self.assertEqual(prom.show(None), "n/a")
        self.assertEqual(prom.show(0.0038), "0.0038")
        # Counters beyond six digits stay whole numbers, so the script can add them up.
        self.assertEqual(prom.show(1611010.0), "1611010")
        self.assertEqual(prom.show(2.0), "2")
        self.assertEqual(prom.show(float("inf")), "inf")


if __name__ == "__main__":
    unittest.main()
