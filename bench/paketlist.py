"""How fast the Paket page (/paket) answers while builds replace packets: not a test, a
measurement.

``--cases`` synthetic cases (bench/batch.py's) are built once by LibreOffice into a folder
(``--folder``: kept and used again when given and built; bench/signmany.py's), then the app
is asked for /paket through Litestar's test client, logged in as a signer: once to read
everything, then ``--requests`` times with ``--touched`` packets given a new time of change
before each request, as a batch or a save's build replaces them (each read again: whether
it is superseded, whether it shows unknown facts, its row). Each request is timed twice in
turn: as the page is now (a packet's pages read up to the first that shows
``[uppgift saknas]``, web/readiness.packet_shows_unknown) and as before (every page read,
the list of lines, readiness.packet_unknowns), so that both meet the same load.

    .venv/bin/python bench/paketlist.py
    .venv/bin/python bench/paketlist.py --folder /tmp/pl --requests 12 --touched 3
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "src"))
from signmany import PASSWORD, built  # noqa: E402

from avtalsgen import i18n  # noqa: E402
from avtalsgen.web import auth, db, readiness  # noqa: E402
from avtalsgen.web.config import WebConfig  # noqa: E402


def _as_before(packet: Path, now: tuple[int, int, int] | None = None) -> bool:
    """The list page's check as before: every page of the packet read, its lines kept."""
    return bool(readiness.packet_unknowns(packet))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--requests", type=int, default=8)
    parser.add_argument("--touched", type=int, default=5)
    parser.add_argument("--folder", type=Path, default=None)
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="paketlist-"))
    built(folder, args.cases)

    from litestar.testing import TestClient

    from avtalsgen.web.app import create_app

    data = folder / "data"
    shutil.rmtree(data, ignore_errors=True)
    config = WebConfig(cases=folder / "cases", output=folder / "output", data=data,
                       templates=REPO / "templates", build_after_save=False)  # fmt: skip
    db.initialise(config.database)
    auth.add_user(config.database, "signer", frozenset({"undertecknare"}), PASSWORD)
    i18n.set_language("sv")
    packet_files = sorted(config.output.glob("*/paket.pdf"))
    now = readiness.packet_shows_unknown
    times: dict[str, list[float]] = {"now": [], "before": []}
    with TestClient(create_app(config)) as client:
        login = client.get("/login").text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', login)
        assert token is not None
        client.post("/login", data={"_csrf_token": token.group(1), "namn": "signer",
                                    "losenord": PASSWORD})  # fmt: skip
        start = time.perf_counter()
        first = client.get("/paket")
        print(f"first request (everything read): {time.perf_counter() - start:.3f} s, "
              f"{first.text.count('<tr')} rows")  # fmt: skip
        turn = 0
        for number in range(args.requests):
            for label, check in (("now", now), ("before", _as_before))[:: 1 - 2 * (number % 2)]:
                readiness.packet_shows_unknown = check
                for _ in range(args.touched):
                    path = packet_files[turn % len(packet_files)]
                    turn += 1
                    stamp = time.time_ns()
                    os.utime(path, ns=(stamp, stamp))
                start = time.perf_counter()
                response = client.get("/paket")
                times[label].append(time.perf_counter() - start)
                assert response.status_code == 200
        readiness.packet_shows_unknown = now
    for label, found in times.items():
        median = statistics.median(found)
        print(f"{label}: {args.touched} packets replaced before each request; requests (s): "
              + ", ".join(f"{t:.3f}" for t in found)
              + f"; median {median:.3f} s, {median / args.touched * 1000:.1f} ms a replaced "
              "packet")  # fmt: skip


if __name__ == "__main__":
    main()
