#!/usr/bin/env python3
"""bench/bench_check.py's decisions, without callgrind or a build: what counts as a regression,
the refusal to compare counts of another compiler or other build settings, and what
`--update` (make bench-baseline) keeps. The measurements themselves are deterministic
instruction counts and are run by `make bench-check`, not here.

Usage: bench_check_test.py SOURCE_DIR
"""
import contextlib
import io
import json
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(sys.argv[1] if len(sys.argv) > 1 else ".") / "bench"))
import bench_check  # noqa: E402

GCC = {"compiler": "c++ (Debian 12.2.0-14+deb12u1) 12.2.0",
       "settings": {"CMAKE_BUILD_TYPE": "Release", "AIPROF_PGO": "", "AIPROF_HOOKS": "ON"}}


def baselines(**counts):
    return {"format": bench_check.FORMAT, "build": dict(GCC),
            "cases": {n: {"instructions": c} for n, c in counts.items()}}


def quiet(fn, *args):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        result = fn(*args)
    return result, out.getvalue()


class Compare(unittest.TestCase):
    def test_more_than_the_tolerance_is_a_regression(self):
        regressed, table = quiet(bench_check.compare, ["fib", "loop"],
                                 {"fib": 1031, "loop": 1030}, baselines(fib=1000, loop=1000), 3.0)
        self.assertEqual(regressed, ["fib"])
        self.assertIn("| fib | 1,000 | 1,031 | +3.10% | REGRESSION", table)
        self.assertIn("| loop | 1,000 | 1,030 | +3.00% | ok |", table)

    def test_faster_passes_and_says_to_raise_the_baseline(self):
        regressed, table = quiet(bench_check.compare, ["fib"], {"fib": 900},
                                 baselines(fib=1000), 3.0)
        self.assertEqual(regressed, [])
        self.assertIn("-10.00% | faster", table)

    def test_a_case_without_baseline_is_reported_not_failed(self):
        regressed, table = quiet(bench_check.compare, ["fib"], {"fib": 900}, baselines(), 3.0)
        self.assertEqual(regressed, [])
        self.assertIn("no baseline", table)


class Refusal(unittest.TestCase):
    def test_another_compiler_is_refused(self):
        other = {**GCC, "compiler": "clang version 14.0.6"}
        with self.assertRaisesRegex(bench_check.CheckError, "not comparable"):
            bench_check.refuse_other_build(baselines(fib=1), other, "baselines.json")

    def test_other_build_settings_are_refused(self):
        pgo = {**GCC, "settings": {**GCC["settings"], "AIPROF_PGO": "use"}}
        with self.assertRaisesRegex(bench_check.CheckError, "bench-check preset"):
            bench_check.refuse_other_build(baselines(fib=1), pgo, "baselines.json")

    def test_the_same_build_is_compared(self):
        bench_check.refuse_other_build(baselines(fib=1), dict(GCC), "baselines.json")


class Update(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = Path(self.dir.name) / "baselines.json"
        self.valgrind = bench_check.valgrind_version
        bench_check.valgrind_version = lambda: "valgrind-test"

    def tearDown(self):
        bench_check.valgrind_version = self.valgrind
        self.dir.cleanup()

    def test_only_some_cases_keeps_the_others(self):
        old = baselines(fib=1000, exact_fib=5000)
        bench_check.write_baselines(self.path, old, dict(GCC), {"exact_fib": 4000}, "abc123")
        data = json.loads(self.path.read_text())
        self.assertEqual(data["cases"]["fib"]["instructions"], 1000)
        self.assertEqual(data["cases"]["exact_fib"]["instructions"], 4000)
        self.assertEqual(data["cases"]["exact_fib"]["commit"], "abc123")
        self.assertEqual(data["build"]["compiler"], GCC["compiler"])

    def test_a_new_compiler_needs_every_case(self):
        other = {**GCC, "compiler": "clang version 14.0.6"}
        with self.assertRaisesRegex(bench_check.CheckError, "every case"):
            bench_check.write_baselines(self.path, baselines(fib=1), other, {"fib": 2}, "x")

    def test_the_file_read_back_is_the_file_written(self):
        counts = {name: 100 + i for i, name in enumerate(bench_check.CASES)}
        bench_check.write_baselines(self.path, None, dict(GCC), counts, "abc123")
        data = bench_check.load_baselines(self.path)
        bench_check.refuse_other_build(data, dict(GCC), self.path)
        self.assertEqual({n: c["instructions"] for n, c in data["cases"].items()}, counts)


class Workloads(unittest.TestCase):
    def test_every_case_scales_its_workload_down(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name, (workload, replacements, _) in bench_check.CASES.items():
                text = bench_check.small_program(tmp, name).read_text()
                for old, new in replacements:
                    self.assertNotIn(old, text, name)
                    self.assertIn(new, text, name)

    def test_a_size_line_that_changed_is_an_error(self):
        saved = bench_check.CASES["fib"]
        bench_check.CASES["fib"] = ("fib", [("fib(99)", "fib(1)")], ["run"])
        try:
            with tempfile.TemporaryDirectory() as tmp:
                with self.assertRaisesRegex(bench_check.CheckError, "not found"):
                    bench_check.small_program(tmp, "fib")
        finally:
            bench_check.CASES["fib"] = saved


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1])
