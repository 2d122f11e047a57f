"""What a new user met (qa14), said in Swedish by file, field and how to fix it: a port in
use, a meeting file given where a case file goes, a key file that does not exist, check's
count and pointer of problems, the JSON Schema's titles."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
from pathlib import Path

import pytest
from conftest import run_cli

from avtalsgen import i18n

MEETING = "sammantraden/exempel-run-2023-12-05.yaml"


def test_serve_on_a_port_in_use_names_port(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(
            "serve", "--port", str(port), "--cases", str(tmp_path / "cases"),
            "--output", str(tmp_path / "output"), "--data", str(tmp_path / "data"), lang="sv",
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"kan inte starta på 127.0.0.1:{port}: ett annat program (en annan avtalsgen serve?) "
        "lyssnar redan på den; välj en annan port med --port"
    )


@pytest.mark.parametrize(
    ("option", "said"),
    [
        (
            # TEST-NET-1: no machine's own address. Each of the two --host messages says
            # what is wrong and then, once, what to do (both said "--host <host>" and
            # "ange en av dess adresser med --host" before, the advice written twice).
            ("--host", "192.0.2.1"),
            "kan inte starta på 192.0.2.1:8000: 192.0.2.1 är ingen adress på den här datorn; "
            "ange en av den här datorns adresser med --host: 127.0.0.1 (bara den här datorn) "
            "eller 0.0.0.0 (alla dess adresser)",
        ),
        (
            ("--host", "ingen-sadan-dator.invalid"),
            "kan inte starta på ingen-sadan-dator.invalid:8000: den här datorn känner inte till "
            "någon adress med namnet ingen-sadan-dator.invalid; ange en av den här datorns "
            "adresser med --host: 127.0.0.1 (bara den här datorn) eller 0.0.0.0 (alla dess "
            "adresser)",
        ),
        (
            ("--port", "70000"),
            "kan inte starta på 127.0.0.1:70000: --port 70000 är inget portnummer: välj ett "
            "från 1024 till 65535, till exempel --port 8000",
        ),
    ],
)
def test_serve_where_it_cannot_listen_names_the_option_and_what_to_do(
    tmp_path: Path, option: tuple[str, str], said: str
) -> None:
    result = run_cli(
        "serve", *option, "--cases", str(tmp_path / "cases"), "--output",
        str(tmp_path / "output"), "--data", str(tmp_path / "data"), lang="sv",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == said
    assert "Traceback" not in result.stderr


def _free_ipv6_port() -> int:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
            return int(probe.getsockname()[1])
    except OSError:
        pytest.skip("this machine has no IPv6 loopback address")


def test_serve_writes_an_ipv6_address_in_brackets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What serve prints, as a URL has it: 'http://::1:8000/' was no address a browser
    opens. The web server itself is not started (uvicorn.run replaced)."""
    import uvicorn
    from typer.testing import CliRunner

    from avtalsgen.cli.app import app

    port = _free_ipv6_port()
    ran: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, host, port, **_kw: ran.append((host, port)))
    monkeypatch.setattr(signal, "signal", lambda *_args: None)  # the test process's kept
    result = CliRunner().invoke(
        app,
        ["serve", "--host", "::1", "--port", str(port), "--no-converter",
         "--cases", str(tmp_path / "cases"), "--output", str(tmp_path / "output"),
         "--data", str(tmp_path / "data")],
    )  # fmt: skip
    i18n.set_language(None)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"avtalsgen serve: http://[::1]:{port}/  (cases "), (
        result.stdout
    )
    assert ran == [("::1", port)]


def test_serve_where_an_ipv6_port_is_taken_writes_it_in_brackets(tmp_path: Path) -> None:
    port = _free_ipv6_port()
    with socket.socket(socket.AF_INET6) as taken:
        taken.bind(("::1", port))
        taken.listen()
        result = run_cli(
            "serve", "--host", "::1", "--port", str(port), "--cases", str(tmp_path / "cases"),
            "--output", str(tmp_path / "output"), "--data", str(tmp_path / "data"), lang="sv",
        )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"kan inte starta på [::1]:{port}: ett annat program (en annan avtalsgen serve?) "
        "lyssnar redan på den; välj en annan port med --port"
    )


