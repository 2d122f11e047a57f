"""Benchmark: how busy the machine's cores are, moment by moment, during a batch build.

Run from the repository root (after scripts/setup.sh), on an otherwise idle machine:

    .venv/bin/python bench/timeline.py             # 50 cases, 3 builds
    .venv/bin/python bench/timeline.py --cases 20 --repeat 1 --show

It builds N synthetic cases (as bench/batch.py does) with ``avtalsgen build --force`` in a
fresh process and reads the machine's CPU counters (/proc/stat) every tenth of a second.
For each build it prints the wall time, the core-seconds the machine was busy and idle,
and where the idle time lies: at the start (before every core is busy: Python starting,
avtalsgen's imports, LibreOffice starting) and at the end (after the cores stop being all
busy: the cases checked and placed after LibreOffice is done). With --show, the busy cores
of each tenth of a second.

A build whose cores are all busy all the time cannot be faster without doing less work;
idle core-seconds are time a different order of work could win back. Other processes on
the machine count as busy: the figures mean something only on an idle machine.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from batch import AVTALSGEN, make_cases  # noqa: E402

#: Seconds between two readings of the CPU counters.
STEP = 0.1
#: A reading with more than this share of every core busy counts as "all busy".
ALL_BUSY = 0.9


def cpu_counters() -> tuple[int, int]:
    """The machine's total and idle CPU time so far (clock ticks, every core)."""
    with Path("/proc/stat").open(encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return sum(values), values[3] + values[4]  # idle and iowait


def timeline(argv: list[str]) -> tuple[float, list[float]]:
    """Run ``argv``; its wall time and the busy cores of each :data:`STEP`."""
    readings: list[tuple[float, int, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            readings.append((time.monotonic(), *cpu_counters()))
            time.sleep(STEP)

    sampler = threading.Thread(target=sample)
    started = time.monotonic()
    sampler.start()
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"avtalsgen build failed:\n{proc.stderr}")
    cores = os.cpu_count() or 1
    busy = []
    for (_, total0, idle0), (_, total1, idle1) in itertools.pairwise(readings):
        elapsed = total1 - total0
        busy.append(cores * (elapsed - (idle1 - idle0)) / elapsed if elapsed else 0.0)
    return wall, busy


def report(wall: float, busy: list[float], show: bool) -> None:
    cores = os.cpu_count() or 1
    full = [b >= ALL_BUSY * cores for b in busy]
    first = full.index(True) if any(full) else len(busy)
    last = len(full) - full[::-1].index(True) if any(full) else len(busy)
    idle = [(cores - b) * STEP for b in busy]
    print(
        f"wall {wall:5.2f} s; busy {sum(busy) * STEP:5.2f} core-s, idle {sum(idle):4.2f} "
        f"core-s: {sum(idle[:first]):4.2f} in the first {first * STEP:3.1f} s, "
        f"{sum(idle[last:]):4.2f} in the last {(len(busy) - last) * STEP:3.1f} s, "
        f"{sum(idle[first:last]):4.2f} between"
    )
    if show:
        print(" ".join(f"{i * STEP:.1f}:{b:.1f}" for i, b in enumerate(busy)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50, help="N (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="builds (default 3)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--show", action="store_true", help="the busy cores of each step")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="avtalsgen-timeline-") as folder:
        root = Path(folder)
        cases = make_cases(root / "cases", args.cases)
        argv = [str(AVTALSGEN), "build", "--force", "--jobs", str(args.jobs),
                "--output", str(root / "output"), "--templates", str(REPO / "templates"),
                *map(str, cases)]  # fmt: skip
        print(f"N = {args.cases} cases, {args.jobs} workers, {os.cpu_count()} cores; "
              f"load average {os.getloadavg()[0]:.1f} at the start")  # fmt: skip
        for _ in range(args.repeat):
            report(*timeline(argv), args.show)


if __name__ == "__main__":
    main()
