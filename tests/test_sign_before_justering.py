"""A packet is not signed before the decision it rests on is justerad (found by a new user:
a meeting held, its justeringsdatum still to come; the extract and the anslag were refused,
but the build made the agreement and sign signed the packet, which lacks the decision's
extract). sign and the web app's signing, through refuse_unsignable, say when the minutes
are justerade, in Swedish, exit 1, nothing signed; from that day the packet is signable."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import REPO
from typer.testing import CliRunner

from avtalsgen import clock
from avtalsgen.build.superseded import refuse_unsignable
from avtalsgen.cli.app import app
from avtalsgen.errors import AvtalsgenError

#: Granted by § 212 of the example meeting of 2023-12-05, justerad with the minutes on
#: 2023-12-12.
DNR = "RUN-90001-2023"
runner = CliRunner()


def packet_on(monkeypatch: pytest.MonkeyPatch, cases: Path, built: Path, day: str) -> Path:
    """The case's packet as built (the session's build), its build record naming the case
    file in ``cases`` (a build that finds it unchanged), on ``day``."""
    output = cases.parent / "output"
    shutil.copytree(built / DNR, output / DNR)
    case = str(cases / "exempel-arktiska-testbaddar.yaml")
    made = runner.invoke(
        app, ["build", case, "--output", str(output), "--templates", str(REPO / "templates")]
    )
    assert made.exit_code == 0, made.output
    assert (output / DNR / "paket.pdf").read_bytes() == (built / DNR / "paket.pdf").read_bytes()
    monkeypatch.setattr(clock, "today", lambda: dt.date.fromisoformat(day))
    return output / DNR / "paket.pdf"


def test_sign_refuses_a_packet_before_the_justering(
    monkeypatch: pytest.MonkeyPatch, cases: Path, built: Path
) -> None:
    packet = packet_on(monkeypatch, cases, built, "2023-12-08")
    before = {path.name: path.read_bytes() for path in packet.parent.iterdir()}
    signed = runner.invoke(
        app, ["--lang", "sv", "sign", str(packet), "--field", "region", "--ofullstandig"]
    )
    assert signed.exit_code == 1
    assert signed.stdout == ""
    assert " ".join(signed.stderr.split()) == (
        f"{packet}: Kan inte signeras än: protokollet justeras 2023-12-12 (§ 212 vid "
        "sammanträdet 2023-12-05); paketet signeras efter justeringen, med beslutets "
        "protokollsutdrag i sig (bygg då igen). Inget har signerats."
    )
    assert "Traceback" not in signed.output
    assert {path.name: path.read_bytes() for path in packet.parent.iterdir()} == before


def test_the_web_s_check_says_it_too(
    monkeypatch: pytest.MonkeyPatch, cases: Path, built: Path, english: None
) -> None:
    packet = packet_on(monkeypatch, cases, built, "2023-12-11")
    with pytest.raises(AvtalsgenError) as caught:
        refuse_unsignable(packet)  # as web/signing.sign_at_level calls it
    assert caught.value.message == (
        "paket.pdf: Cannot be signed yet: the minutes are justerade on 2023-12-12 (§ 212 of "
        "the meeting of 2023-12-05); the packet is signed after the justering, with the "
        "decision's protocol extract in it (build again then). Nothing was signed."
    )


def test_on_the_day_of_the_justering_it_is_not_refused_for_it(
    monkeypatch: pytest.MonkeyPatch, cases: Path, built: Path, english: None
) -> None:
    packet = packet_on(monkeypatch, cases, built, "2023-12-12")
    try:
        refuse_unsignable(packet)
    except AvtalsgenError as exc:  # another reason may stand (the extract not made yet)
        assert "Cannot be signed yet" not in exc.message
