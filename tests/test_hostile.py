"""Hostile text in every prose and name field: the documents stay valid and say it verbatim.

What "verbatim" means here:

- **Name fields** (names, titles, the funding source, financiers, recipients, signatories,
  addresses: ``Namn``) print exactly what the case file says, with every run of whitespace
  (line breaks included) folded to one space and none at either end. Braces are literal.
- **One-paragraph texts** (decision points, conditions: ``LineText``) likewise, but ``{name}``
  is a placeholder: a known one is filled in, anything else in single braces (``{x}``,
  ``{% if %}``) is refused at load.
- **A case's texts that its documents state** (the proposal's decision points, its
  conditions, syfte, its clauses' texts and headings, the actor's field, the first
  follow-up's term: ``Field.filled``) as
  their kind, but a placeholder left to be filled in (``XX``, ``…``, ``{{ }}``, ``[datum]``)
  is refused at load (tests/test_invalid_cases.py): the hostile text put there has none.
  Doubled braces (``{{ }}``, ``{{% %}}``) in a name are literal and print as written.
- **Prose** (``ProseText``, a Markdown subset) prints the text of each paragraph and list item:
  a pair of ``*`` or ``_`` becomes emphasis and is not printed, ``- ``/``1. `` at the start
  of a line makes a list item. Text without those markers prints verbatim as above; braces
  as in one-paragraph texts.
- **In the PDF**, read with pdftotext, the text must appear with whitespace ignored (a
  200-character word is broken across lines, and pdftotext reports the break) and without the
  invisible formatting marks (bidi marks, zero-width characters) that pdftotext adds or
  drops; in pdftotext's reading order or in its raw (content-stream) order, because neither
  alone keeps both an emoji drawn from a fallback font and a right-to-left run in place.
  Several right-to-left words in a row come out of pdftotext in visual order, so the
  end-to-end examples put right-to-left words between left-to-right ones.

Control characters that Word cannot hold are refused at load, naming file, line and field.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from docx.oxml.ns import qn
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from pdftext import pdftotext
from warm_converter import converter_in

from avtalsgen.documents.context import build_context
from avtalsgen.documents.kinds import DOCUMENTS, kind, metadata
from avtalsgen.documents.render import render_document
from avtalsgen.errors import CaseError
from avtalsgen.input.load import load_case
from avtalsgen.model.prose import parse_prose, unfilled_marker

pytestmark = pytest.mark.usefixtures("warm_builds")  # the tests' builds (conftest)

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "cases"
SEED = CASES / "RUN-00386-2023.yaml"
SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_DATA: dict[str, Any] = yaml.safe_load(SEED_TEXT)
TEMPLATES = REPO / "templates"

BF, SA = "beslutsforslag", "samarbetsavtal"
#: AVTALSGEN_FUZZ_SCALE=50 runs fifty times as many examples (a longer hunt, outside CI).
SCALE = int(os.environ.get("AVTALSGEN_FUZZ_SCALE", "1"))


class _Dumper(yaml.SafeDumper):
    """Writes every value in full (no anchors: the loader refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@dataclass(frozen=True)
class Field:
    """A text field of a case: where it is, what kind of text, and where it is printed."""

    name: str
    kind: str  # "namn", "line" or "prose"
    documents: tuple[str, ...]
    filled: bool = False
    """Whether a placeholder left to be filled in is refused there (``unfilled_marker``)."""


#: Every text field of a case a hostile string is put into, and the documents printing it.
FIELDS = (
    Field("aktor.namn", "namn", (SA,)),
    Field("aktor.kortnamn", "namn", (BF,)),  # the agreement grants to the legal name
    Field("aktor.omrade", "namn", (BF, SA), filled=True),
    Field("aktor.adress.utdelningsadress", "namn", (SA,)),
    Field("aktor.adress.ort", "namn", (SA,)),
    Field("titel", "namn", (BF,)),
    Field("namnd", "namn", (BF, SA)),
    Field("avdelning", "namn", (BF,)),
    Field("handlaggare", "namn", (BF,)),
    Field("forsta_uppfoljning", "namn", (BF, SA), filled=True),
    Field("finansiering.finansiarer.0.namn", "namn", (BF,)),
    Field("protokollsutdrag_till.2", "namn", (BF,)),
    Field("avtal.undertecknare.namn", "namn", (SA,)),
    Field("avtal.undertecknare.titel", "namn", (SA,)),
    Field("avtal.undertecknare.ort", "namn", (SA,)),
    Field("avtal.klausuler.tillagg.0.rubrik", "namn", (SA,), filled=True),
    Field("beslutspunkter.4", "line", (BF,), filled=True),
    Field("villkor.0", "line", (BF,), filled=True),
    Field("syfte", "prose", (BF,), filled=True),
    Field("avtal.klausuler.tillagg.0.text", "prose", (SA,), filled=True),
)
#: Name fields that must hold one of a few values (the region's source is one the program
#: names), so they take no hostile text; they are still refused when too long.
CHECKED_NAMES = ("finansiering.finansiarer.0.kalla",)
#: Fields that end up in the Word document's properties, which hold 255 characters at most.
METADATA_FIELDS = ("titel", "namnd", "aktor.namn")


def _base() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SEED_TEXT)
    data["aktor"]["adress"] = {"utdelningsadress": "x", "postnummer": "971 89", "ort": "x"}
    data["protokollsutdrag_till"].append("x")
    data["beslutspunkter"].append("x")
    data["avtal"]["undertecknare"] = {"namn": "x", "titel": "x", "ort": "x"}
    data["avtal"]["klausuler"] = {
        "tillagg": [{"id": "egen", "rubrik": "x", "text": "x", "efter": "parter"}]
    }
    return data


