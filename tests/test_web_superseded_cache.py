"""The pages keep whether a packet is superseded by the stamps of the files it is read from
(web/packetstate.py), and say it the moment one of them changes: a meeting file added that
rejects the case makes its unsigned packet superseded on the Paket page, the sign page and
the case's page at once, with no signing offered; the file removed again, it is not.

The Paket page's row and the sign page read it through ``superseded_text``, the case's
page through its standing; each is asked once before the change, so that a kept answer
would be shown after it if the keys missed the meeting file."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warm_converter import converter_in
from webtools import client_for, workspace

from avtalsgen.cli.app import app
from avtalsgen.web import packetstate
from avtalsgen.web.config import WebConfig
from avtalsgen.web.stamps import Seen

pytestmark = pytest.mark.libreoffice

DNR = "RUN-00386-2023"
SHIPPED = "exempel-run-2023-12-05.yaml"
#: A later meeting that rejects the seed (added after its packet was built).
REJECTING = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: 2024-01-16
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare:
  - Johan Exempelsson
justeringsdatum: 2024-01-16
anslagsdatum: 2024-01-17
arenden: ..

paragrafer:
  - paragraf: 5
    dnr: RUN-00386-2023
    utfall: avslag
    motivering: Nämnden prioriterar andra insatser.
"""


def _undecided(config: WebConfig) -> None:
    """The shipped meeting without its § 211, which grants the seed: undecided."""
    meeting = config.meetings / SHIPPED
    text = meeting.read_text(encoding="utf-8")
    start, end = text.index("  - paragraf: 211\n"), text.index("  - paragraf: 212\n")
    meeting.write_text(text[:start] + text[end:], encoding="utf-8")


def _build(config: WebConfig, converter: Path) -> None:
    with converter_in(converter):
        result = CliRunner().invoke(app, [
            "--lang", "en", "build", str(config.cases / f"{DNR}.yaml"),
            "--output", str(config.output), "--templates", str(config.templates),
        ])  # fmt: skip
    assert result.exit_code == 0, result.output


def _words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _row(html: str) -> str:
    """The seed's row of the Paket page."""
    row = re.search(rf'(?s)<tr>\s*<td class="dnr">{DNR}</td>(.*?)</tr>', html)
    assert row, html
    return row.group(1)


def test_a_meeting_file_that_rejects_the_case_supersedes_its_packet_at_once(
    tmp_path: Path, session_converter: Path
) -> None:
    config = workspace(tmp_path)
    _undecided(config)
    _build(config, session_converter)  # its packet has the fields region and aktor
    asked: list[str] = []
    original = packetstate.packet_superseded_of

    def counted(packet: Path, seen: Seen | None = None) -> str | None:
        asked.append(packet.name)
        return original(packet, seen)

    with client_for(config, "alla") as client, pytest.MonkeyPatch.context() as patch:
        patch.setattr(packetstate, "packet_superseded_of", counted)

        def pages() -> tuple[str, str, str]:
            return (
                _row(client.get("/paket").text),
                _words(client.get(f"/arenden/{DNR}").text),
                client.get(f"/paket/{DNR}/signera?falt=region").text,
            )

        row, case, sign = pages()
        assert "är ersatt" not in _words(row) and "är ersatt" not in case
        # Undecided: its facts are unknown, so it is not offered either, for that reason.
        assert "Kan inte signeras än: paketet visar fortfarande [uppgift saknas]" in _words(row)
        # Read once for both pages, and kept while nothing changes.
        assert pages()[0] == row and asked == ["paket.pdf"]
        (config.meetings / "exempel-run-2024-01-16.yaml").write_text(REJECTING, encoding="utf-8")

        row, case, sign = pages()
        said = (
            "paket.pdf är ersatt: det är gjort innan nämnden hade beslutat, och beslutet är nu "
            "§ 5 vid sammanträdet 2024-01-16 (avslag)"
        )
        assert f"Ska inte undertecknas: {said}" in _words(row), _words(row)
        assert "/signera" not in row
        assert said in case, case
        assert f"/paket/{DNR}/signera" not in case
        assert said in _words(sign) and '<button type="submit">' not in sign

        (config.meetings / "exempel-run-2024-01-16.yaml").unlink()
        row, case, sign = pages()
        assert "är ersatt" not in _words(row) and "är ersatt" not in case
        assert "Kan inte signeras än: paketet visar fortfarande [uppgift saknas]" in _words(row)
