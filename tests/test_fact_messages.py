"""The fact check's words on an amount that is none of the financing's, in the language of
messages: grouped as it writes numbers, naming the few amounts nearest (qa16: --lang en
said '2 000 000 kr/kronor' and listed 33 amounts, '16 667, 25 000, …')."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from avtalsgen import i18n
from avtalsgen.documents.factcheck import FactError, PdfText, Stage, check_facts
from avtalsgen.input.load import load_case


def _said(text: str, language: str) -> list[str]:
    i18n.set_language(language)
    case = load_case(REPO / "cases" / "exempel-trappsteg.yaml")
    read = PdfText(Path("avtal.pdf"), (text,))
    with pytest.raises(FactError) as caught:
        check_facts(case.arende, case.program, {"avtal": read}, {"avtal": Stage(case.arende, ())})
    return caught.value.message.splitlines()[1:]


def test_an_amount_none_of_the_financing_is_told_in_english_with_the_nearest() -> None:
    assert _said("Bidraget är 2 000 001 kronor.", "en") == [
        "avtal.pdf: belopp: the document states 2,000,001 kr/kronor, which is none of the "
        "amounts of the case (the nearest: 833,333, 1,275,000, 1,500,000, 1,791,667, "
        "2,000,000; 13 in all)"
    ]


def test_in_swedish_as_the_documents_group_them() -> None:
    assert _said("Bidraget är 2 000 001 kronor.", "sv") == [
        "avtal.pdf: belopp: dokumentet anger 2 000 001 kr/kronor, som inte är något av "
        "beloppen i ärendet (de närmaste: 833 333, 1 275 000, 1 500 000, 1 791 667, "
        "2 000 000; 13 i allt)"
    ]