def _set(data: dict[str, Any], name: str, value: str) -> None:
    *parents, last = name.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value


def write_case(folder: Path, values: dict[str, str]) -> Path:
    """A copy of the seed case in ``folder`` with ``values`` (by field name) put in."""
    if not (folder / "program").exists():
        shutil.copytree(CASES / "program", folder / "program")
    data = _base()
    for name, value in values.items():
        _set(data, name, value)
    path = folder / "arende.yaml"
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**9)
    path.write_text(text, encoding="utf-8")
    return path


def fold(text: str) -> str:
    return " ".join(text.split())


def docx_text(data: bytes) -> str:
    """The text of every paragraph of a .docx (body, tables, headers, footers); Word's
    non-breaking hyphen (a Dnr's, a date's, a spaced hyphen's: documents/dnr.py) read as
    the hyphen it shows."""
    document = docx.Document(io.BytesIO(data))
    parts = [document.element.body]
    for section in document.sections:
        parts += [section.header._element, section.footer._element]
        parts += [section.first_page_header._element, section.first_page_footer._element]
    hyphen = qn("w:noBreakHyphen")
    return "\n".join(
        "".join("-" if node.tag == hyphen else node.text or ""
                for node in paragraph.iter(qn("w:t"), hyphen))
        for part in parts
        for paragraph in part.iter(qn("w:p"))
    )  # fmt: skip


#: The documents rendered from the case alone (a tilläggsavtal needs a decided change).
CASE_DOCUMENTS = tuple(d for d in DOCUMENTS if kind(d).context == "case")


def render_all(case: Path) -> dict[str, bytes]:
    """Both documents of ``case``, rendered as Word files."""
    context = build_context(load_case(case))
    return {
        document: render_document(
            TEMPLATES / f"{document}.docx", context, metadata(document, context)
        )
        for document in CASE_DOCUMENTS
    }


def tagged(index: int, text: str) -> str:
    """``text`` behind a tag numbering its field, so that each field is found on its own."""
    return f"F{index:02d}x {text}"


# --- hostile strings -------------------------------------------------------------------------