@pytest.mark.parametrize(
    ("port", "code", "said"),
    [
        (
            80,
            errno.EACCES,
            "kan inte starta på 127.0.0.1:80: --port 80 ligger under 1024, där bara "
            "administratören (root) får lyssna: välj en port från 1024 med --port, till exempel "
            "--port 8000, och låt en webbserver framför den ta emot på port 80",
        ),
        (
            8080,
            errno.EACCES,
            "kan inte starta på 127.0.0.1:8080: systemet låter inte den här användaren lyssna "
            "på --port 8080: välj en annan port med --port, till exempel --port 8000",
        ),
        (
            8080,
            errno.ENOBUFS,
            "kan inte starta på 127.0.0.1:8080: systemet vägrar lyssna där (ENOBUFS): "
            "kontrollera adressen som anges med --host och porten som anges med --port",
        ),
    ],
)
def test_serve_refused_by_the_system_says_it_in_swedish(
    monkeypatch: pytest.MonkeyPatch, port: int, code: int, said: str
) -> None:
    """Errors the tests cannot cause (they may run as root), as the system gives them: not
    its English text ('Permission denied') but what to do, naming --port or --host."""
    from avtalsgen.cli import web as web_cli
    from avtalsgen.errors import AvtalsgenError

    def refuse(self: socket.socket, address: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(socket.socket, "bind", refuse)
    i18n.set_language("sv")
    try:
        with pytest.raises(AvtalsgenError) as raised:
            web_cli._check_port("127.0.0.1", port)
    finally:
        i18n.set_language(None)
    assert raised.value.message == said
    assert os.strerror(code) not in said


def test_a_meeting_file_where_a_case_file_goes_says_what_it_is(cases: Path) -> None:
    meeting = cases / MEETING
    said = (
        f"{meeting}: det här är en sammanträdesfil (den har paragrafer), inte en ärendefil: "
        "ange ärendefilen (*.yaml med dnr); sammanträdesfilerna i sammantraden/ bredvid "
        "ärendena läses med dem, och utdrag, anslag, expediera och publicera tar en "
        "sammanträdesfil"
    )
    result = run_cli("explain", str(meeting), lang="sv")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [said]


def test_sign_with_a_key_file_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "saknas.p12"
    result = run_cli(
        "sign", str(tmp_path / "paket.pdf"), "--field", "region", "--p12", str(missing),
        env={"AVTALSGEN_P12_PASSPHRASE": None}, lang="sv",
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"--p12: ingen PKCS#12-nyckelfil {missing}: ange sökvägen till .p12-filen"
    )
    assert "AVTALSGEN_P12_PASSPHRASE" not in result.stderr


def test_check_counts_a_broken_meeting_file_as_one(cases: Path) -> None:
    meeting = cases / "sammantraden" / "exempel-run-2024-06-18.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "paragrafer: [\n", encoding="utf-8")
    result = run_cli("check", str(cases), lang="sv")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == f"1 sammanträdesfil har fel: {meeting}"


def test_check_points_to_the_case_files_problems_shown_above(cases: Path) -> None:
    case = cases / "exempel-trappsteg.yaml"
    case.write_text(
        case.read_text(encoding="utf-8").replace("\naktor:", "\naktorx:", 1), encoding="utf-8"
    )
    result = run_cli("check", str(cases), lang="sv")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(f"{case}:"))
    pointer = next(i for i, line in enumerate(lines) if "är felaktig" in line)
    assert first < pointer
    assert lines[pointer].endswith(
        f"ärendefilen {case} är felaktig: dess fel står på raderna som börjar med dess namn"
    )
    assert "följer nedan" not in result.stderr


def test_schema_titles_are_swedish_words() -> None:
    result = run_cli("schema", "arende", lang="sv")
    schema = json.loads(result.stdout)
    assert schema["title"] == "Ärende"
    assert schema["properties"]["namnd"]["title"] == "Nämnd"
    assert schema["properties"]["handlaggare"]["title"] == "Handläggare"
    assert schema["properties"]["aktor"]["title"] == "Aktör"
    titles = result.stdout.count('"title": "')
    assert titles > 40
    for ascii_title in ("Namnd", "Handlaggare", "Aktor", "ArendeAvtal", "Omrade"):
        assert f'"title": "{ascii_title}"' not in result.stdout


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "the converter could not start: LibreOffice is missing (no executable soffice or "
               "libreoffice); install it with: apt-get install libreoffice-writer-nogui"),
        ("sv", "konverteraren kunde inte starta: LibreOffice saknas (inget program soffice eller "
               "libreoffice); installera det med: apt-get install libreoffice-writer-nogui"),
    ],
)  # fmt: skip
def test_serve_tells_why_the_converter_cannot_start_in_its_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    """serve --lang en printed the converter's reason in Swedish, the language of the
    environment the converter started in (here the other language's locale). The
    converter starts for real, in a folder of its own, where no LibreOffice is on PATH;
    the web server itself is not started (uvicorn.run replaced)."""
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *_args, **_kw: None)
    monkeypatch.setattr(signal, "signal", lambda *_args: None)  # the test process's kept
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    other = "en_US.UTF-8" if lang == "sv" else "sv_SE.UTF-8"  # never the language asked for
    result = run_cli(
        "serve", "--port", str(port), "--cases", str(tmp_path / "cases"),
        "--output", str(tmp_path / "output"), "--data", str(tmp_path / "data"),
        env={"LC_ALL": None, "LC_MESSAGES": None, "LANG": other, "PATH": str(tmp_path / "no-bin"),
             "AVTALSGEN_CONVERTER_DIR": str(tmp_path / "conv")},
        lang=lang,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [said]
