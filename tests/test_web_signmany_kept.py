"""The page for signing many packets keeps each packet's screening (web/signmany.py) while
nothing the screening reads has changed: the page asked again screens no packet again; the
packet written again (its time of change, size), its case file changed, or the other field
asked for, is screened again, and so is every packet when a meeting file or a template is
touched or the day moves on, and the page says what the screening says now. Request tests
with packets made without LibreOffice (webtools.blank_packet)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import shutil
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from webtools import blank_packet, client_for, workspace

from avtalsgen import clock
from avtalsgen.signing import batch
from avtalsgen.web.config import WebConfig

#: The shipped cases given a packet, and their case files.
CASES = {"RUN-90001-2023": "exempel-arktiska-testbaddar", "RUN-00386-2023": "RUN-00386-2023"}


@pytest.fixture
def config(tmp_path: Path) -> WebConfig:
    shutil.copytree(REPO / "templates", tmp_path / "templates")  # touched by a test
    config = dataclasses.replace(workspace(tmp_path / "ws"), templates=tmp_path / "templates")
    for dnr in CASES:
        blank_packet(config, dnr)
    return config


@pytest.fixture
def screens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The packets screened (their case folder's name), in order, as the page asks."""
    done: list[str] = []
    real = batch.screen

    def counted(target: batch.Target, *args: Any, **kwargs: Any) -> batch.Screened:
        done.append(target.path.parent.name)
        return real(target, *args, **kwargs)

    monkeypatch.setattr(batch, "screen", counted)
    return done


def _packet_showing(packet: Path, line: str) -> None:
    """A one-page packet at ``packet`` whose text is ``line`` (its signature fields in the
    manifest as :func:`webtools.blank_packet` wrote them)."""
    import pikepdf

    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        font = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
        ))  # fmt: skip
        page = pdf.pages[0]
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 12 Tf 72 700 Td ({line}) Tj ET".encode())
        pdf.save(packet)


def _screening(html: str) -> dict[str, str]:
    found = re.findall(r'<td id="granskning-(RUN-\d{5}-\d{4})">(.*?)</td>', html, re.S)
    # A Dnr's span is kept on one line, no word's end.
    cells = {dnr: re.sub(r"</?span[^>]*>", "", cell) for dnr, cell in found}
    return {dnr: " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for dnr, cell in cells.items()}  # fmt: skip


def test_the_page_asked_again_screens_no_packet_again(
    config: WebConfig, screens: list[str]
) -> None:
    with client_for(config, "signer") as client:
        first = _screening(client.get("/paket/signera?falt=region").text)
        assert sorted(screens) == sorted(CASES), screens
        screens.clear()
        again = _screening(client.get("/paket/signera?falt=region").text)
    assert screens == []
    assert again == first and sorted(first) == sorted(CASES)


def test_a_packet_written_again_or_its_case_changed_is_screened_again(
    config: WebConfig, screens: list[str]
) -> None:
    packet = config.output / "RUN-90001-2023" / "paket.pdf"
    with client_for(config, "signer") as client:
        before = _screening(client.get("/paket/signera?falt=region").text)
        screens.clear()
        # The same bytes, a later time of change: the key is the file as it is now.
        info = packet.stat()
        os.utime(packet, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
        client.get("/paket/signera?falt=region")
        assert screens == ["RUN-90001-2023"]
        screens.clear()
        # Built again showing an unknown fact, at the same time of change: a new size.
        info = packet.stat()
        _packet_showing(packet, "Avtalets datum: [uppgift saknas]")
        os.utime(packet, ns=(info.st_atime_ns, info.st_mtime_ns))
        now = _screening(client.get("/paket/signera?falt=region").text)
        assert screens == ["RUN-90001-2023"]
        assert now["RUN-90001-2023"].startswith(
            "Hoppas över: RUN-90001-2023/paket.pdf: det visar fortfarande 1 okänd uppgift"
        ), now
        assert before["RUN-90001-2023"].startswith("Att signera"), before
        screens.clear()
        case = config.cases / f"{CASES['RUN-00386-2023']}.yaml"
        case.write_text(case.read_text(encoding="utf-8") + "# ändrad\n", encoding="utf-8")
        client.get("/paket/signera?falt=region")
        assert screens == ["RUN-00386-2023"]
        screens.clear()
        other = _screening(client.get("/paket/signera?falt=aktor").text)
        assert sorted(screens) == sorted(CASES)
    # What the screening says of the packet now, not a kept sentence of another field.
    assert other.keys() == before.keys()
    assert other["RUN-00386-2023"] == (
        "Att signera: aktör är inte undertecknat än, och inget hindrar att det undertecknas."
    ), other


def _touch(path: Path) -> None:
    """The same bytes, a time of change one second later."""
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def test_a_meeting_file_a_template_or_the_day_screens_every_packet_again(
    config: WebConfig, screens: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A meeting file decides a case (justering, a later decision), a template whether a
    build would make the documents the same, the day whether a meeting is held: each
    changed, every packet's screening may be another."""
    day = clock.today()
    monkeypatch.setattr(clock, "today", lambda: day)
    changes: dict[str, Callable[[], object]] = {
        "a meeting file touched": lambda: _touch(config.meetings / "exempel-run-2023-12-05.yaml"),
        "a template touched": lambda: _touch(config.templates / "beslutsforslag.docx"),
        "the day after": lambda: monkeypatch.setattr(
            clock, "today", lambda: day + dt.timedelta(days=1)
        ),
    }
    with client_for(config, "signer") as client:
        client.get("/paket/signera?falt=region")
        assert sorted(screens) == sorted(CASES)
        for change, make in changes.items():
            screens.clear()
            client.get("/paket/signera?falt=region")
            assert screens == [], change
            make()
            client.get("/paket/signera?falt=region")
            assert sorted(screens) == sorted(CASES), change