#: Pieces of hostile text any field may hold.
COMMON = [
    "&", "<", ">", '"', "'", "&amp;", "&#x41;", "<w:t>", "</w:p>", "]]>", "<![CDATA[",
    "{{", "}}", "{{ arende.dnr }}", "{{ ''.__class__ }}", "{{% if 1 %}}", "%",
    "😀", "👩🏽‍💻", "🇸🇪", "שלום", "مرحبا", "Ärende", "Öl", "å", "e\u0301", "—", "–", "…",
    "\\", "#", ":", "!", "|", "`", "~", "[", "]", "(", ")", "@", ",", "?", "=", "+", "$",
    "\u202e", "\u200b", "\u200d", "\u00ad", "\ufeff", "\ufffd", "\U0010fffd",
    " ", "  ", "\t", "\u00a0", "\u3000", "\u2028",
]  # fmt: skip
#: Pieces only a name field may hold: single braces are literal there.
NAMN_ONLY = ["{", "}", "{x}", "{% if x %}", "{%", "%}", "*", "_", "\n", "- ", "# ", "1. "]
#: Pieces a one-paragraph text may hold: no Markdown there.
LINE_ONLY = ["*", "_", "**", "\n", "- ", "# ", "1. ", "> "]


def hostile(field: Field) -> st.SearchStrategy[str]:
    """Hostile text for ``field`` that the field prints verbatim: random pieces avoid what
    Word cannot hold (Cc, Cs) and unassigned code points, and the field's markup (single
    braces outside names; ``*`` and ``_`` in prose) and placeholders left to be filled in
    where they are refused."""
    kind = field.kind
    extra = {"namn": NAMN_ONLY, "line": LINE_ONLY, "prose": []}[kind]
    banned = "" if kind == "namn" else "{}" + ("*_" if kind == "prose" else "")
    random = st.text(
        # What UTF-8 holds (no Cs), named by category only: hypothesis builds its table for
        # codec="utf-8" by encoding every code point, seconds in each fresh test process.
        st.characters(exclude_categories=("Cc", "Cs", "Cn"), exclude_characters=banned),
        min_size=1,
        max_size=3,
    )
    pieces = [piece for piece in COMMON + extra if not set(piece) & set(banned) or kind == "namn"]
    piece = st.sampled_from(pieces) | random
    text = st.lists(piece, min_size=1, max_size=10).map("".join)
    return text.map(without_placeholders) if field.filled else text


def without_placeholders(text: str) -> str:
    """``text`` without what stands for a fact not filled in (``unfilled_marker``), which a
    case's texts that its documents state may not hold (:attr:`Field.filled`). The white
    space is folded first, as the loader folds it before its check: "[", a line break and
    "]" would otherwise become "[ ]"."""
    text = " ".join(text.split())
    while (marker := unfilled_marker(text)) is not None:
        text = text.replace(marker, "")
    return text


def _values() -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {field.name: hostile(field) for field in FIELDS},
    )


@settings(
    max_examples=20 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=_values())
# docxtpl's escapes, which it turns into Jinja's delimiters in all it renders (found here once).
@example(values={f.name: "{_{ l }_} {_% m %_}" if f.kind == "namn" else "&" for f in FIELDS})
def test_hostile_text_renders_verbatim_into_word(tmp_path: Path, values: dict[str, str]) -> None:
    texts = {field.name: tagged(i, values[field.name]) for i, field in enumerate(FIELDS)}
    case = write_case(tmp_path, texts)
    for document, data in render_all(case).items():
        text = fold(docx_text(data))  # python-docx opens it: the XML is well formed
        for field in FIELDS:
            if document in field.documents:
                assert fold(texts[field.name]) in text, (document, field.name)


@settings(
    max_examples=30 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    body=st.lists(
        st.sampled_from(["*", "_", "**", "__", "\n", "\n\n", "- ", "1. ", " ", "x", "ord"])
        | st.sampled_from(COMMON),
        max_size=25,
    ).map("".join)
)
def test_prose_with_markup_prints_the_text_of_its_blocks(tmp_path: Path, body: str) -> None:
    """Prose with Markdown in it: refused with the field named, or printed block by block."""
    source = "Inledning " + body
    case = write_case(tmp_path, {"syfte": source})
    try:
        load_case(case)
    except CaseError as exc:
        assert all(": syfte: " in problem for problem in exc.problems), exc.problems
        return
    blocks = parse_prose(source).blocks
    text = fold(docx_text(render_all(case)[BF]))
    for block in blocks:
        assert fold(block.text) in text


