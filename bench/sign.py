"""Benchmark: the director signs a batch's packets, one command each or one command for all.

Run from the repository root (after scripts/setup.sh):

    .venv/bin/python bench/sign.py              # 30 packets, a card (SoftHSM2) and a PKCS#12 file
    .venv/bin/python bench/sign.py --count 10 --repeat 3
    .venv/bin/python bench/sign.py --single-only --avtalsgen OTHER/.venv/bin/avtalsgen

N synthetic cases (the shipped examples with new Dnr, as bench/batch.py makes them) are
built once into an output folder; their packets' region field is then signed, in a fresh
copy of that folder for each run, (a) by N commands, ``avtalsgen sign <Dnr>/paket.pdf``
one after the other, and (b) by one command, ``avtalsgen sign <folder>``, each with
(1) a SoftHSM2 token holding the key, as the README sets one up for a card (tests/softhsm.py,
PIN from AVTALSGEN_PKCS11_PIN), and (2) the same key in a PKCS#12 file (passphrase from
AVTALSGEN_P12_PASSPHRASE). For each it prints the wall time and the CPU time of the commands
(user + system of the child processes), in all and per packet, and b/a. Every packet is
checked to be signed afterwards (the one command's summary, and each single command's exit
status). With --repeat every figure is given for each run, then the minimum and median.
--single-only measures (a) alone, and --avtalsgen runs another installation's command (a
revision from before one command took a folder: its single commands against this one's).

Everything runs in a temporary folder: the demo PKI (XDG_DATA_HOME) and the token's too.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AVTALSGEN = REPO / ".venv" / "bin" / "avtalsgen"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))
from batch import make_cases  # noqa: E402
from softhsm import USER_PIN, available, make_token  # noqa: E402

warnings.simplefilter("ignore")  # pyHanko's import warns of DSA, which nothing here uses
from avtalsgen.signing.pki import ensure_demo_pki, issue_demo_signer  # noqa: E402

PASSPHRASE = b"bench-sign-4711"
SIGNER = "Bänkens regionala utvecklingsdirektör"


def children_cpu() -> float:
    """User and system CPU seconds of the ended child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(run: Callable[[], None]) -> tuple[float, float]:
    """Wall and child CPU seconds of ``run``."""
    cpu, wall = children_cpu(), time.perf_counter()
    run()
    return time.perf_counter() - wall, children_cpu() - cpu


def sign_each(command: str, output: Path, key: list[str], env: dict[str, str]) -> None:
    """One command per packet, one after the other; each must sign."""
    for packet in sorted(output.glob("RUN-*/paket.pdf")):
        done = subprocess.run(
            [command, "sign", str(packet), "--field", "region", *key, "--ofullstandig"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"sign {packet} failed:\n{done.stdout}{done.stderr}")


def sign_all(command: str, output: Path, key: list[str], env: dict[str, str], count: int) -> None:
    """One command over the folder; it must sign every packet."""
    done = subprocess.run(
        [command, "--lang", "en", "sign", str(output), "--field", "region", *key,
         "--ofullstandig"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if done.returncode != 0 or not summary.startswith(f"signed: {count}, "):
        raise SystemExit(f"sign {output} failed:\n{done.stdout}{done.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=30, help="packets (default 30)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each (default 1)")
    parser.add_argument("--single-only", action="store_true", help="only (a), N commands")
    parser.add_argument("--avtalsgen", type=Path, default=AVTALSGEN, help="the command to run")
    args = parser.parse_args()
    command = str(args.avtalsgen)
    if not available():
        raise SystemExit("SoftHSM2 is not installed (scripts/setup.sh installs it)")
    with tempfile.TemporaryDirectory(prefix="avtalsgen-bench-sign-") as tmp:
        root = Path(tmp)
        env = {**os.environ, "XDG_DATA_HOME": str(root / "data")}
        os.environ["XDG_DATA_HOME"] = env["XDG_DATA_HOME"]
        pki = ensure_demo_pki(root / "pki")
        signer = issue_demo_signer(pki, SIGNER, root / "signer.p12", passphrase=PASSPHRASE)
        token = make_token(root / "token", signer.pkcs12, PASSPHRASE)
        env["SOFTHSM2_CONF"] = str(token.config)
        trust = ["--trust", str(pki.root_cert)]
        keys = {
            "card (SoftHSM2)": (
                ["--pkcs11-lib", str(token.library), "--token", token.label,
                 "--key", token.key_label, *trust],
                {"AVTALSGEN_PKCS11_PIN": USER_PIN},
            ),
            "PKCS#12 file": (
                ["--p12", str(signer.pkcs12), *trust],
                {"AVTALSGEN_P12_PASSPHRASE": PASSPHRASE.decode()},
            ),
        }  # fmt: skip
        cases = root / "cases"
        cases.mkdir()
        made = make_cases(cases, args.count)
        built = root / "built"
        start = time.perf_counter()
        done = subprocess.run(
            [command, "build", *map(str, made), "--output", str(built)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"build failed:\n{done.stdout}{done.stderr}")
        print(f"{os.cpu_count()} cores, Python "
              f"{platform.python_version()}; {args.count} packets built in "
              f"{time.perf_counter() - start:.0f} s")  # fmt: skip
        results: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in keys}
        for run in range(args.repeat):
            for name, (key, secret) in keys.items():
                each, one = root / f"each-{run}", root / f"one-{run}"
                for folder in (each, one):
                    shutil.copytree(built, folder)
                both = {**env, **secret}
                subprocess.run(["sync"], check=False)
                each_wall, each_cpu = timed(lambda: sign_each(command, each, key, both))  # noqa: B023
                one_wall, one_cpu = (1.0, 1.0)
                if not args.single_only:
                    one_wall, one_cpu = timed(
                        lambda: sign_all(command, one, key, both, args.count)  # noqa: B023
                    )
                results[name].append((each_wall, each_cpu, one_wall, one_cpu))
                said = f"{args.count} commands {each_wall:.1f} s wall, {each_cpu:.1f} s CPU"
                if not args.single_only:
                    said += f"; one command {one_wall:.1f} s wall, {one_cpu:.1f} s CPU"
                print(f"run {run + 1}, {name}: {said}")
                for folder in (each, one):
                    shutil.rmtree(folder)
        print()
        summary(results, args.count, args.single_only)


def summary(
    results: dict[str, list[tuple[float, float, float, float]]], count: int, single_only: bool
) -> None:
    """The minimum and median of each figure over the runs, per packet too."""
    print(f"{'key':<16} {'':<7} {'':<5} {'N commands':>20} {'one command':>20} {'one/N':>6}")
    for name, runs in results.items():
        picks: tuple[tuple[str, Callable[[list[float]], float]], ...] = (
            ("min", min),
            ("median", statistics.median),
        )
        for label, pick in picks:
            figures = [pick([run[index] for run in runs]) for index in range(4)]
            rows = (("wall", figures[0], figures[2]), ("CPU", figures[1], figures[3]))
            for kind, each, one in rows:
                line = f"{name:<16} {label:<7} {kind:<5} {each:6.1f} s ({each / count:4.2f}/pkt)"
                if not single_only:
                    line += f" {one:6.1f} s ({one / count:4.2f}/pkt) {one / each:6.2f}"
                print(line)


if __name__ == "__main__":
    main()
