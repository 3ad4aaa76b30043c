"""Run `harness check` N times in one process, for instruction counts (bench/README.md).

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        python bench/check_runs.py CONFIG N warm|cold

Per-run instructions are (I(4 runs) - I(2 runs)) / 2: the start-up cancels out.
"""

from __future__ import annotations

import io
import os
import sys

from harness.cli import run


def main() -> None:
    config, runs, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    argv = ["--config", config, "check", "--format", "json", "-o", os.devnull]
    if mode == "cold":
        argv.append("--no-cache")
    for _ in range(runs):
        run(argv, stdout=io.StringIO(), stderr=io.StringIO())


if __name__ == "__main__":
    main()