def test_doubled_braces_print_as_written_in_a_name_and_are_refused_in_texts(
    tmp_path: Path,
) -> None:
    """In a name they are literal; in the texts the documents state they stand for
    something not filled in (a template's), refused at load."""
    case = write_case(tmp_path, {"avdelning": "Mall {{aktor}} och {{ arende.dnr }}"})
    text = fold(docx_text(render_all(case)[BF]))
    assert "Mall {{aktor}} och {{ arende.dnr }}" in text
    case = write_case(
        tmp_path / "texts",
        {
            "syfte": "Mall {{aktor}} och {{ arende.dnr }} för {aktor}.",
            "villkor.0": "Villkor {{kalla}} från {kalla}.",
        },
    )
    with pytest.raises(CaseError) as info:
        load_case(case)
    shown = [problem.split(": ", 2)[1:] for problem in info.value.problems]
    assert [field for field, message in shown] == ["syfte", "villkor[0]"]
    assert all(
        message.startswith("“{{” stands for something not filled in") for f, message in shown
    )


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("villkor.0", "Villkor {% if x %}"),
        ("syfte", "Syfte {% if x %} {x}"),
        ("beslutspunkter.4", "Punkt {x}"),
    ],
)
def test_single_braces_in_texts_are_refused_as_placeholders(
    tmp_path: Path, field: str, text: str
) -> None:
    case = write_case(tmp_path, {field: text})
    with pytest.raises(CaseError) as info:
        load_case(case)
    (problem,) = info.value.problems
    shown = field.replace(".0", "[0]").replace(".4", "[4]")
    assert f": {shown}: unknown placeholder" in problem, problem


LONG_WORD = "Lång" + "W" * 196
LONG_PARAGRAPH = " ".join(f"ord{i % 10}" for i in range(4000)) + "."
assert len(LONG_PARAGRAPH) == 20_000
#: A name as long as a name may be: 300 characters.
LONG_NAME = " ".join(f"Namn{i:02d}" for i in range(50))[:295]  # 300 with its tag


@pytest.mark.parametrize(
    "field",
    [pytest.param(field.name) for field in FIELDS if field.name in METADATA_FIELDS],
)
def test_longest_name_in_a_field_of_the_document_properties(tmp_path: Path, field: str) -> None:
    case = write_case(tmp_path, {field: LONG_NAME})
    for document, data in render_all(case).items():
        if document in next(f for f in FIELDS if f.name == field).documents:
            assert LONG_NAME in fold(docx_text(data))


@pytest.mark.parametrize("field", [*(f.name for f in FIELDS if f.kind == "namn"), *CHECKED_NAMES])
def test_a_name_longer_than_300_characters_is_refused(tmp_path: Path, field: str) -> None:
    case = write_case(tmp_path, {field: LONG_PARAGRAPH})
    with pytest.raises(CaseError) as info:
        load_case(case)
    shown = re.sub(r"\.(\d+)", r"[\1]", field)
    (problem,) = info.value.problems
    assert problem.endswith(
        f": {shown}: a name, title or heading is at most 300 characters, got 20000"
    ), problem


# --- control characters ----------------------------------------------------------------------

#: Characters a Word document cannot hold, a few of each kind.
FORBIDDEN = [
    *(chr(code) for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))),
    "\x7f", "\x80", "\x85", "\x96", "\x9f", "\ud800", "\udbff", "\udc00", "\udfff",
    "\ufffe", "\uffff",
]  # fmt: skip


def _kind(char: str) -> str:
    if 0xD800 <= ord(char) <= 0xDFFF:
        return "a lone surrogate"
    return "not a character" if ord(char) >= 0xFFFE else "a control character"


def expected_problem(case: Path, line: int, field: str, char: str) -> str:
    hint = (
        " (write an emoji as itself, or as \\U0001F600 in double quotes, not as a "
        "\\uD83D\\uDE00 pair)"
        if _kind(char) == "a lone surrogate"
        else ""
    )
    return (
        f"{case}:{line}: {field}: contains U+{ord(char):04X} ({_kind(char)}), which a Word "
        f"document cannot hold; remove it{hint}"
    )


