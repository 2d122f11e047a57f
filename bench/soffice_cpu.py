"""Benchmark: LibreOffice's own CPU time per document in a warm converter's worker.

Run from the repository root (after scripts/setup.sh):

    .venv/bin/python bench/soffice_cpu.py --against main        # 3 alternating pairs
    .venv/bin/python bench/soffice_cpu.py --against HEAD~1 --pairs 5 --compare

It makes 50 synthetic cases (as bench/batch.py does), builds them once for their Word
files (100 documents), then converts those same documents through one warm worker
(:class:`avtalsgen.conversion.worker.Worker`, started from the kept profile and warmed up
as the converter's are) with this checkout's UNO bridge and with the bridge of the git
revision ``--against``, alternately (A B, B A, ...), so that a shared machine's load falls
on both alike. For each run it reads soffice.bin's CPU time (user and system, every thread)
from /proc before and after the 100 documents, and the bridge's; then the minimum and the
median of each. With --compare, the PDFs of the first run of each are compared: each
one's text (pdftotext), its pages and its fonts must be the same.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "src"))
import batch as floor  # noqa: E402

from avtalsgen.conversion import worker as workers  # noqa: E402
from avtalsgen.conversion.soffice import find_soffice  # noqa: E402

_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process, all its threads, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def convert_all(bridge: Path, docs: list[Path], out: Path, warm_up: Path) -> dict[str, float]:
    """Convert ``docs`` into ``out`` through one worker running ``bridge``; its CPU seconds."""
    workers.BRIDGE = bridge
    worker = workers.Worker(0, find_soffice(None), workers.uno_python(), warm_up=warm_up)
    worker.start()
    try:
        assert worker.pid is not None and worker.proc is not None
        soffice, bridge_pid = worker.pid, worker.proc.pid
        time.sleep(0.3)  # what the start left to do while idle is not the documents'
        before = cpu_seconds(soffice), cpu_seconds(bridge_pid)
        started = time.perf_counter()
        for doc in docs:
            outcome = worker.convert(doc, out / f"{doc.stem}.pdf", 120)
            if outcome.fault is not None:
                raise SystemExit(f"{doc}: {outcome.fault} {outcome.detail}")
        wall = time.perf_counter() - started
        after = cpu_seconds(soffice), cpu_seconds(bridge_pid)
    finally:
        worker.kill()
    return {"soffice": after[0] - before[0], "bridge": after[1] - before[1], "wall": wall}


def pdf_facts(pdf: Path) -> tuple[str, str, str]:
    """The text, the page count and the font names (without subset tags) of a PDF."""

    def run(*argv: str) -> str:
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout

    info = run("pdfinfo", str(pdf)).splitlines()
    pages = next(line for line in info if line.startswith("Pages:"))
    listed = run("pdffonts", str(pdf)).splitlines()[2:]
    fonts = sorted(line.split()[0].split("+")[-1] for line in listed)
    return run("pdftotext", str(pdf), "-"), pages, " ".join(fonts)


def compare(before: Path, after: Path) -> int:
    """Differences between the PDFs of two folders, each told; their count."""
    differences = 0
    names = sorted(path.name for path in before.glob("*.pdf"))
    for name in names:
        for what, old, new in zip(("text", "pages", "fonts"), pdf_facts(before / name),
                                  pdf_facts(after / name), strict=True):  # fmt: skip
            if old != new:
                differences += 1
                print(f"  {name}: the {what} differs")
    print(f"  {len(names)} PDFs compared (text, pages, fonts): {differences} differences")
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", required=True, help="git revision whose bridge to compare")
    parser.add_argument("--pairs", type=int, default=3, help="alternating pairs (default 3)")
    parser.add_argument("--cases", type=int, default=50, help="cases, two documents each")
    parser.add_argument("--compare", action="store_true", help="compare the PDFs too")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="avtalsgen-bench-soffice-"))
    try:
        print(floor.keep_a_profile(root))
        cases = floor.make_cases(root / "cases", args.cases)
        floor.build(cases, root / "output", "--force")
        docs = floor.docx_files(root / "output")
        warm_up = workers.warm_up_document(root / "warm-up.docx")
        old = root / "old_bridge.py"
        old.write_bytes(subprocess.run(
            ["git", "show", f"{args.against}:src/avtalsgen/conversion/uno_bridge.py"],
            cwd=REPO, capture_output=True, check=True).stdout)  # fmt: skip
        bridges = {args.against: old, "this checkout": workers.BRIDGE}
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in bridges}
        for pair in range(args.pairs):
            order = list(bridges) if pair % 2 == 0 else list(bridges)[::-1]
            for name in order:
                out = root / f"pdf-{len(runs[name])}-{name.replace(' ', '-')}"
                out.mkdir()
                got = convert_all(bridges[name], docs, out, warm_up)
                runs[name].append(got)
                load = os.getloadavg()[0]
                print(f"{name:>14}: soffice {got['soffice']:.2f} CPU s for {len(docs)} documents, "
                      f"bridge {got['bridge']:.2f}, {got['wall']:.1f} s; load {load:.1f}",
                      flush=True)  # fmt: skip
                if len(runs[name]) > 1:
                    shutil.rmtree(out)
        for name, measured in runs.items():
            cpu = [run["soffice"] for run in measured]
            middle = statistics.median(cpu)
            print(f"{name:>14}: soffice min {min(cpu):.2f}, median {middle:.2f} CPU s; "
                  f"{1000 * middle / len(docs):.0f} ms a document")  # fmt: skip
        if args.compare:
            label = args.against.replace(" ", "-")
            compare(root / f"pdf-0-{label}", root / "pdf-0-this-checkout")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
