"""Load benchmark of the office in a browser (avtalsgen serve): not a test, a measurement.

Twenty simulated users on 127.0.0.1 browse and save for 60 seconds (a bounded loop) while a
50-case batch runs in the app's worker. Each user has a case of its own to save, and checks
after every save that the file holds what it saved. Reported: requests, error responses,
lost saves, latency of the pages (every request but the batch's), each kind of request's
figures beside its time on the idle server (the baseline, measured first in the same run),
the server's CPU time per request, the peak resident memory of the server with its worker
and LibreOffice, and the server's own memory at the start and the end; then, on the quiet
server, five saves each followed by its preview (until the preview shows the documents
built from it with the fact check's result, asked for as the page asks), against one
document through the server's warm converter (the beslutsförslag, checked as a build checks
it) and one cold soffice conversion of it. The server starts a converter of its own (in a
folder of the run's).

    .venv/bin/python bench/web.py                 # 20 users, 60 s, 50 cases
    .venv/bin/python bench/web.py --users 5 --seconds 10 --cases 10
    BENCH_VERBOSE=1 .venv/bin/python bench/web.py # every request as it ends
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "src"))
from batch import PeakRss, make_cases  # noqa: E402

from avtalsgen import i18n  # noqa: E402
from avtalsgen.build.outcome import Status, status_text  # noqa: E402
from avtalsgen.web import auth, db  # noqa: E402

PASSWORD = "bänkens-lösenord-1"
PAGES = ["/arenden", "/arenden?q=fall", "/paket", "/korning", "/sammantraden", "/logg"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def csrf(html: str) -> str:
    found = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token"
    return found.group(1)


def login(client: httpx.Client, name: str) -> None:
    page = client.get("/login")
    response = client.post("/login", data={"namn": name, "losenord": PASSWORD,
                                           "_csrf_token": csrf(page.text)})  # fmt: skip
    assert response.status_code in (200, 303), response.status_code


def form_data(html: str) -> tuple[dict[str, object], str]:
    start = html.index('id="editor-data">') + len('id="editor-data">')
    data = json.loads(html[start : html.index("</script>", start)])
    sha = re.search(r'name="sha" value="([0-9a-f]*)"', html)
    assert sha
    return data, sha.group(1)


class User(threading.Thread):
    """One simulated user: browses the pages and saves its own case now and then."""

    def __init__(
        self, base: str, name: str, case: Path, stop: float, seed: int, think: float
    ) -> None:
        super().__init__(daemon=True)
        self.think = think
        self.base, self.name, self.case, self.stop = base, name, case, stop
        self.random = random.Random(seed)
        self.latencies: list[float] = []
        self.timings: list[tuple[str, float, float]] = []
        """(request, when it started, seconds) of each request."""
        self.errors: list[str] = []
        self.saves = 0
        self.lost: list[str] = []
        self.last_saved: str | None = None
        self.ready = threading.Event()
        """Set when the user has logged in (logins are not part of the figures)."""
        self.go = threading.Event()
        """Set when every user has logged in, with ``stop`` set."""

    def timed(
        self, client: httpx.Client, method: str, path: str, **kwargs: object
    ) -> httpx.Response:
        started = time.perf_counter()
        response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
        self.latencies.append(seconds)
        self.timings.append((label(method, path), started, seconds))
        if os.environ.get("BENCH_VERBOSE"):
            print(
                f"{started - EPOCH:7.2f} {self.name} {method} {path} {response.status_code} "
                f"{seconds * 1000:.0f} ms",
                flush=True,
            )
        if response.status_code >= 400 and response.status_code != 422:
            self.errors.append(f"{method} {path}: {response.status_code}")
        return response

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as client:
            login(client, self.name)
            self.ready.set()
            self.go.wait()
            for step in range(100_000):  # bounded; the time ends it first
                if time.monotonic() > self.stop:
                    break
                # A person reads a page before the next click: 0.5 to 1.5 times --think.
                time.sleep(self.think * self.random.uniform(0.5, 1.5))
                if step % 6 == 5:
                    self.save(client, step)
                else:
                    self.timed(
                        client, "GET", self.random.choice([*PAGES, f"/arenden/{self.case.stem}"])
                    )

    def save(self, client: httpx.Client, step: int) -> None:
        page = self.timed(client, "GET", f"/arenden/{self.case.stem}")
        data, sha = form_data(page.text)
        value = f"Handläggare {self.name} {step}"
        data["handlaggare"] = value
        response = self.timed(
            client, "POST", f"/arenden/{self.case.stem}",
            data={"_csrf_token": csrf(page.text), "data": json.dumps(data), "sha": sha},
        )  # fmt: skip
        if response.status_code == 303:
            self.saves += 1
            self.last_saved = value
            if f"handlaggare: {value}\n" not in self.case.read_text(encoding="utf-8"):
                self.lost.append(value)
        else:
            self.errors.append(f"save {self.case.stem}: {response.status_code}")


#: The start of the run, for the times BENCH_VERBOSE prints.
EPOCH = time.perf_counter()


def label(method: str, path: str) -> str:
    """A request as the figures group it: the case's name left out."""
    return f"{method} {re.sub(r'/fall-[0-9]+', '/{ärende}', path)}"


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) the process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def alone(base: str, stems: list[str], rounds: int = 5) -> dict[str, float]:
    """The median time of each page with nothing else running: one user, ``rounds`` times
    each after a first look (the baseline of the pages under load)."""
    user = User(base, "batch", Path(stems[0]), 0.0, 0, 0.0)
    with httpx.Client(base_url=base, timeout=60) as client:
        login(client, "batch")
        for path in [*PAGES, f"/arenden/{stems[0]}"]:
            client.get(path)
            for _ in range(rounds):
                user.timed(client, "GET", path)
    found: dict[str, list[float]] = {}
    for name, _started, seconds in user.timings:
        found.setdefault(name, []).append(seconds)
    return {name: statistics.median(values) for name, values in found.items()}