#: (line of the seed to change, the text in it to change, the field it is in)
TARGETS = [
    ("titel: Pilotprojekt", "Pilotprojekt", "titel"),
    ("  namn: Swedish Lapland Visitors Board", "Swedish", "aktor.namn"),
    ("      kalla: ERP", "ERP", "finansiering.finansiarer[0].kalla"),
    ("    - namn: Region Norrbotten - ERP", "Region", "finansiering.finansiarer[0].namn"),
    ("  - Medlen anvisas från {kalla}", "Medlen", "beslutspunkter[1]"),
    ("  Syftet med piloten", "Syftet", "syfte"),
    ("  - Swedish Lapland vb arbetar", "Swedish", "villkor[0]"),
    ("  - Regional utvecklingsdirektör", "Regional", "protokollsutdrag_till[0]"),
    ("forsta_uppfoljning: hösten 2024", "hösten", "forsta_uppfoljning"),
]


def _escape(char: str) -> str:
    return f"\\x{ord(char):02X}" if ord(char) < 0x100 else f"\\u{ord(char):04X}"


def _with_character(target: tuple[str, str, str], char: str, raw: bool) -> tuple[str, int]:
    """The seed with ``char`` put into one field, written as itself or as an escape."""
    line_text, word, _ = target
    start = SEED_TEXT.index(line_text)
    end = SEED_TEXT.index("\n", start)
    line = SEED_TEXT[start:end]
    if raw:
        new = line.replace(word, word + char, 1)
    else:  # a double-quoted YAML string with the escape
        cut = line.index(": ") + 2 if ": " in line else line.index("- ") + 2
        value = line[cut:].replace('"', '\\"').replace(word, word + _escape(char), 1)
        new = f'{line[:cut]}"{value}"'
    return SEED_TEXT[:start] + new + SEED_TEXT[end:], SEED_TEXT.count("\n", 0, start) + 1


@settings(
    max_examples=60 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    target=st.sampled_from(TARGETS),
    char=st.sampled_from(FORBIDDEN),
    raw=st.booleans(),
)
def test_control_characters_are_refused_by_file_line_and_field(
    tmp_path: Path, target: tuple[str, str, str], char: str, raw: bool
) -> None:
    surrogate = 0xD800 <= ord(char) <= 0xDFFF
    block = target[2] == "syfte"  # a block scalar has no escapes
    assume(not (surrogate and block))  # UTF-8 cannot hold a lone surrogate, only an escape
    raw = block or (raw and not surrogate)
    text, line = _with_character(target, char, raw)
    shutil.copytree(CASES / "program", tmp_path / "program", dirs_exist_ok=True)
    case = tmp_path / "arende.yaml"
    case.write_bytes(text.encode("utf-8", "surrogatepass"))
    with pytest.raises(CaseError) as info:
        load_case(case)
    assert info.value.problems == [expected_problem(case, line, target[2], char)]
    assert not any(c in info.value.message for c in FORBIDDEN)  # safe to print


def _write(tmp_path: Path, text: str) -> Path:
    shutil.copytree(CASES / "program", tmp_path / "program", dirs_exist_ok=True)
    case = tmp_path / "arende.yaml"
    case.write_text(text, encoding="utf-8")
    return case


def test_several_control_characters_in_several_fields(tmp_path: Path) -> None:
    text = SEED_TEXT.replace("titel: Pilot", "titel: Pi\x01l\x02ot").replace(
        "kalla: ERP", 'kalla: "E\\x1bRP"'
    )
    case = _write(tmp_path, text)
    with pytest.raises(CaseError) as info:
        load_case(case)
    assert info.value.problems == [
        f"{case}:11: titel: contains U+0001 (a control character), U+0002 (a control "
        "character), which a Word document cannot hold; remove them",
        f"{case}:26: finansiering.finansiarer[0].kalla: contains U+001B (a control character), "
        "which a Word document cannot hold; remove it",
    ]


