"""The web app's records read the same whoever acted: the audit log and a run's lines are
kept in each language and shown in the reader's (a record written before, as written), and a
run's page and the Körning page show a case's warnings as the CLI prints them."""

from __future__ import annotations

import json
import re
import sqlite3
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from typer.testing import CliRunner
from webtools import blank_packet, client_for, csrf_of, speaking, workspace

from avtalsgen import i18n
from avtalsgen.cli.app import app as cli
from avtalsgen.web import audit, db
from avtalsgen.web.config import WebConfig


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> WebConfig:
    return workspace(tmp_path_factory.mktemp("records"))


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split()).replace(" :", ":")


def _log(config: WebConfig, language: str = "sv") -> str:
    with client_for(config, "admin") as client, speaking(client, language):
        return _text(client.get("/logg").text)


def test_the_audit_log_reads_the_same_whoever_acted(config: WebConfig) -> None:
    """An administrator using the English pages stops a user: the log says so in Swedish to
    a Swedish reader (and on the command line) and in English to an English one; what the
    database records is Swedish, the office's language."""
    with client_for(config) as client, speaking(client, "en"):
        token = csrf_of(client.get("/login").text)
        client.post("/login", data={"namn": "admin", "losenord": "ett-långt-lösenord-1",
                                    "_csrf_token": token})  # fmt: skip
        page = client.get("/anvandare").text
        done = client.post("/anvandare", data={
            "namn": "lasare", "atgard": "stoppa", "_csrf_token": csrf_of(page)}).text  # fmt: skip
        assert "lasare: stopped" in _text(done)  # the acting user's page: English
    swedish = _log(config)
    assert "lasare: stoppad" in swedish and "lasare: stopped" not in swedish
    assert "från testclient" in swedish and "from testclient" not in swedish
    english = _log(config, "en")
    assert "lasare: stopped" in english and "lasare: stoppad" not in english
    printed = CliRunner().invoke(cli, ["--lang", "sv", "audit", "--data", str(config.data)])
    assert "lasare: stoppad" in printed.output, printed.output
    printed = CliRunner().invoke(cli, ["--lang", "en", "audit", "--data", str(config.data)])
    assert "lasare: stopped" in printed.output, printed.output
    with sqlite3.connect(config.database) as conn:
        recorded = conn.execute(
            "SELECT detail, texts FROM audit WHERE action = 'user' ORDER BY id DESC"
        ).fetchone()
    assert recorded[0] == "lasare: stoppad"
    assert json.loads(recorded[1]) == {"sv": "lasare: stoppad", "en": "lasare: stopped"}


def test_the_command_line_records_its_user_changes_in_each_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AVTALSGEN_PASSWORD", "ett-långt-lösenord-9")
    data = tmp_path / "data"
    added = CliRunner().invoke(cli, ["--lang", "en", "users", "add", "eva", "--role",
                                     "sekreterare", "--data", str(data)])  # fmt: skip
    assert added.exit_code == 0, added.output
    entry = audit.entries(data / "avtalsgen-web.sqlite3")[0]
    assert entry.detail == "eva: roller sekreterare (kommandoraden)"
    assert entry.texts["en"] == "eva: roles secretary (command line)"


def test_a_log_written_before_keeps_its_rows_and_shows_them_as_written(tmp_path: Path) -> None:
    """A database made before the log kept each language: opened, it gets the new column;
    its rows are shown as they were written."""
    database = tmp_path / "avtalsgen-web.sqlite3"
    old_schema = re.sub(r",\s*texts TEXT NOT NULL DEFAULT '\{\}'", "", db.SCHEMA)
    assert "texts" not in old_schema
    with sqlite3.connect(database) as conn:
        conn.executescript(old_schema)
        conn.execute(
            "INSERT INTO audit (time, user, action, dnr, detail, hashes) VALUES "
            "('2026-12-01T10:00:00+00:00', 'anna', 'sign', 'RUN-00386-2023', "
            "'fält region, B-B', '{}')"
        )
    conn.close()
    db.initialise(database)
    db.initialise(database)  # again: nothing to add
    audit.record(database, "eva", "logout")
    old, new = audit.entries(database)[::-1]
    assert (old.detail, old.texts, old.shown) == ("fält region, B-B", {}, "fält region, B-B")
    with i18n.speaking("en"):
        assert old.shown == "fält region, B-B"  # no other language was kept
    assert new.action == "logout" and new.detail == ""
    with (
        pytest.raises(sqlite3.DatabaseError, match="append-only"),
        sqlite3.connect(database) as conn,
    ):
        conn.execute("UPDATE audit SET detail = 'x'")