def per_request(users: list[User], baseline: dict[str, float]) -> None:
    """Each kind of request under load: count, median, p95 and max, and its time alone."""
    found: dict[str, list[float]] = {}
    for user in users:
        for name, _started, seconds in user.timings:
            found.setdefault(name, []).append(seconds)
    print(f"  {'request':32} {'n':>4} {'median':>7} {'p95':>7} {'max':>7} {'alone':>7}  (ms)")
    for name, values in sorted(found.items()):
        base = baseline.get(name)
        print(
            f"  {name:32} {len(values):4} {statistics.median(values) * 1000:7.0f} "
            f"{percentile(values, 0.95) * 1000:7.0f} {max(values) * 1000:7.0f} "
            f"{'' if base is None else f'{base * 1000:7.0f}':>7}"
        )


def warm_conversion(docx: Path, times: int = 5) -> float:
    """The median time of one document through the server's warm converter, checked as a
    build checks it (the converter's one-document time)."""
    from avtalsgen.conversion import warm

    converter = warm.client()
    assert converter is not None, "the server's converter does not answer"
    seconds = []
    with converter:
        for _ in range(times + 1):
            folder = Path(tempfile.mkdtemp(prefix="avtalsgen-bench-warm-"))
            started = time.perf_counter()
            converter.convert([docx], folder)
            seconds.append(time.perf_counter() - started)
            shutil.rmtree(folder, ignore_errors=True)
    return statistics.median(seconds[1:])


#: Saves whose preview is timed, one after another on the quiet server.
PREVIEWS = 5


def preview_after_save(admin: httpx.Client, stem: str, number: int) -> float:
    """Seconds from a save of the case ``stem`` until its preview shows the documents built
    from it with the fact check's result, asked for as the page asks: once, then again with
    the build and the number of its events shown (the server answers at its next event)."""
    page = admin.get(f"/arenden/{stem}")
    data, sha = form_data(page.text)
    data["handlaggare"] = f"Förhandsgranskning {number}"
    while "byggs" in admin.get(f"/arenden/{stem}/forhandsgranskning").text:
        time.sleep(0.2)
    started = time.perf_counter()
    response = admin.post(f"/arenden/{stem}", data={"_csrf_token": csrf(page.text),
                          "data": json.dumps(data), "sha": sha})  # fmt: skip
    assert response.status_code == 303, response.status_code
    address = f"/arenden/{stem}/forhandsgranskning"
    while True:
        preview = admin.get(address).text
        if "Faktakontrollen" in preview or "misslyckades" in preview:
            break
        asked = re.search(r'hx-get="(/arenden/[^"?]+/forhandsgranskning\?[^"]+)"', preview)
        assert asked, "the preview neither shows the documents nor asks for its build's news"
        address = asked.group(1).replace("&amp;", "&")
    seconds = time.perf_counter() - started
    assert "misslyckades" not in preview, "the preview's build failed"
    return seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def rss_of(pid: int) -> int:
    found = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(found.group(1)) * 1024 if found else 0