def test_control_character_in_a_key_and_in_a_comment(tmp_path: Path) -> None:
    text = SEED_TEXT.replace("# Dnr RUN", "# Dnr\x07 RUN").replace(
        "titel: Pilot", '"tit\\x00el": x\ntitel: Pilot'
    )
    case = _write(tmp_path, text)
    with pytest.raises(CaseError) as info:
        load_case(case)
    assert info.value.problems == [
        f"{case}:1: contains U+0007 (a control character), which a Word document cannot "
        "hold; remove it",
        f"{case}:11: tit\\x00el: the key contains U+0000 (a control character), which a Word "
        "document cannot hold; remove it",
    ]


def test_control_character_in_the_program_file(tmp_path: Path) -> None:
    case = _write(tmp_path, SEED_TEXT)
    program = tmp_path / "program" / "norrbottens-ekosystem.yaml"
    text = program.read_text(encoding="utf-8")
    line = text.count("\n", 0, text.index("namn: Norrbottens")) + 1
    program.write_text(text.replace("namn: Norrbottens", "namn: Norr\x0cbottens", 1), "utf-8")
    with pytest.raises(CaseError) as info:
        load_case(case)
    assert info.value.problems == [
        f"{program}:{line}: namn: contains U+000C (a control character), which a Word "
        "document cannot hold; remove it"
    ]


def test_allowed_whitespace_and_unusual_characters_load(tmp_path: Path) -> None:
    text = SEED_TEXT.replace("titel: Pilot", 'titel: "Tab\\there\\r\\nNEL-free \\u2028 Pilot')
    text = text.replace(
        "Swedish Lapland visitors board\n", 'Swedish Lapland visitors board \\uFFFD 😀"\n', 1
    )
    case = _write(tmp_path, text)
    assert load_case(case).arende.titel.startswith("Tab here NEL-free Pilot")


# --- end to end: LibreOffice and pdftotext ---------------------------------------------------

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufe0f]")


def _emoji(char: str) -> bool:
    return ord(char) >= 0x1F000


def squash(text: str) -> str:
    """``text`` without whitespace, invisible marks and emoji, in composed (NFC) form."""
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    return "".join(char for char in "".join(text.split()) if not _emoji(char))


def _pdftotext(pdf: Path, *mode: str) -> str:
    return pdftotext(pdf, *mode, "-enc", "UTF-8")


@dataclass(frozen=True)
class PdfText:
    """The text of a PDF as pdftotext reads it: in reading order, and squashed page by page
    in reading order and in raw (content-stream) order."""

    text: str
    reading: list[str]
    raw: list[str]


def pdf_text(pdf: Path) -> PdfText:
    reading = _pdftotext(pdf)
    return PdfText(
        reading,
        [squash(page) for page in reading.split("\f")],
        [squash(page) for page in _pdftotext(pdf, "-raw").split("\f")],
    )


def _longest_prefix(wanted: str, page: str) -> int:
    low, high = 0, len(wanted)  # wanted[:low] is in page; find the largest such low
    while low < high:
        middle = (low + high + 1) // 2
        if wanted[:middle] in page:
            low = middle
        else:
            high = middle - 1
    return low


def _reads_on(wanted: str, pages: list[str]) -> bool:
    """``wanted`` is in ``pages`` in order: on one page, or read on across the next pages
    (a text broken by a page break, the next page's header between its parts)."""
    for start in range(len(pages)):
        rest = wanted
        for page in pages[start:]:
            found = _longest_prefix(rest, page)
            if found == len(rest):
                return True
            if found == 0:
                break
            rest = rest[found:]
    return False


def in_pdf(wanted: str, pdf: PdfText) -> bool:
    """``wanted`` is in the PDF: all but its emoji in order, in reading or in raw order, and
    every emoji somewhere (pdftotext puts an emoji drawn from a fallback font out of place)."""
    squashed = squash(wanted)
    return any(_reads_on(squashed, pages) for pages in (pdf.reading, pdf.raw)) and all(
        pdf.text.count(char) >= wanted.count(char) for char in set(wanted) if _emoji(char)
    )


