"""Benchmark: how busy the machine's cores are, moment by moment, during a batch build.

Run from the repository root (after scripts/setup.sh), on an otherwise idle machine:

    .venv/bin/python bench/timeline.py             # 50 cases, 3 builds
    .venv/bin/python bench/timeline.py --cases 20 --repeat 1 --show
    .venv/bin/python bench/timeline.py --converter # and the floor, and through the converter

It builds N synthetic cases (as bench/batch.py does) with ``avtalsgen build --force`` in a
fresh process and reads the machine's CPU counters (/proc/stat) every tenth of a second.
For each build it prints the wall time, the core-seconds the machine was busy and idle,
and where the idle time lies: at the start (before every core is busy: Python starting,
avtalsgen's imports, LibreOffice starting) and at the end (after the cores stop being all
busy: the cases checked and placed after LibreOffice is done). With --show, the busy cores
of each tenth of a second.

With --converter it then measures the same way bench/batch.py's floor (b): one soffice call
per core converting the build's Word files, side by side; and the build again through a
warm converter (avtalsgen converter start, in a folder of its own; one build first that is
not counted). For each it gives the least wall time a build could take if it kept every
core busy the whole time, the busy core-seconds over the cores, against the floor's wall
time: a target below that ratio cannot be met on this machine without less work.

A build whose cores are all busy all the time cannot be faster without doing less work;
idle core-seconds are time a different order of work could win back. Other processes on
the machine count as busy: the figures mean something only on an idle machine, or with
``--cgroup DIR``: the CPU time of the processes in that cgroup (cgroup v1's
``cpuacct.usage`` or v2's ``cpu.stat``) counts as busy, the rest of the cores' time as
idle. Run the benchmark in that cgroup, given a high CPU weight, so that other work on the
machine yields to it; as root, on cgroup v1::

    mkdir /sys/fs/cgroup/cpu/bench /sys/fs/cgroup/cpuacct/bench
    echo 262144 > /sys/fs/cgroup/cpu/bench/cpu.shares
    sh -c 'echo $$ > /sys/fs/cgroup/cpu/bench/cgroup.procs;
           echo $$ > /sys/fs/cgroup/cpuacct/bench/cgroup.procs;
           exec .venv/bin/python bench/timeline.py --converter \\
               --cgroup /sys/fs/cgroup/cpuacct/bench'

Even so, on a busy machine the group got 1.4-1.8 of the 2 cores (2026-12-07, load 10-20).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from batch import AVTALSGEN, docx_files, make_cases, soffice_calls  # noqa: E402

from avtalsgen.conversion import warm  # noqa: E402

#: Seconds between two readings of the CPU counters.
STEP = 0.1
#: A reading with more than this share of every core busy counts as "all busy".
ALL_BUSY = 0.9


#: With --cgroup, the cgroup whose CPU time counts as busy (see the module's docstring).
CGROUP: Path | None = None


def cpu_counters() -> tuple[int, int]:
    """The machine's total and idle CPU time so far (clock ticks, every core); with
    :data:`CGROUP`, in nanoseconds, the time the cgroup's processes did not use as idle."""
    if CGROUP is not None:
        total = time.monotonic_ns() * (os.cpu_count() or 1)
        return total, total - cgroup_usage(CGROUP)
    with Path("/proc/stat").open(encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return sum(values), values[3] + values[4]  # idle and iowait


def cgroup_usage(folder: Path) -> int:
    """The CPU time (ns) the processes of the cgroup ``folder`` have used."""
    if (folder / "cpuacct.usage").exists():  # cgroup v1
        return int((folder / "cpuacct.usage").read_text(encoding="ascii"))
    for line in (folder / "cpu.stat").read_text(encoding="ascii").splitlines():  # v2
        key, _, value = line.partition(" ")
        if key == "usage_usec":
            return int(value) * 1000
    raise SystemExit(f"{folder}: no CPU usage (cpuacct.usage or cpu.stat) found")


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


def sampled(run: Callable[[], object]) -> tuple[float, list[float]]:
    """Call ``run``; its wall time and the busy cores of each :data:`STEP`."""
    readings: list[tuple[float, int, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            readings.append((time.monotonic(), *cpu_counters()))
            time.sleep(STEP)

    sampler = threading.Thread(target=sample)
    started = time.monotonic()
    sampler.start()
    try:
        run()
    finally:
        wall = time.monotonic() - started
        done.set()
        sampler.join()
    cores = os.cpu_count() or 1
    busy = []
    for (_, total0, idle0), (_, total1, idle1) in itertools.pairwise(readings):
        elapsed = total1 - total0
        busy.append(cores * (elapsed - (idle1 - idle0)) / elapsed if elapsed else 0.0)
    return wall, busy


def built(argv: list[str]) -> Callable[[], object]:
    """Run ``argv`` (a build) and stop if it fails."""

    def run() -> object:
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"avtalsgen build failed:\n{proc.stderr}")
        return proc

    return run


def bound(name: str, busy: list[float], floor: float) -> None:
    """The least wall time of a build that keeps every core busy, against the floor's."""
    least = sum(busy) * STEP / (os.cpu_count() or 1)
    print(f"  {name}: busy core-seconds / cores = {least:.2f} s = {least / floor:.2f} x (b)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50, help="N (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="builds (default 3)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--show", action="store_true", help="the busy cores of each step")
    parser.add_argument("--converter", action="store_true",
                        help="also the floor (b) and builds through a warm converter")  # fmt: skip
    parser.add_argument("--cgroup", type=Path, default=None, metavar="DIR",
                        help="count the CPU time of this cgroup's processes as busy")  # fmt: skip
    args = parser.parse_args()
    global CGROUP  # the counters' source for this run
    CGROUP = args.cgroup
    if CGROUP is not None:
        cgroup_usage(CGROUP)  # fails now if it cannot be read
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="avtalsgen-timeline-") as folder:
        root = Path(folder)
        os.environ["AVTALSGEN_CONVERTER_DIR"] = str(root / "no-converter")
        cases = make_cases(root / "cases", args.cases)
        argv = [str(AVTALSGEN), "build", "--force", "--jobs", str(args.jobs),
                "--output", str(root / "output"), "--templates", str(REPO / "templates"),
                *map(str, cases)]  # fmt: skip
        print(f"N = {args.cases} cases, {args.jobs} workers, {cores} cores; "
              f"load average {os.getloadavg()[0]:.1f} at the start; busy: "
              f"{CGROUP or 'every process'}")  # fmt: skip
        print("build (LibreOffice started by the build):")
        cold = []
        for _ in range(args.repeat):
            wall, busy = sampled(built(argv))
            report(wall, busy, args.show)
            cold.append(busy)
        if not args.converter:
            return
        files = docx_files(root / "output")
        shares = [files[i::cores] for i in range(cores)]
        print(f"floor (b): {cores} soffice calls, {len(files)} documents:")
        floors = []
        for run in range(args.repeat):
            wall, busy = sampled(functools.partial(soffice_calls, shares, root / f"floor-{run}"))
            report(wall, busy, args.show)
            floors.append(wall)
        floor = statistics.median(floors)
        print("build through the warm converter:")
        os.environ["AVTALSGEN_CONVERTER_DIR"] = str(root / "converter")
        warm.start(args.jobs)
        try:
            built(argv)()  # the converter's first documents of this kind
            through = []
            for _ in range(args.repeat):
                wall, busy = sampled(built(argv))
                report(wall, busy, args.show)
                through.append(busy)
        finally:
            warm.stop()
        print(f"the least wall time if every core were busy all the time (floor (b) {floor:.2f} s,"
              " the median):")  # fmt: skip
        for name, runs in (("build", cold), ("through the converter", through)):
            bound(name, min(runs, key=sum), floor)


if __name__ == "__main__":
    main()
