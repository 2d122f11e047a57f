"""Helpers of the web app's tests: a workspace of copies of the shipped cases, the app, users,
and logging in through the login form (with its CSRF token), as a browser does."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import REPO
from litestar import Litestar
from litestar.testing import TestClient

from avtalsgen import i18n
from avtalsgen.web import auth, db
from avtalsgen.web.app import create_app
from avtalsgen.web.config import WebConfig

PASSWORD = "ett-långt-lösenord-1"
# Cheap argon2id hashes for the tests (the app's own are the library's defaults).
auth.HASH_PARAMETERS.update(time_cost=1, memory_cost=1024, parallelism=1)
#: A user per role (and one with every role).
USERS = {
    "lasare": ("läsare",),
    "handl": ("handläggare",),
    "sekr": ("sekreterare",),
    "signer": ("undertecknare",),
    "admin": ("administratör",),
    "alla": ("läsare", "handläggare", "sekreterare", "undertecknare", "administratör"),
}


def workspace(root: Path, **options: object) -> WebConfig:
    """A folder with copies of the shipped cases and templates, and the app's settings."""
    shutil.copytree(REPO / "cases", root / "cases")
    config = WebConfig(
        cases=root / "cases", output=root / "output", data=root / "data",
        templates=REPO / "templates",
        # The builds' lower CPU priority (tested in test_web_load and test_warm) would let
        # the other test process starve them on CI's two cores.
        **{"build_after_save": False, "build_niceness": 0, **options},  # type: ignore[arg-type]
    )  # fmt: skip
    config.output.mkdir()
    db.initialise(config.database)
    for name, roles in USERS.items():
        auth.add_user(config.database, name, frozenset(roles), PASSWORD)
    return config


def blank_packet(config: WebConfig, dnr: str) -> Path:
    """A one-page ``paket.pdf`` of the case ``dnr`` with its fields region and aktor unsigned
    in ``manifest.json``, as the pages read a packet (no build); its case folder."""
    import pikepdf

    folder = config.output / dnr
    folder.mkdir()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(folder / "paket.pdf")
    fields = [{"field": name, "signer": None} for name in ("region", "aktor")]
    manifest = {"packets": [{"file": "paket.pdf", "signatures": fields}]}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def csrf_of(html: str) -> str:
    """The CSRF token a page carries."""
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "the page has a CSRF token"
    return match.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> None:  # type: ignore[type-arg]
    """Log in through the login form."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"namn": name, "losenord": password, "_csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


@contextmanager
def speaking(client: TestClient, language: str) -> Iterator[None]:  # type: ignore[type-arg]
    """The client's requests in ``language`` as the user's choice (the header's link, a
    cookie) asks for it; the browser's Accept-Language is no choice."""
    from avtalsgen.web.language import COOKIE

    client.cookies.set(COOKIE, language)
    try:
        yield
    finally:
        client.cookies.delete(COOKIE)


@contextmanager
def client_for(
    config: WebConfig, user: str | None = None, base_url: str = "http://testserver.local"
) -> Iterator[TestClient]:  # type: ignore[type-arg]
    """A test client of the app, logged in as ``user`` if given; messages in Swedish."""
    i18n.set_language("sv")
    try:
        with TestClient(create_app(config), base_url=base_url) as client:
            if user:
                login(client, user)
            yield client
    finally:
        i18n.set_language(None)


#: The passphrase environment variable of the server's seal (WebConfig.seal_passphrase_env).
SEAL_PASSPHRASE_ENV = "AVTALSGEN_P12_PASSPHRASE"


#: The region's signatory as the complete workspaces name it in the program file.
SIGNATORY = "Anna Direktör"
#: The example case that :func:`complete_build` builds, and its Dnr.
COMPLETE_CASE, COMPLETE_DNR = "exempel-arktiska-testbaddar", "RUN-90001-2023"


def name_the_signatory(cases: Path) -> None:
    """Every fact known: the program of ``cases`` names the region's signatory."""
    program = cases / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    office = "    namn: Regional utvecklingsdirektör\n"  # the shipped program: the office
    assert office in text
    program.write_text(text.replace(office, f"    namn: {SIGNATORY}\n", 1),
                       encoding="utf-8")  # fmt: skip


def unname_the_signatory(cases: Path) -> None:
    """The program of ``cases`` leaves the region's signatory's name unknown (null): a fact
    of the program file, which the pages name by that file (the shipped program gives the
    office)."""
    program = cases / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    office = "    namn: Regional utvecklingsdirektör\n"
    assert office in text
    program.write_text(text.replace(office, "    namn: null\n", 1), encoding="utf-8")


