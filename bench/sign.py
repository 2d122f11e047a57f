"""Benchmark: the director signs a batch's packets, one command each or one command for all.

Run from the repository root (after scripts/setup.sh):

    .venv/bin/python bench/sign.py              # 30 packets, a card (SoftHSM2) and a PKCS#12 file
    .venv/bin/python bench/sign.py --count 10 --repeat 3

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
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AVTALSGEN = REPO / ".venv" / "bin" / "avtalsgen"
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))
from batch import make_cases  # noqa: E402
from softhsm import USER_PIN, available, make_token  # noqa: E402

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


def sign_each(output: Path, key: list[str], env: dict[str, str]) -> None:
    """One command per packet, one after the other; each must sign."""
    for packet in sorted(output.glob("RUN-*/paket.pdf")):
        done = subprocess.run(
            [str(AVTALSGEN), "sign", str(packet), "--field", "region", *key, "--ofullstandig"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"sign {packet} failed:\n{done.stdout}{done.stderr}")


def sign_all(output: Path, key: list[str], env: dict[str, str], count: int) -> None:
    """One command over the folder; it must sign every packet."""
    done = subprocess.run(
        [str(AVTALSGEN), "--lang", "en", "sign", str(output), "--field", "region", *key,
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
    args = parser.parse_args()
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
            [str(AVTALSGEN), "build", *map(str, made), "--output", str(built)],
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
                each_wall, each_cpu = timed(lambda: sign_each(each, key, both))  # noqa: B023
                one_wall, one_cpu = timed(lambda: sign_all(one, key, both, args.count))  # noqa: B023
                results[name].append((each_wall, each_cpu, one_wall, one_cpu))
                print(f"run {run + 1}, {name}: {args.count} commands {each_wall:.1f} s wall, "
                      f"{each_cpu:.1f} s CPU; one command {one_wall:.1f} s wall, "
                      f"{one_cpu:.1f} s CPU")  # fmt: skip
                for folder in (each, one):
                    shutil.rmtree(folder)
        print()
        print(f"{'key':<16} {'':<8} {'N commands':>22} {'one command':>22} {'one/N':>12}")
        for name, runs in results.items():
            for label, pick in (("min", min), ("median", statistics.median)):
                each_wall, each_cpu, one_wall, one_cpu = (
                    pick(run[index] for run in runs) for index in range(4)
                )
                per = args.count
                print(
                    f"{name:<16} {label:<8} "
                    f"{each_wall:6.1f} s ({each_wall / per:4.2f}/pkt) "
                    f"{one_wall:6.1f} s ({one_wall / per:4.2f}/pkt) "
                    f"wall {one_wall / each_wall:4.2f}"
                )
                print(
                    f"{'':<16} {'':<8} "
                    f"{each_cpu:6.1f} s ({each_cpu / per:4.2f}/pkt) "
                    f"{one_cpu:6.1f} s ({one_cpu / per:4.2f}/pkt) "
                    f"CPU  {one_cpu / each_cpu:4.2f}"
                )


if __name__ == "__main__":
    main()
