"""``status --json`` gives where each case stands as a code (``kod``) beside its words
(``lage``): the code the web app's case list filters by, which the JSON left out. Each code
the shipped examples give, and the variants of them that give the others (a case not
decided yet, built or not; referred back; postponed; a case file that cannot be read). The
codes of signed packets are tested where they are signed: undertecknat and ersatt in
test_status_kept, tillaggsavtal there and in test_tillagg."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import REPO, run_cli
from webtools import copy_built

from avtalsgen.web.statuskinds import KINDS

#: The codes of signed packets, tested where the packets are signed.
SIGNED = {"undertecknat", "ersatt", "tillaggsavtal"}

POSTPONED = """\
exempel: true
namnd: Regionala utvecklingsnämnden
datum: 2024-12-10
plats: Regionhuset, Luleå
ordforande: Maria Exempelsdotter
sekreterare: Lena Exempelsson
justerare:
  - Johan Exempelsson
justeringsdatum: 2024-12-17
anslagsdatum: 2024-12-18
arenden: ..

paragrafer:
  - paragraf: 190
    dnr: RUN-90013-2024
    utfall: bordlaggning
"""


def _status(cases: Path, output: Path) -> tuple[int, dict[str, tuple[str, str]]]:
    """The exit status of ``status --json`` of the folder ``cases``, and each case's code
    and words by its Dnr (by its file where it has none)."""
    found = run_cli("status", str(cases), "--output", str(output), "--json", lang="sv")
    items = json.loads(found.stdout)
    return found.returncode, {
        item["dnr"] or Path(item["arende"]).name: (item["kod"], item["lage"]) for item in items
    }


def test_the_shipped_examples_give_their_codes(cases: Path, tmp_path: Path) -> None:
    code, found = _status(cases, tmp_path / "output")
    assert code == 0
    assert found == {
        "RUN-00386-2023": ("beslutat", "beslutat: bifall"),
        "RUN-90001-2023": ("beslutat", "beslutat: bifall; tilläggsavtal nr 1 beslutat"),
        "RUN-90005-2024": ("beslutat", "beslutat: bifall"),
        "RUN-90002-2024": ("beslutat", "beslutat: bifall med ändring"),
        "RUN-90003-2024": ("avslag", "beslutat: avslag"),
        "RUN-90003-2025": ("beslutat", "beslutat: bifall"),
        "RUN-90004-2024": ("beslutat", "beslutat: bifall"),
    }


def test_every_code_before_a_signature(cases: Path, built: Path, tmp_path: Path) -> None:
    """Undecided (the meeting of 2023-12-05 and the extension that follows it gone): the
    seed built is a proposal built, Arktiska testbäddar not built a draft; Inlandets
    innovationsnod referred back (its later bifall gone); a new case postponed; a case
    file that cannot be read."""
    output = tmp_path / "output"
    meetings = cases / "sammantraden"
    for name in ("exempel-run-2023-12-05", "exempel-run-2026-06-16", "exempel-run-2025-02-11"):
        (meetings / f"{name}.yaml").unlink()
    output.mkdir()
    copy_built(built, "RUN-00386-2023", output)
    text = (REPO / "cases" / "exempel-kreativa-norrbotten.yaml").read_text(encoding="utf-8")
    (cases / "bordlagd.yaml").write_text(text.replace("RUN-90002-2024", "RUN-90013-2024"), "utf-8")
    (meetings / "bordlagd-2024-12-10.yaml").write_text(POSTPONED, encoding="utf-8")
    (cases / "trasig.yaml").write_text("dnr: [RUN-\n", encoding="utf-8")
    code, found = _status(cases, output)
    assert code == 1  # the case file that cannot be read
    assert found == {
        "RUN-00386-2023": ("forslag", "förslag byggt"),
        "RUN-90001-2023": ("utkast", "utkast"),
        "RUN-90005-2024": ("aterremiss", "återremitterat"),
        "RUN-90013-2024": ("bordlaggning", "bordlagt"),
        "RUN-90002-2024": ("beslutat", "beslutat: bifall med ändring"),
        "RUN-90003-2024": ("avslag", "beslutat: avslag"),
        "RUN-90003-2025": ("beslutat", "beslutat: bifall"),
        "RUN-90004-2024": ("beslutat", "beslutat: bifall"),
        "trasig.yaml": ("fel", "ärendefilen har fel"),
    }
    # What the seed's proposal built is out of date for, in words that are so: the meeting
    # no longer decides it (the file is gone), and no template was removed (the agreement's
    # is no longer called for).
    seed = run_cli("status", str(cases / "RUN-00386-2023.yaml"), "--output", str(output),
                   "--json", lang="sv")  # fmt: skip
    (item,) = json.loads(seed.stdout)
    assert [line for line in item["saknas"] if "inaktuella" in line] == [
        "handlingarna är inaktuella: sedan de byggdes har sammanträdesfilen "
        "exempel-run-2023-12-05.yaml slutat gälla ärendet (avtalsgen build "
        f"{cases / 'RUN-00386-2023.yaml'} --output {output})"
    ]
    # With the signed packets' codes, every code the case list filters by.
    codes = {kind for kind, _words in found.values()}
    assert codes | SIGNED == {kind.value for kind in KINDS}
