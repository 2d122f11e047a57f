"""How fast the page for signing many packets (/paket/signera) answers: not a test, a
measurement.

``--cases`` synthetic cases (bench/batch.py's, the examples with new Dnr) are built once by
LibreOffice into a folder (``--folder``: kept and used again when given and built), then the
app is asked for the page ``--requests`` times through Litestar's test client, logged in as
a signer: the first request, which screens every packet, and the ones after it, with no
file changed in between. Reported: the packets on the page, each request's time, the
median of those after the first, and the time per packet. With ``--baseline`` the same run
then asks as many times again with the page's screenings not kept (web/signmany.py's
``_SCREENED`` keeping nothing, every packet screened on every request, as before 36189d7),
the app's other kept results as warm as for the kept requests.

    .venv/bin/python bench/signmany.py                       # 50 cases, 6 requests
    .venv/bin/python bench/signmany.py --baseline            # and 6 without the kept ones
    .venv/bin/python bench/signmany.py --folder /tmp/sm --cases 50 --requests 10
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Hashable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "src"))
from batch import AVTALSGEN, make_cases  # noqa: E402

from avtalsgen import i18n  # noqa: E402
from avtalsgen.web import auth, db, signmany  # noqa: E402
from avtalsgen.web.config import WebConfig  # noqa: E402
from avtalsgen.web.stamps import Kept  # noqa: E402

PASSWORD = "bänkens-lösenord-1"


def built(folder: Path, count: int) -> None:
    """``count`` cases in ``folder``/cases, built into ``folder``/output (once)."""
    if (folder / "built").is_file():
        return
    shutil.rmtree(folder / "cases", ignore_errors=True)
    shutil.rmtree(folder / "output", ignore_errors=True)
    (folder / "cases").mkdir(parents=True)
    make_cases(folder / "cases", count)
    start = time.perf_counter()
    subprocess.run(
        [str(AVTALSGEN), "build", str(folder / "cases"), "--output", str(folder / "output"),
         "--jobs", "2"],
        check=False, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"built {count} cases in {time.perf_counter() - start:.0f} s")
    (folder / "built").write_text("", encoding="utf-8")


class _NotKept(Kept[str | None]):
    """Keeps nothing: every packet screened on every request (the baseline)."""

    def get(self, key: Hashable, make: Callable[[], str | None]) -> str | None:
        return make()


def _report(label: str, times: list[float], packets: int) -> None:
    later = statistics.median(times[1:]) if len(times) > 1 else float("nan")
    print(f"{label}: requests (s): " + ", ".join(f"{t:.3f}" for t in times))
    print(f"{label}: first: {times[0]:.3f} s ({times[0] / max(packets, 1) * 1000:.1f} ms a "
          f"packet); median of the later ones: {later:.3f} s "
          f"({later / max(packets, 1) * 1000:.1f} ms a packet)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--requests", type=int, default=6)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--baseline", action="store_true",
                        help="then as many requests with the screenings not kept")  # fmt: skip
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="signmany-"))
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
    with TestClient(create_app(config)) as client:
        login = client.get("/login").text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', login)
        assert token is not None
        client.post("/login", data={"_csrf_token": token.group(1), "namn": "signer",
                                    "losenord": PASSWORD})  # fmt: skip

        def page() -> tuple[float, int]:
            start = time.perf_counter()
            response = client.get("/paket/signera?falt=region")
            took = time.perf_counter() - start
            assert response.status_code == 200, response.text[:500]
            return took, len(re.findall(r'<td id="granskning-', response.text))

        kept = [page() for _ in range(args.requests)]
        baseline: list[tuple[float, int]] = []
        if args.baseline:
            signmany._SCREENED = _NotKept(0)
            baseline = [page() for _ in range(args.requests)]
    packets = kept[-1][1]
    print(f"packets on the page: {packets}")
    _report("kept", [t for t, _n in kept], packets)
    if baseline:
        _report("not kept", [t for t, _n in baseline], packets)


if __name__ == "__main__":
    main()
