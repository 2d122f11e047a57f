"""No page offers to sign a packet before its decision's minutes are justerade: the case's
page and the sign page say it waits for the justering (and until when), with no link to
sign and no link to build (a build makes nothing new before then); once it is justerad the
link to sign is there, the same files read again on another day."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest
from webtools import COMPLETE_CASE, COMPLETE_DNR, client_for, complete_workspace

from avtalsgen import clock

SIGN = f'href="/paket/{COMPLETE_DNR}/signera?falt=region"'


def _main(html: str) -> str:
    found = re.search(r"(?s)<main[^>]*>(.*)</main>", html)
    assert found, html
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


@pytest.mark.libreoffice
def test_no_signing_offered_before_the_justering(
    tmp_path: Path, complete_built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = complete_workspace(tmp_path, complete_built)
    # The day after the meeting of 2023-12-05; § 212's minutes are justerade 2023-12-12.
    monkeypatch.setattr(clock, "today", lambda: dt.date(2023, 12, 6))
    with client_for(config, "alla") as client:
        case = client.get(f"/arenden/{COMPLETE_CASE}").text
        sign = client.get(f"/paket/{COMPLETE_DNR}/signera?falt=region").text
        packets = client.get("/paket").text
    assert SIGN not in case and SIGN not in packets
    assert "Kan inte signeras än. Varför, och vad som ska göras först" in _main(packets)
    assert f'<a href="/arenden/{COMPLETE_CASE}#hinder-rubrik">Varför' in packets
    waits = "Kan inte signeras än: protokollet justeras 2023-12-12"
    assert waits in _main(case) and waits in _main(sign)
    assert "underskriftsfältet region är inte undertecknat ännu; det kan inte signeras än" in (
        _main(case)
    )
    # Nothing to build meanwhile, and no button to sign.
    standing = case[case.index('id="hinder-rubrik"') :]
    assert "Bygg ärendet" not in standing[: standing.index("</section>")]
    assert "Bygg ärendet" not in _main(sign) and "<button" not in sign.split("<main")[1]
    # Once it is justerad (today: the meetings since are held, so the packet is not out of
    # date either) it is offered, though no file changed: the page is not kept from before.
    monkeypatch.undo()
    with client_for(config, "alla") as client:
        assert SIGN in client.get(f"/arenden/{COMPLETE_CASE}").text
        assert SIGN in client.get("/paket").text