def one_conversion(docx: Path, folder: Path) -> float:
    """One soffice --convert-to of a DOCX (a cold LibreOffice), in seconds."""
    started = time.perf_counter()
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
         "--convert-to", "pdf", "--outdir", str(folder), str(docx)],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="Mean seconds a user looks at a page before the next request.",
    )
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="avtalsgen-bench-web-"))
    # The server starts a warm converter of its own (and stops it at its end), not one that
    # another command started.
    if not os.environ.get("AVTALSGEN_CONVERTER_DIR"):
        (root / "converter").mkdir(mode=0o700)
        os.environ["AVTALSGEN_CONVERTER_DIR"] = str(root / "converter")
    cases = root / "cases"
    cases.mkdir()
    made = make_cases(cases, args.cases)
    (cases / "sammantraden").mkdir()
    data = root / "data"
    db.initialise(data / "avtalsgen-web.sqlite3")
    names = [f"user{n:02}" for n in range(args.users)]
    for name in [*names, "batch"]:
        auth.add_user(data / "avtalsgen-web.sqlite3", name,
                      frozenset({"handläggare", "administratör"}), PASSWORD)  # fmt: skip
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(REPO / ".venv" / "bin" / "avtalsgen"), "serve", "--port", str(port),
         "--cases", str(cases), "--output", str(root / "output"), "--data", str(data),
         "--templates", str(REPO / "templates"), "--jobs", str(os.cpu_count() or 1)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        rss_start = rss_of(server.pid)
        baseline = alone(base, [made[0].stem])
        with httpx.Client(base_url=base, timeout=60) as admin:
            login(admin, "batch")
            page = admin.get("/korning")
            started = time.monotonic()
            response = admin.post("/korning", data={"_csrf_token": csrf(page.text), "tvinga": "1"},
                                  follow_redirects=False)  # fmt: skip
            run = response.headers["location"]
            with PeakRss(server.pid) as peak:
                users = [User(base, name, made[n % len(made)], 0.0, n, args.think)
                         for n, name in enumerate(names)]  # fmt: skip
                for user in users:
                    user.start()
                for user in users:
                    user.ready.wait()
                cpu_start = cpu_seconds(server.pid)
                stop = time.monotonic() + args.seconds
                for user in users:
                    user.stop = stop
                    user.go.set()
                for user in users:
                    user.join()
                server_cpu = cpu_seconds(server.pid) - cpu_start
                # The batch's end (its report comes with the run's page).
                while (
                    "klar" not in admin.get(run).text and "misslyckades" not in admin.get(run).text
                ):
                    time.sleep(0.5)
                batch_seconds = time.monotonic() - started
            rss_end = rss_of(server.pid)
            run_page = admin.get(run).text
            # The run page says each case's status as avtalsgen words it in Swedish.
            i18n.set_language("sv")
            built_words = re.escape(status_text(Status.BUILT))
            built = len(re.findall(rf"<li>[^<]*: {built_words}", run_page))
            state = re.search(r'role="status">([^<]*)<', run_page)
            print("batch:", state.group(1) if state else "?")
            # Quiet: a save and its preview, once the previews the users' saves queued are done.
            while re.search(r"<td>(köad|pågår)</td>", admin.get("/korning").text):
                time.sleep(0.5)
            target = made[-1]
            previews = [preview_after_save(admin, target.stem, n) for n in range(PREVIEWS)]
        dnr = re.search(r"^dnr: (\S+)", target.read_text(encoding="utf-8"), re.M)
        assert dnr
        docx = root / "output" / dnr.group(1) / "beslutsforslag.docx"
        one_warm = warm_conversion(docx)
        scratch = Path(tempfile.mkdtemp(prefix="avtalsgen-bench-convert-"))
        one_conversion(docx, scratch)  # the profile is made on the first start
        conversion = min(one_conversion(docx, scratch) for _ in range(3))
        shutil.rmtree(scratch, ignore_errors=True)
    finally:
        server.terminate()
        server.wait(30)
    latencies = [t for user in users for t in user.latencies]
    errors = [e for user in users for e in user.errors]
    lost = [v for user in users for v in user.lost]
    last_ok = all(
        user.last_saved is None
        or f"handlaggare: {user.last_saved}\n" in user.case.read_text(encoding="utf-8")
        for user in users
        if sum(1 for other in users if other.case == user.case) == 1
    )
    print(f"users {args.users} (think time {args.think} s), {args.seconds:.0f} s, batch of "
          f"{args.cases} cases "
          f"({built} built, {batch_seconds:.1f} s)")  # fmt: skip
    print(f"requests {len(latencies)} ({len(latencies) / args.seconds:.1f}/s), saves "
          f"{sum(u.saves for u in users)}, error responses {len(errors)}, lost saves {len(lost)}, "
          f"last saves in place: {last_ok}")  # fmt: skip
    print(
        f"page latency: median {statistics.median(latencies) * 1000:.0f} ms, p95 "
        f"{percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
    print(
        f"server CPU time while the users ran: {server_cpu:.1f} s, "
        f"{server_cpu / len(latencies) * 1000:.1f} ms a request"
    )
    per_request(users, baseline)
    print(
        f"memory: peak of server + worker + soffice {peak.peak / 2**20:.0f} MiB; server "
        f"{rss_start / 2**20:.0f} MiB at start, {rss_end / 2**20:.0f} MiB at the end"
    )
    preview_seconds = statistics.median(previews)
    print(
        f"preview after a save: {preview_seconds:.3f} s (median of {len(previews)}: "
        f"{', '.join(f'{p:.3f}' for p in previews)}); the warm converter's one document "
        f"(the beslutsförslag, checked): {one_warm:.3f} s: ratio {preview_seconds / one_warm:.2f} "
        f"(target <= 2); one cold soffice conversion of it: {conversion:.2f} s"
    )
    for error in errors[:10]:
        print("  error:", error)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
