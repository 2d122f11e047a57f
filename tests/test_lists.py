"""Lists in words ("a, b och c") come from one helper, Babel's in the language of the
messages or, in a document, in Swedish; and the sentence that a preparatory decision may
not be appealed stands once, with a non-breaking space before its "§"."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from conftest import REPO
from docx import Document

from avtalsgen import i18n
from avtalsgen.documents.format import och
from avtalsgen.i18n import join_words
from avtalsgen.meetings.anslag import not_appealable
from avtalsgen.meetings.extract import NOT_APPEALABLE, UtdragTexter
from avtalsgen.meetings.publicering import Rendition, Status, written_text
from avtalsgen.model.decision import FORBEREDANDE
from avtalsgen.pdf.assemble import PacketPart
from avtalsgen.pdf.packet import packet_subject

NBSP = "\u00a0"


def test_a_list_reads_in_the_language_of_the_messages() -> None:
    i18n.set_language("sv")
    assert join_words(["a", "b", "c"]) == "a, b och c"
    assert join_words(["a", "b"], "or") == "a eller b"
    i18n.set_language("en")
    assert join_words(["a", "b", "c"]) == "a, b and c"
    assert join_words(["a", "b", "c"], "or") == "a, b or c"
    assert join_words(["a"]) == "a" and join_words([]) == ""
    # A document's list is Swedish whatever the language of the messages.
    assert och(["ERP", "regionala utvecklingsmedel"]) == "ERP och regionala utvecklingsmedel"
    assert join_words(("a", "b", "c"), language="sv") == "a, b och c"


def test_what_publicera_replaced_is_listed_in_each_language() -> None:
    result = Rendition(
        dnr="RUN-90001-2023",
        paragraf=212,
        document="protokollsutdrag",
        status=Status.SKRIVEN,
        replaced=("1 personnummer", "Anna Andersson", "Bo Berg"),
    )
    i18n.set_language("en")
    assert written_text(result).endswith("with 1 personnummer, Anna Andersson and Bo Berg replaced")
    i18n.set_language("sv")
    assert "1 personnummer, Anna Andersson och Bo Berg" in written_text(result)


def test_the_packet_s_subject_lists_its_documents_in_swedish() -> None:
    i18n.set_language("en")
    parts = [PacketPart(Path("a.pdf"), "Beslutsförslag", "Beslutsförslag"),
             PacketPart(Path("b.pdf"), "Samarbetsavtal", "Samarbetsavtal")]  # fmt: skip
    attachment = PacketPart(Path("c.pdf"), "Verksamhetsplan", "Bilaga 1")
    assert packet_subject("basfinansiering", "Norrbottens ekosystem", parts, [attachment]) == (
        "Basfinansiering inom Norrbottens ekosystem: beslutsförslag, samarbetsavtal och "
        "bilaga 1 (Verksamhetsplan)"
    )
    assert (
        packet_subject("basfinansiering", "P", parts[:1], [])
        == "Basfinansiering inom P: beslutsförslag"
    )


def test_a_preparatory_decision_is_said_not_appealable_in_one_sentence() -> None:
    law = f"(13 kap. 2{NBSP}§ kommunallagen)."
    assert FORBEREDANDE.endswith(law)
    assert f"Beslutet är av rent förberedande art och får inte överklagas {law}" == NOT_APPEALABLE
    assert not_appealable([(196, "återremiss")]) == (
        f"Beslutet i § 196 (återremiss) är av rent förberedande art och får inte överklagas {law}"
    )
    assert not_appealable([(196, "återremiss"), (197, "bordläggning"), (198, "återremiss")]) == (
        "Besluten i § 196 (återremiss), § 197 (bordläggning) och § 198 (återremiss) är av "
        f"rent förberedande art och får inte överklagas {law}"
    )
    assert not_appealable([]) == ""
    # The extract's template says it with the same sentence, not a copy of it.
    template = Document(str(REPO / "templates" / "protokollsutdrag.docx"))
    lines = [line for p in template.paragraphs for line in p.text.split("\n")]
    # The last line of the Justering och anslag block (one paragraph, a line each).
    assert [line for line in lines if "Överklagande: beslutet {{ text.forberedande }}" in line]
    assert not [line for line in lines if "kommunallagen" in line]
    defaults = {field.name: field.default for field in dataclasses.fields(UtdragTexter)}
    assert defaults["forberedande"] == FORBEREDANDE
