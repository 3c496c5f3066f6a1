#!/usr/bin/env python3
"""Unit tests of cpu_share.py: the per-program sums and their order."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cpu_share  # noqa: E402


class CpuShareTest(unittest.TestCase):
    def test_backends_add_up_under_their_program_and_the_busiest_comes_first(self):
        before = {"1": ("postgres", 100), "2": ("postgres", 50), "3": ("loyalty-command", 10),
                  "4": ("gone", 5)}
        after = {"1": ("postgres", 300), "2": ("postgres", 150), "3": ("loyalty-command", 90)}
        rows = cpu_share.shares(before, after, seconds=2.0, ticks_per_second=100)
        self.assertEqual(rows, [("postgres", 1.5), ("loyalty-command", 0.4)])

    def test_a_process_started_inside_the_window_counts_all_its_time(self):
        before = {"1": ("postgres", 100)}
        after = {"1": ("postgres", 200), "7": ("postgres", 60), "8": ("pgbench", 20)}
        rows = cpu_share.shares(before, after, seconds=1.0, ticks_per_second=100)
        self.assertEqual(rows, [("postgres", 1.6), ("pgbench", 0.2)])

    def test_idle_programs_are_left_out(self):
        rows = cpu_share.shares({"1": ("idle", 7)}, {"1": ("idle", 7)}, 1.0, 100)
        self.assertEqual(rows, [])

    def test_reads_this_machine(self):
        times = cpu_share.read_times()
        self.assertIn(str(os.getpid()), times)
        self.assertEqual(times[str(os.getpid())][0][:6], "python")


if __name__ == "__main__":
    unittest.main()
