"""Benchmark: the warm converter (avtalsgen converter start) against a cold LibreOffice.

Run from the repository root (after scripts/setup.sh):

    .venv/bin/python bench/warm.py            # everything, in one run (a few minutes)
    .venv/bin/python bench/warm.py --quick    # fewer repeats, 200 conversions, 20 cases

In one run, in temporary folders, with a converter of its own (its own folder, so a
converter the user runs is neither used nor disturbed):

(a) a cold ``avtalsgen build --force`` of the seed case (no converter: LibreOffice starts);
(w) the same build while the converter runs; target (w)/(a) <= 0.35;
(p) a preview: the beslutsförslag of the seed case rendered after a change to the case and
    converted through the converter into a checked PDF, in a process that has avtalsgen's
    libraries loaded (as the web app has); target <= 0.25 s, with (a) beside it;
(batch) ``avtalsgen build --force`` of 50 synthetic cases through the converter, against
    bench/batch.py's floor (b): one soffice per core converting its share of the same DOCX
    files in one call; target <= 1.1 x (b); the same build without converter is shown too;
(1000) 1 000 consecutive conversions through the converter, one document at a time
    (the seed case's two documents in turn): the mean time per document in the first and
    the last hundred (target: last <= 1.2 x first), the peak resident memory of the
    converter and all its workers (sampled every 50 ms; target <= 1.5 GB), restarts and
    failures (target: none), and soffice's memory every hundred documents.

(a), (w) and (p) are the median of --repeat runs (default 5), each run shown. The machine
may be shared: quote the figures with that said.

With ``--batch-only`` it measures the batch line alone, --repeat times (default 3): the
converter's first batch is not counted, then the batch through the converter and the floor
(b) take turns, each pair shown with its ratio and the CPU seconds of each side: the
build's (the converter's preloaded avtalsgen and the forks that run the builds, and the
``avtalsgen`` command that hands each build over), the workers' soffice and their UNO
bridges, and the converter's own; the floor's soffice calls, and what the converter used
while they ran (nothing, or the floor would pay for it).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import batch as floor  # noqa: E402  (bench/batch.py: cases, builds, the floor, memory)

from avtalsgen.conversion import warm  # noqa: E402
from avtalsgen.conversion.soffice import libreoffice_version  # noqa: E402

REPO = floor.REPO
SEED = REPO / "cases" / "RUN-00386-2023.yaml"


def median_of(runs: int, measure: Callable[[int], float]) -> tuple[float, list[float]]:
    times = [measure(run) for run in range(runs)]
    return statistics.median(times), times


def shown(times: list[float]) -> str:
    return ", ".join(f"{t:.3f}" for t in times)


def preview(case: Path, output: Path, converter: warm.WarmConverter, change: int) -> float:
    """Change the case (the actor's short name, which the beslutsförslag uses), then time
    rendering its beslutsförslag and converting it into a checked PDF, as a preview would;
    the PDF must show the change."""
    from avtalsgen.documents.context import build_context
    from avtalsgen.documents.factcheck import pdf_text
    from avtalsgen.documents.kinds import metadata
    from avtalsgen.documents.render import render_document
    from avtalsgen.input.load import load_case

    text = SEED.read_text(encoding="utf-8")
    name = f"Ändrad {change + 2}"
    case.write_text(re.sub(r"^(  kortnamn: .*)$", rf"\1 {name}", text, count=1, flags=re.M),
                    encoding="utf-8")  # fmt: skip
    started = time.perf_counter()
    loaded = load_case(case)
    context = build_context(loaded)
    data = render_document(
        REPO / "templates" / "beslutsforslag.docx", context, metadata("beslutsforslag", context)
    )
    docx = output / "beslutsforslag.docx"
    docx.write_bytes(data)
    (pdf,) = converter.convert([docx], output)
    elapsed = time.perf_counter() - started
    if name not in " ".join(pdf_text(pdf).split()):
        raise SystemExit(f"the preview does not show the change {name!r}")
    return elapsed


def worker_rss(status: dict[str, Any] | None) -> str:
    if status is None:
        return "?"
    return "/".join(str(w["rss_mb"]) for w in status["workers"])


def thousand(count: int, docs: list[Path], root: Path, server: int) -> dict[str, float]:
    """``count`` consecutive conversions; per-document times, memory, restarts, failures."""
    converter = warm.client()
    assert converter is not None
    times: list[float] = []
    failures = 0
    out = root / "thousand"
    with floor.PeakRss(server) as memory, converter:
        for index in range(count):
            started = time.perf_counter()
            try:
                converter.convert([docs[index % len(docs)]], out)
            except Exception as exc:  # noqa: BLE001 - counted and shown, the run goes on
                failures += 1
                print(f"    conversion {index + 1} failed: {exc}")
            times.append(time.perf_counter() - started)
            if (index + 1) % 100 == 0:
                print(f"    {index + 1:5}: {statistics.mean(times[-100:]):.3f} s a document, "
                      f"soffice {worker_rss(warm.status())} MB")  # fmt: skip
    status = warm.status()
    assert status is not None
    hundred = min(100, count)
    first, last = statistics.mean(times[:hundred]), statistics.mean(times[-hundred:])
    restarts = sum(w["restarts"] for w in status["workers"])
    peak = memory.peak / 2**20
    print(f"  ({count}) consecutive conversions: first hundred {first:.3f} s a document, "
          f"last hundred {last:.3f} s: last/first {last / first:.2f} (target <= 1.2)")  # fmt: skip
    print(f"      peak memory of the converter and its workers {peak:.0f} MiB "
          f"(target <= 1.5 GB); restarts {restarts}; failures {failures} (target 0)")  # fmt: skip
    return {"first": first, "last": last, "last/first": last / first, "peak MiB": peak,
            "restarts": restarts, "failures": failures}  # fmt: skip


def _tree_cpu(pid: int) -> dict[int, tuple[str, float]] | None:
    """The kind and CPU seconds of ``pid`` and every process under it, by pid (soffice,
    bridge, build: the preloaded avtalsgen with its forks' time once they have ended,
    converter: the rest), from /proc; None while one has ended and its parent has not
    waited for it yet."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii")
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    spent: dict[int, tuple[str, float]] = {}
    todo = [pid]
    while todo:
        process = todo.pop()
        todo += children.get(process, [])
        try:
            fields = Path(f"/proc/{process}/stat").read_text(encoding="ascii")
            argv = Path(f"/proc/{process}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        values = fields.rsplit(")", 1)[1].split()
        if values[0] == "Z":  # ended, not yet waited for: its time is not its parent's yet
            return None
        own = int(values[11]) + int(values[12])  # utime, stime
        waited = int(values[13]) + int(values[14])  # of its children that ended
        if b"uno_bridge" in argv:  # its argv names soffice's launcher
            kind = "bridge"
        elif b"soffice" in argv or b"oosplash" in argv:
            kind = "soffice"
        elif b"cli.served" in argv:
            kind = "build"
        else:
            kind = "converter"
        spent[process] = (kind, (own + waited) / tick)
    return spent