def _expedite_events(monkeypatch: pytest.MonkeyPatch, output: Path) -> list[dict[str, Any]]:
    """The events of an expediering run (its e-mails as the CLI's expedite reports them),
    composed in the worker."""
    from avtalsgen.meetings import expediering
    from avtalsgen.meetings.expediering import Expediering, Message
    from avtalsgen.web import secretary

    to = Message("Arktiska Testbäddar AB", "info@example.se",
                 output / "sammantraden" / "x" / "212.eml")  # fmt: skip
    item = Expediering(paragraf=212, dnr="RUN-90001-2023", extract=output / "x.pdf", version=1,
                       folder=output / "sammantraden" / "x", messages=(to,),
                       utan_adress=("Luleå kommun",), written=True,
                       program_file=output / "program.yaml")  # fmt: skip
    monkeypatch.setattr(expediering, "expedite", lambda *args, **kwargs: [item])
    request = {"kind": "expediera", "meeting": str(output / "m.yaml"), "output": str(output),
               "templates": "templates"}  # fmt: skip
    return list(secretary.run(request, lambda message: None))


def test_a_runs_lines_are_in_the_readers_language_whoever_started_it(
    config: WebConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An English user's expediering: a Swedish reader of its page and of the log reads
    Swedish, an English reader English; a status is put in words for each reader."""
    from avtalsgen.web.jobs import Job
    from avtalsgen.web.serverpaths import shown_event

    with i18n.speaking("en"):  # the worker's language does not decide the record's
        events = _expedite_events(monkeypatch, config.output)
    with client_for(config, "sekr") as client:
        runner = client.app.state.runner
        job = Job(992, "expediera", "sekr", ["x"], args={"output": str(config.output)})
        runner.jobs[job.id] = job
        for event in events:
            runner._event(job, shown_event(event, [config.cases, config.output]))
        runner._event(job, {"type": "case", "dnr": "RUN-00386-2023", "case": "x.yaml",
                            "status": "built", "seconds": 1.0})  # fmt: skip
        runner._event(
            job,
            {
                "type": "extract",
                "paragraf": 195,
                "dnr": "RUN-90003-2024",
                "status": "ny",
                "version": 1,
                "note": "",
                "files": ["protokollsutdrag-195.docx", "protokollsutdrag-195.pdf"],
            },
        )
        skipped = "§ 196 RUN-90005-2024: hoppades över: omfattas av sekretess"
        runner._event(job, {"type": "extract", "paragraf": 196, "dnr": "RUN-90005-2024",
                            "status": "sekretess", "version": 0, "note": skipped,
                            "files": []})  # fmt: skip
        job.state = "done"
        runner._finish(job)
        html = client.get("/korning/992").text
        swedish = _text(html)
        with speaking(client, "en"):
            english = _text(client.get("/korning/992").text)
        followed = client.get("/korning/992/handelser").text
    # "e-postmeddelande ... skrivet" (a neuter noun for the participle that follows).
    to = "Arktiska Testbäddar AB <info@example.se>"
    written = f"§ 212 RUN-90001-2023: e-postmeddelande till {to} skrivet"
    assert written in swedish, swedish
    assert (
        "inget e-postmeddelande till Luleå kommun: programfilen anger ingen e-postadress" in swedish
    )
    assert "e-mail to" not in swedish and "no e-mail address" not in swedish
    assert "RUN-00386-2023: skapat" in swedish and "klar" in swedish
    # An extract's line: what was written, its version, and its files to open.
    assert "§ 195 RUN-90003-2024: ny, version 1 – protokollsutdrag-195.docx" in swedish
    assert '<a href="/utdata/RUN-90003-2024/protokollsutdrag-195.pdf">' in html
    # A paragraph left out, named once.
    assert "§ 196 RUN-90005-2024: sekretess – hoppades över: omfattas av sekretess" in swedish
    assert "§ 195 RUN-90003-2024: new, version 1 – protokollsutdrag-195.docx" in english
    assert "§ 212 RUN-90001-2023: e-mail to Arktiska Testbäddar AB" in english
    assert "RUN-00386-2023: built" in english
    assert "e-postmeddelande till" not in english
    assert (
        "e-postmeddelande till Arktiska Testbäddar AB"
        in json.loads(re.findall(r"^data: (.*)$", followed, re.MULTILINE)[0])["text"]
    )
    log = _log(config)
    assert written in log and "e-mail to" not in log
    assert "§ 195: ny, version 1" in log
    assert "e-mail to Arktiska Testbäddar AB" in _log(config, "en")


def test_the_run_and_korning_pages_show_a_cases_warnings(config: WebConfig) -> None:
    """A built case's warnings (a signed packet without the marking its new version
    carries) are shown under its line, "varning: …" as the CLI prints them, on its run's
    page, in the events the page follows, and in the Körning page's batch report."""
    from avtalsgen.web.jobs import Job
    from avtalsgen.web.serverpaths import shown_event

    folder = config.output.resolve() / "RUN-00386-2023"
    warning = (
        f"{folder}/paket.pdf är undertecknat och bär inte markeringen ”Sekretess enligt 31 kap. "
        f"16 § OSL”: paragrafen belades med sekretess efter att paketet byggdes. Ett "
        f"undertecknat paket ändras aldrig; {folder}/paket-v2.pdf bär markeringen och är inte "
        "undertecknat än"
    )
    case = {"case": str(config.cases / "RUN-00386-2023.yaml"), "dnr": "RUN-00386-2023",
            "status": "built", "seconds": 9.1, "outputs": [], "removed": [], "error": None,
            "note": None, "warnings": [warning]}  # fmt: skip
    report = {
        "language": "sv",
        "jobs": 1,
        "cases": [case],
        "summary": {"built": 1, "up to date": 0, "nothing to make": 0, "failed": 0},
    }
    (config.output / "batch-report.json").write_text(json.dumps(report), encoding="utf-8")
    with client_for(config, "handl") as client:
        runner = client.app.state.runner
        job = Job(993, "build", "handl", ["RUN-00386-2023"], args={"output": str(config.output)})
        runner.jobs[job.id] = job
        runner._event(job, shown_event({"type": "case", **case}, [config.cases, config.output]))
        runner._finish(job)
        run = client.get("/korning/993").text
        korning = _text(client.get("/korning").text)
        followed = client.get("/korning/993/handelser").text
    shown = "varning: RUN-00386-2023/paket.pdf är undertecknat och bär inte markeringen"
    assert shown in _text(run), _text(run)
    # Its time as Swedish writes it ("9.1" would read as nine thousand and more).
    assert "RUN-00386-2023: skapat (9,1 s)" in _text(run)
    assert "RUN-00386-2023 skapat 9,1 varning:" in korning
    assert re.search(r'<ul class="warnings"><li>varning: RUN-00386-2023/paket\.pdf', run)
    assert "RUN-00386-2023/paket-v2.pdf bär markeringen och är inte undertecknat än" in _text(run)
    assert shown in korning, korning
    event = json.loads(re.findall(r"^data: (.*)$", followed, re.MULTILINE)[0])
    assert event["warnings"][0].startswith("RUN-00386-2023/paket.pdf är undertecknat")
    assert event["warning_label"] == "varning: " and event["seconds_text"] == "9,1"
    assert str(config.output.resolve()) not in run + followed
    # The log records the build with its warning, as the run's page shows it.
    log = _log(config)
    assert "skapat; varning: RUN-00386-2023 /paket.pdf är undertecknat och bär inte" in log, log