def complete_build(root: Path) -> Path:
    """The example case :data:`COMPLETE_CASE` built by LibreOffice in a copy of the shipped
    cases whose program names the region's signatory (:func:`name_the_signatory`), every
    fact known; its output folder (under ``root``). Made once for the test session
    (conftest.complete_built): the workspaces that need it copy its case folder."""
    from avtalsgen.build.batch import BuildOptions, build_cases

    shutil.copytree(REPO / "cases", root / "cases")
    name_the_signatory(root / "cases")
    outcome = build_cases(
        [root / "cases" / f"{COMPLETE_CASE}.yaml"], root / "output",
        BuildOptions(templates=REPO / "templates"),
    )[0]  # fmt: skip
    assert outcome.error is None, outcome.error
    return root / "output"


def every_case_build(root: Path) -> Path:
    """Every example case built by LibreOffice in a copy of the shipped cases whose program
    names the region's signatory (:func:`name_the_signatory`): three of them with every fact
    known (RUN-90001-2023, RUN-90003-2025, RUN-90004-2024); its output folder (under
    ``root``). Made once for the test session (conftest.every_case_built)."""
    from avtalsgen.build.batch import BuildOptions, build_cases

    shutil.copytree(REPO / "cases", root / "cases")
    name_the_signatory(root / "cases")
    outcomes = build_cases(sorted((root / "cases").glob("*.yaml")), root / "output",
                           BuildOptions(templates=REPO / "templates"))  # fmt: skip
    assert [outcome.error for outcome in outcomes if outcome.error] == []
    return root / "output"


def every_case_workspace(root: Path, built: Path, **options: object) -> WebConfig:
    """A workspace (:func:`workspace`) whose program names the region's signatory, with a
    copy of every case folder of :func:`every_case_build`'s ``built``, up to date there."""
    config = workspace(root, **options)
    name_the_signatory(config.cases)
    for folder in sorted(built.glob("RUN-*")):
        copy_built(built, folder.name, config.output)
    return config


def copy_built(built: Path, dnr: str, output: Path) -> None:
    """The case folder of ``dnr`` in the output folder ``built`` copied into ``output``,
    with the output folder's secret that its manifest's facts are digested with (its
    packet is up to date there, as built, when the case's files are the same)."""
    from avtalsgen.build.workspace import Workspace

    shutil.copytree(built / dnr, output / dnr)
    shutil.copyfile(Workspace(built).facts_key, Workspace(output).facts_key)


def complete_workspace(root: Path, built: Path, **options: object) -> WebConfig:
    """A workspace (:func:`workspace`) whose program names the region's signatory, with
    :data:`COMPLETE_CASE` as LibreOffice built it from these very files: a copy of its
    case folder in ``built`` (:func:`complete_build`), which records the same inputs."""
    config = workspace(root, **options)
    name_the_signatory(config.cases)
    copy_built(built, COMPLETE_DNR, config.output)
    return config


def sealed_workspace(root: Path, built: Path) -> tuple[WebConfig, str]:
    """A workspace whose server signs with a seal of its own (a PKCS#12 file, here a copy of
    the DEMO PKI's signer) and has no time-stamping authority set, with the example case
    RUN-90001-2023 built by LibreOffice, every fact known (:func:`complete_workspace`, its
    build ``built``); and the seal's passphrase (for AVTALSGEN_P12_PASSPHRASE)."""
    import dataclasses

    from avtalsgen.signing.pki import ensure_demo_pki, ensure_demo_signer

    config = complete_workspace(root, built)
    signer = ensure_demo_signer(ensure_demo_pki(), "Regional utvecklingsdirektör")
    seal = config.data / "sigill.p12"
    shutil.copyfile(signer.pkcs12, seal)
    return dataclasses.replace(config, seal_p12=seal), signer.passphrase.decode()


@contextmanager
def serving(config: WebConfig) -> Iterator[tuple[str, Litestar]]:
    """The app for ``config`` served by uvicorn on a free port of 127.0.0.1, in Swedish, for
    a real browser: its URL, and the app (its runner: ``app.state.runner``)."""
    import socket
    import threading
    import time

    import uvicorn

    app = create_app(config)
    i18n.set_language("sv")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
        i18n.set_language(None)