def _settled_cpu(pid: int) -> dict[int, tuple[str, float]]:
    """:func:`_tree_cpu` once every process that ended was waited for (the preloaded
    avtalsgen waits for its forks within a second or so)."""
    for _ in range(100):
        found = _tree_cpu(pid)
        if found is not None:
            return found
        time.sleep(0.05)
    raise SystemExit("a process of the converter was not waited for within 5 s")


def _used(
    before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]], client: float = 0.0
) -> str:
    """The CPU seconds each kind of process used between ``before`` and ``after``, and
    the ``avtalsgen`` command's own (``client``: it hands the build over) if given."""
    used: dict[str, float] = {"client": client} if client else {}
    for process, (kind, seconds) in after.items():
        used[kind] = used.get(kind, 0.0) + seconds - before.get(process, (kind, 0.0))[1]
    shown = ", ".join(f"{kind} {seconds:.2f}" for kind, seconds in sorted(used.items()))
    return f"{shown}, in all {sum(used.values()):.2f}"


def batch_only(args: argparse.Namespace, cases: int, cores: int) -> None:
    """The batch line alone, --repeat pairs (see the module's docstring)."""
    runs = args.repeat or 3
    root = Path(tempfile.mkdtemp(prefix="avtalsgen-bench-warm-"))
    folder = Path(tempfile.mkdtemp(prefix="avb-", dir="/tmp"))
    os.environ["AVTALSGEN_CONVERTER_DIR"] = str(folder)
    ratios = []
    try:
        print(floor.keep_a_profile(root))
        many = floor.make_cases(root / "cases", cases)
        converter = warm.start(args.workers)
        floor.build(many, root / "first", "--force")  # the converter's first documents
        files = floor.docx_files(root / "first")
        shares = [files[i::cores] for i in range(cores)]
        for run in range(runs):
            before = _settled_cpu(converter.pid)
            t_batch, client = floor.build_cpu(many, root / f"batch-{run}", "--force")
            after = _settled_cpu(converter.pid)
            used = _used(before, after, client)
            spent = os.times()
            t_b = floor.soffice_calls(shares, root / f"floor-{run}")
            floor_cpu = os.times().children_user + os.times().children_system
            floor_cpu -= spent.children_user + spent.children_system
            # The converter is idle while the floor runs, or the floor pays for its work.
            beside = _used(after, _settled_cpu(converter.pid)).rpartition(" ")[2]
            ratios.append(t_batch / t_b)
            print(f"  run {run + 1}: {cases} cases, {len(files)} documents through the converter "
                  f"{t_batch:.2f} s; floor (b) {t_b:.2f} s; batch/(b) = {t_batch / t_b:.3f}; "
                  f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip
            print(f"         CPU s: {used}; the floor's {floor_cpu:.2f} "
                  f"(the converter's meanwhile {beside})")  # fmt: skip
    finally:
        warm.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
    met = "every run" if max(ratios) <= 1.1 else "not every run"
    print(f"batch/(b): min {min(ratios):.3f}, median {statistics.median(ratios):.3f}, "
          f"max {max(ratios):.3f}; target <= 1.1: {met}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 repeats, 20 cases, 200 conversions")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=None, help="runs of a, w, p (default 5)")
    parser.add_argument("--cases", type=int, default=None, help="cases in the batch (50)")
    parser.add_argument("--conversions", type=int, default=None, help="consecutive (1000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batch-only", action="store_true",
                        help="the batch and the floor alone, --repeat pairs")  # fmt: skip
    args = parser.parse_args()
    if args.batch_only:
        batch_only(args, args.cases or 50, os.cpu_count() or 1)
        return
    repeat = args.repeat or (3 if args.quick else 5)
    cases = args.cases or (20 if args.quick else 50)
    conversions = args.conversions or (200 if args.quick else 1000)
    cores = os.cpu_count() or 1
    root = Path(tempfile.mkdtemp(prefix="avtalsgen-bench-warm-"))
    # The converter's folder: short (a socket path has at most 107 bytes), private.
    folder = Path(tempfile.mkdtemp(prefix="avb-", dir="/tmp"))
    nowhere = Path(tempfile.mkdtemp(prefix="avb-none-", dir="/tmp"))  # no converter here
    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}, "
          f"LibreOffice {libreoffice_version()}; {time.strftime('%Y-%m-%d %H:%M')}; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")  # fmt: skip
    got: dict[str, float] = {}
    try:
        os.environ["AVTALSGEN_CONVERTER_DIR"] = str(nowhere)
        print(floor.keep_a_profile(root))
        seed = root / "seed"
        seed.mkdir()
        shutil.copytree(REPO / "cases" / "program", seed / "program")
        shutil.copy(SEED, seed / SEED.name)

        def cold(run: int) -> float:
            return floor.build([seed / SEED.name], root / f"cold-{run}", "--force")

        t_a, runs_a = median_of(repeat, cold)
        print(f"  (a) cold build of the seed case     {t_a:.3f} s   (runs {shown(runs_a)})")

        os.environ["AVTALSGEN_CONVERTER_DIR"] = str(folder)
        started = time.perf_counter()
        converter = warm.start(args.workers)
        print(f"      converter started in {time.perf_counter() - started:.2f} s "
              f"(pid {converter.pid}, {args.workers} workers)")  # fmt: skip

        def hot(run: int) -> float:
            return floor.build([seed / SEED.name], root / f"warm-{run}", "--force")

        hot(-1)  # the converter's first documents of this kind
        t_w, runs_w = median_of(repeat, hot)
        print(f"  (w) the same with the converter     {t_w:.3f} s   (runs {shown(runs_w)})")
        print(f"      (w)/(a) = {t_w / t_a:.2f}   (target <= 0.35)")
        got.update({"a": t_a, "w": t_w, "w/a": t_w / t_a})

        client = warm.client()
        assert client is not None
        with client:
            preview_dir = root / "preview"
            preview_dir.mkdir()
            case = seed / "preview.yaml"
            preview(case, preview_dir, client, -1)  # loads the libraries, as a web app has
            t_p, runs_p = median_of(repeat, lambda run: preview(case, preview_dir, client, run))
            case.unlink()
        print(f"  (p) preview of the beslutsförslag   {t_p:.3f} s   (runs {shown(runs_p)}); "
              f"target <= 0.25 s; (a) is {t_a:.3f} s")  # fmt: skip
        got["p"] = t_p

        many = floor.make_cases(root / "cases", cases)
        floor.quiet()
        t_batch = floor.build(many, root / "batch-warm", "--force")
        files = floor.docx_files(root / "batch-warm")
        shares = [files[i::cores] for i in range(cores)]
        t_b = floor.soffice_calls(shares, root / "floor")
        os.environ["AVTALSGEN_CONVERTER_DIR"] = str(nowhere)
        t_cold = floor.build(many, root / "batch-cold", "--force")
        os.environ["AVTALSGEN_CONVERTER_DIR"] = str(folder)
        print(f"  (batch) {cases} cases, {len(files)} documents through the converter "
              f"{t_batch:.2f} s; floor (b) {t_b:.2f} s; batch/(b) = {t_batch / t_b:.2f} "
              f"(target <= 1.1); without the converter {t_cold:.2f} s")  # fmt: skip
        got.update({"batch": t_batch, "b": t_b, "batch/b": t_batch / t_b, "cold batch": t_cold})

        docs = sorted((root / "warm-0" / "RUN-00386-2023").glob("*.docx"))
        got.update(thousand(conversions, docs, root, converter.pid))
    finally:
        os.environ["AVTALSGEN_CONVERTER_DIR"] = str(folder)
        warm.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(nowhere, ignore_errors=True)
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print("summary: " + ", ".join(f"{k} {v:.3f}" for k, v in got.items()))


if __name__ == "__main__":
    main()