def test_a_verdict_names_the_signature_fields_as_the_pages_do() -> None:
    """The CLI's verdict names a field as its option takes it ('aktor'); the pages name it
    as a word everywhere else (aktör), and so in the verdict too."""
    from avtalsgen.signing.verify import Verdict
    from avtalsgen.web.app import _verdict_line

    signed = SimpleNamespace(field="region", signer="Anna", trusted=True, problems=[])
    report = SimpleNamespace(verdict=Verdict.INCOMPLETE, unsigned_fields=["aktor"], standing=None,
                             signatures=[signed])  # fmt: skip
    with i18n.speaking("sv"):
        line = _verdict_line(report)
    assert line == (
        "inte fullständigt ännu: det som är underskrivet håller; kvar att skriva under: aktör"
    )
    untrusted = SimpleNamespace(field="aktor", signer="Anna", trusted=False, problems=[])
    report = SimpleNamespace(verdict=Verdict.NOT_TRUSTED, unsigned_fields=[], standing=None,
                             signatures=[untrusted])  # fmt: skip
    with i18n.speaking("en"):
        assert "Anna (aktör)" in _verdict_line(report)


def test_a_case_page_names_an_unsigned_field_as_the_pages_do(tmp_path: Path) -> None:
    """The case's page names a signature field still to sign as a word (aktör) in either
    language, passed to the message as its field; the CLI's status names it as --field takes
    it (aktor). (The page replaced 'aktor' in the finished sentence before.)"""

    from avtalsgen.build.status import case_status
    from avtalsgen.web.status import case_standing

    config = workspace(tmp_path)
    blank_packet(config, "RUN-00386-2023")  # granted 2023-12-05 § 211
    case = config.cases / "RUN-00386-2023.yaml"
    expected = {
        "sv": "RUN-00386-2023/paket.pdf: underskriftsfältet aktör är inte undertecknat ännu",
        "en": "RUN-00386-2023/paket.pdf: the signature field aktör is not signed yet",
    }
    for language, line in expected.items():
        with i18n.speaking(language):
            saknas = case_standing(config, case)["saknas"]
            [cli_status] = case_status([case], config.output, config.templates)
        assert isinstance(saknas, list) and line in [item["text"] for item in saknas], saknas
        assert line.replace("aktör", "aktor") in cli_status.saknas