SYMBOLS = "A & B <c> \"d\" 'e' {{ f }} {{% g %}} &amp; ]]> \\ # 100 % ~ ` | @"
SCRIPTS = "Ärende 😀 Öl שלום och مرحبا e\u0301 — 🇸🇪 …"


def _e2e(field: Field, text: str) -> str:
    if field.kind == "namn":
        text += " {% h %} { i } *j* _k_ {_{ l }_} {_% m %_}"
    return without_placeholders(text) if field.filled else text


E2E = {
    "symbols": {field.name: _e2e(field, SYMBOLS) for field in FIELDS},
    "scripts": {field.name: _e2e(field, SCRIPTS) for field in FIELDS},
    "long-word": {f.name: LONG_WORD for f in FIELDS if f.name != "aktor.namn"},
    "longest-name": {f.name: LONG_NAME for f in FIELDS if f.name not in METADATA_FIELDS},
    "long-paragraph": {f.name: LONG_PARAGRAPH for f in FIELDS if f.kind != "namn"},
}
needs_tools = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or poppler-utils is not installed",
)


def _e2e_values(example: str) -> dict[str, str]:
    return {name: tagged(i, text) for i, (name, text) in enumerate(E2E[example].items())}


@pytest.fixture(scope="module")
def e2e_pdfs(
    tmp_path_factory: pytest.TempPathFactory, session_converter: Path
) -> dict[str, dict[str, PdfText]]:
    """The documents of every example of :data:`E2E`, converted by one LibreOffice (the
    test process's warm converter, conftest.session_converter), as pdftotext reads them."""
    folder = tmp_path_factory.mktemp("hostile-e2e")
    files: dict[tuple[str, str], Path] = {}
    for name in E2E:
        case = write_case(folder / name, _e2e_values(name))
        for document, data in render_all(case).items():
            path = folder / f"{name}-{document}.docx"
            path.write_bytes(data)
            files[name, document] = path
    out = folder / "out"
    out.mkdir()
    with converter_in(session_converter) as converter:
        pdfs = converter.convert(list(files.values()), out)
    texts: dict[str, dict[str, PdfText]] = {name: {} for name in E2E}
    for (name, document), pdf in zip(files, pdfs, strict=True):
        texts[name][document] = pdf_text(pdf)
    return texts


@needs_tools
@pytest.mark.libreoffice
@pytest.mark.parametrize("example", list(E2E))
def test_hostile_text_reaches_the_pdf_verbatim(
    e2e_pdfs: dict[str, dict[str, PdfText]], example: str
) -> None:
    values = _e2e_values(example)
    assert set(e2e_pdfs[example]) == set(CASE_DOCUMENTS)
    for document, text in e2e_pdfs[example].items():
        for field in FIELDS:
            if field.name in values and document in field.documents:
                assert in_pdf(values[field.name], text), (example, document, field.name)


# --- a whole build: the fact check reads the actor's name back -------------------------------


@needs_tools
@pytest.mark.libreoffice
@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Åsa-Nisses {{ f }} {% g %} [100 %] Öst #1 \\ AB", id="braces-and-signs"),
        pytest.param(
            'Hotell & Restaurang <Norr> "Polstjärnan" AB',
            id="xml-special-characters",
        ),
        pytest.param(
            "Norrbottens-Kommunförbunds-Samverkansorganisations-Utvecklings-Aktiebolag-"
            "Ekonomisk-Förening-Ideell-Förening",
            id="long-hyphenated-name",
        ),
        pytest.param(
            "שלום עולם בע״מ",
            id="right-to-left-words",
        ),
    ],
)
def test_build_with_an_unusual_actor_name(tmp_path: Path, name: str) -> None:
    from avtalsgen.build.pipeline import build_case

    data = _base()
    data["aktor"]["namn"] = name
    data["aktor"]["kortnamn"] = None
    case = write_case(tmp_path, {})
    case.write_text(
        yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**9),
        encoding="utf-8",
    )
    result = build_case(case, tmp_path / "output", TEMPLATES)
    assert {path.suffix for path in result.outputs} >= {".docx", ".pdf"}