def test_a_run_of_an_earlier_server_is_shown_from_the_record(config: WebConfig) -> None:
    """The Körning page lists the runs the database recorded; each links to its page, which
    a restarted server shows from the record: its lines, kind and way back to its meeting.
    A run the earlier server left unfinished is failed, saying why."""
    from avtalsgen.web.jobs import Job

    with db.connect(config.database) as conn:
        ids = [
            int(conn.execute(
                "INSERT INTO jobs (user, started, state, cases, kind, meeting) VALUES "
                "('sekr', '2026-12-06T10:00:00+00:00', 'queued', '[\"m\"]', ?, ?)",
                (kind, "exempel-run-2024-12-10"),
            ).lastrowid or 0)
            for kind in ("anslag", "utdrag")
        ]  # fmt: skip
        old = int(conn.execute(
            "INSERT INTO jobs (user, started, ended, state, cases, report) VALUES ('handl', "
            "'2026-11-01T10:00:00+00:00', '2026-11-01T10:01:00+00:00', 'done', '[\"x\"]', '[]')"
        ).lastrowid or 0)  # fmt: skip
    done, unfinished = ids
    with client_for(config, "sekr") as client:
        runner = client.app.state.runner
        job = Job(
            done,
            "anslag",
            "sekr",
            ["m"],
            args={
                "output": str(config.output),
                "meeting": str(config.cases / "sammantraden" / "exempel-run-2024-12-10.yaml"),
            },
        )
        runner.jobs[job.id] = job
        runner._event(
            job,
            {
                "type": "step",
                "dnr": None,
                "files": ["a/anslag.pdf"],
                "text": "Anslag §§ 195–196: skrev version 1",
                "texts": {
                    "sv": "Anslag §§ 195–196: skrev version 1",
                    "en": "Anslag §§ 195–196: wrote version 1",
                },
            },
        )
        # A line recorded by an earlier version with the server's folder in it.
        line = f"{config.output.resolve()}/a/anslag.html skriven"
        runner._event(job, {"type": "step", "dnr": None, "files": [], "text": line})
        job.state = "done"
        runner._finish(job)
    with client_for(config, "sekr") as client:  # the server started again
        page = client.get(f"/korning/{done}")
        with speaking(client, "en"):
            english = _text(client.get(f"/korning/{done}").text)
        followed = client.get(f"/korning/{done}/handelser").text
        failed = _text(client.get(f"/korning/{unfinished}").text)
        before = _text(client.get(f"/korning/{old}").text)
        listing = client.get("/korning").text
        with speaking(client, "en"):
            listed_en = client.get("/korning").text
    assert page.status_code == 200, page.text
    shown = _text(page.text)
    assert f"Körning {done} (anslag)" in shown and "Status: klar" in shown
    assert "Anslag §§ 195–196: skrev version 1 anslag.pdf" in shown
    assert "a/anslag.html skriven" in shown and str(config.output.resolve()) not in page.text
    back = 'href="/sammantraden/exempel-run-2024-12-10#efter-rubrik">Tillbaka till sammanträdet'
    assert back in page.text
    assert "Anslag §§ 195–196: wrote version 1" in english
    assert "event: end" in followed  # the page that follows it is told it has ended
    assert f"Körning {unfinished} (protokollsutdrag)" in failed
    assert "Status: misslyckades: servern stoppades innan körningen var klar" in failed
    assert f"Körning {old} Status: klar" in before  # a run recorded before its kind was
    # The list says what each run was, and a secretary's step names its meeting: in the
    # words of each run's link, which a screen reader's list of links gives on their own.
    links = {
        number: unescape(re.sub(r"<[^>]+>", "", words))
        for number, words in re.findall(r'<a href="/korning/(\d+)">(.*?)</a>', listing)
    }
    assert links[str(unfinished)] == (
        f"Körning {unfinished}, protokollsutdrag: sammanträdet exempel-run-2024-12-10, "
        "startad 2026-12-06 11:00:00 +01:00 (svensk tid)"
    ), links
    assert links[str(done)] == (
        f"Körning {done}, anslag: sammanträdet exempel-run-2024-12-10, startad 2026-12-06 11:00:00 "
        "+01:00 (svensk tid)"
    )
    assert links[str(old)] == f"Körning {old}: x, startad 2026-11-01 11:00:00 +01:00 (svensk tid)"
    # Then who started it and how it went.
    assert re.search(rf'<a href="/korning/{unfinished}">.*?</a></td><td>sekr</td>'
                     r"<td>misslyckades</td>", listing)  # fmt: skip
    assert re.search(rf'<a href="/korning/{old}">.*?</a></td><td>handl</td><td>klar</td>', listing)
    english_links = {
        number: unescape(re.sub(r"<[^>]+>", "", words))
        for number, words in re.findall(r'<a href="/korning/(\d+)">(.*?)</a>', listed_en)
    }
    assert english_links[str(unfinished)] == (
        f"Run {unfinished}, protokollsutdrag: the meeting exempel-run-2024-12-10, started "
        "2026-12-06 11:00:00 +01:00 (Swedish time)"
    )
