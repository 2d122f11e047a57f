"""Where a tag is in a Word template, in words a Word user can find it by.

A problem in a template's Jinja code is found in the source docxtpl makes of the template's
XML, by line; staff see paragraphs, headings, tables and text boxes. Each tag of a part is
read from the text Word shows (its ``w:t`` elements in order, so a tag split over runs by
spell-check or formatting, or over two paragraphs, is one tag) with the paragraph it starts
in, and described by that paragraph's text, the heading above it, and the table row and
column or text box it is in. :func:`lined` gives the source a line per tag, so that a line
number of Jinja's names the tag.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from avtalsgen.i18n import _

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: A template tag as Word shows it: ``{{ … }}``, ``{% … %}`` or ``{# … #}``.
TAG = re.compile(r"\{([{%#])((?:(?!\{[{%#]).)*?)[}%#]\}", re.DOTALL)
#: docxtpl's markers of a tag that stands for its paragraph, table row, cell or run.
_MARKER = re.compile(r"^(p|tr|tc|r)\s")
#: The start of a tag in the source docxtpl makes.
_OPENER = re.compile(r"\{[{%#]")
#: Paragraph styles that are headings (Word's and LibreOffice's ids).
_HEADING_STYLE = re.compile(r"(Title|Heading\d|Rubrik\d?|Titel)")
#: How much of a paragraph's text a message quotes.
_QUOTED = 90
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "„": '"'})


@dataclass(frozen=True)
class Tag:
    """One tag of a template part, as Word shows it, and where it is in words."""

    text: str
    """The tag as it reads in Word, e.g. ``{%p if sekretess %}``."""
    key: str
    """What Jinja reads of it, without docxtpl's marker and spaces (see :func:`key_of`)."""
    marker: str
    """docxtpl's marker: ``p``, ``tr``, ``tc``, ``r`` or empty."""
    place: str
    """Where it is, e.g. "the paragraph 'Dnr {{ arende.dnr }}' under the heading …"."""
    closed: bool = True
    """False for an opening ``{{``, ``{%`` or ``{#`` not closed before the next one (its
    text is then what follows it, as far as the next)."""


def key_of(tag: str) -> str:
    """A tag as Jinja reads it, to match the tags of docxtpl's source with Word's: its
    opening delimiter and its content without docxtpl's marker, quotes made straight and
    spaces removed."""
    match = TAG.fullmatch(tag)
    if match is None:
        return re.sub(r"\s+", "", tag)
    inner = _MARKER.sub("", match.group(2).translate(_QUOTES))
    return match.group(1) + re.sub(r"\s+", "", inner)


def _text(element: Any) -> str:
    return "".join(t.text or "" for t in element.iter(f"{{{_W}}}t"))


def _quoted(text: str, around: str = "") -> str:
    """``text`` cut to :data:`_QUOTED` characters, keeping ``around`` in view."""
    text = " ".join(text.split())
    if len(text) <= _QUOTED:
        return text
    start = max(text.find(around) - 20, 0) if around and around in text else 0
    cut = text[start : start + _QUOTED]
    return ("…" if start else "") + cut + ("…" if start + _QUOTED < len(text) else "")


def _nearest(element: Any, tag: str) -> Any:
    """The nearest ancestor of ``element`` that is a ``w:{tag}``."""
    return next(element.iterancestors(f"{{{_W}}}{tag}"), None)


def is_heading(paragraph: Any) -> bool:
    """Whether the ``w:p`` element ``paragraph`` is a heading: in a heading or title style
    (Word's English or Swedish names) or given an outline level."""
    style = paragraph.find(f"{{{_W}}}pPr/{{{_W}}}pStyle")
    if style is not None and _HEADING_STYLE.fullmatch(style.get(f"{{{_W}}}val", "")):
        return True
    return paragraph.find(f"{{{_W}}}pPr/{{{_W}}}outlineLvl") is not None


class PartText:
    """A template part's XML (as docxtpl reads it, before its patching), parsed once: its
    text as Word shows it (the ``w:t`` elements in order, read across runs and paragraphs
    as docxtpl reads it), each paragraph's text, and the places of its paragraphs. What
    the check reads of a part (:func:`tags_of`, :func:`lost_content`,
    :func:`stray_closers`, :func:`pictures_without_text`) reads it from here."""

    def __init__(self, xml: str) -> None:
        from lxml import etree

        self.root = etree.fromstring(xml.encode("utf-8"))
        self.texts = list(self.root.iter(f"{{{_W}}}t"))
        """The part's ``w:t`` elements, in order."""
        self.pieces = [element.text or "" for element in self.texts]
        """The text of each of :attr:`texts`."""
        self.starts: list[int] = []
        """Where each of :attr:`texts` begins in :attr:`whole`."""
        offset = 0
        for piece in self.pieces:
            self.starts.append(offset)
            offset += len(piece)
        self.whole = "".join(self.pieces)
        """The part's text, every ``w:t`` in order."""
        self._paragraph_texts: dict[Any, str] = {}

    @cached_property
    def tag_matches(self) -> list[re.Match[str]]:
        """Every whole tag (:data:`TAG`) of :attr:`whole`, in order."""
        return list(TAG.finditer(self.whole))

    @cached_property
    def places(self) -> _Places:
        return _Places(self)

    def text_of(self, element: Any) -> str:
        """The text of ``element`` (a paragraph or table cell), each read once."""
        found = self._paragraph_texts.get(element)
        if found is None:
            found = self._paragraph_texts[element] = _text(element)
        return found

    def paragraph_at(self, index: int) -> Any:
        """The paragraph that the ``index``-th of :attr:`texts` stands in, if any."""
        return next(self.texts[index].iterancestors(f"{{{_W}}}p"), None)


class _Places:
    """The places of a part's paragraphs: the heading above each, their tables."""

    def __init__(self, part: PartText) -> None:
        self.part = part
        self.headings: dict[Any, str] = {}
        heading = ""
        for paragraph in part.root.iter(f"{{{_W}}}p"):
            self.headings[paragraph] = heading
            if is_heading(paragraph) and (text := part.text_of(paragraph).strip()):
                heading = text

    def describe(self, paragraph: Any, tag: str) -> str:
        text = _quoted(self.part.text_of(paragraph), tag)
        heading = _quoted(self.headings.get(paragraph, ""))
        if any(a.tag == f"{{{_W}}}txbxContent" for a in paragraph.iterancestors()):
            return _("a text box ('{text}')").format(text=text)
        cell = next(paragraph.iterancestors(f"{{{_W}}}tc"), None)
        row = next(paragraph.iterancestors(f"{{{_W}}}tr"), None)
        table = next(paragraph.iterancestors(f"{{{_W}}}tbl"), None)
        if cell is not None and row is not None and table is not None:
            # Rows and cells may sit in content controls (w:sdt): each counted in its table.
            rows = [r for r in table.iter(f"{{{_W}}}tr") if _nearest(r, "tbl") is table]
            cells = [c for c in row.iter(f"{{{_W}}}tc") if _nearest(c, "tr") is row]
            first = " | ".join(
                _quoted(self.part.text_of(c))
                for c in rows[0].iter(f"{{{_W}}}tc")
                if _nearest(c, "tr") is rows[0]
            )
            place = _(
                "the table that begins '{first}', row {row}, column {column} ('{text}')"
            ).format(
                first=_quoted(first),
                row=rows.index(row) + 1,
                column=cells.index(cell) + 1 if cell in cells else 1,
                text=text,
            )
        elif not text.strip():  # a picture's own paragraph: by the text that follows it
            siblings = paragraph.itersiblings(f"{{{_W}}}p")
            following = next((t for p in siblings if (t := self.part.text_of(p).strip())), "")
            place = (
                _("the paragraph without text before '{text}'").format(text=_quoted(following))
                if following
                else _("the paragraph without text at the end")
            )
        else:
            place = _("the paragraph '{text}'").format(text=text)
        if heading:
            return _("{place} under the heading '{heading}'").format(place=place, heading=heading)
        return place


def tags_of(part: PartText) -> list[Tag]:
    """Every tag of ``part``, in the order of its text."""
    texts, pieces, starts, whole = part.texts, part.pieces, part.starts, part.whole
    found = []
    whole_tags = {match.start(): match for match in part.tag_matches}
    for opener in _OPENER.finditer(whole):
        index = bisect.bisect_right(starts, opener.start()) - 1
        while index + 1 < len(texts) and starts[index + 1] == opener.start() and not pieces[index]:
            index += 1
        paragraph = part.paragraph_at(index)
        match = whole_tags.get(opener.start())
        if match is None:  # a tag that is not closed before the next one: as far as it goes
            following = _OPENER.search(whole, opener.start() + 2)
            end = following.start() if following is not None else len(whole)
            last = index  # the paragraph's text ends with its last w:t
            while last + 1 < len(texts) and paragraph in texts[last + 1].iterancestors():
                last += 1
            end = min(end, starts[last] + len(pieces[last]))
            piece = " ".join(whole[opener.start() : min(end, opener.start() + 40)].split())
            place = part.places.describe(paragraph, piece) if paragraph is not None else ""
            found.append(Tag(piece, "", "", place, closed=False))
            continue
        marker = _MARKER.match(match.group(2))
        text = match.group()
        found.append(
            Tag(
                text=text,
                key=key_of(text),
                marker=marker.group(1) if marker else "",
                place=part.places.describe(paragraph, text) if paragraph is not None else "",
            )
        )
    return found


def lined(source: str) -> str:
    """docxtpl's source of a part with a line break before each tag: Jinja's line number of
    anything in a tag then names the tag (template data keeps its meaning: the line breaks
    fall between XML elements or inside text that is only checked, never rendered)."""
    return _OPENER.sub(lambda m: "\n" + m.group(), source)


class Locator:
    """The place of a line of :func:`lined` source, by the tag that begins it."""

    def __init__(self, source_lines: str, tags: list[Tag]) -> None:
        by_key: dict[str, list[Tag]] = {}
        for tag in tags:
            by_key.setdefault(tag.key, []).append(tag)
        self.lines: dict[int, Tag] = {}
        seen: dict[str, int] = {}
        unclosed = iter([tag for tag in tags if not tag.closed])
        for number, line in enumerate(source_lines.split("\n"), start=1):
            match = TAG.match(line)
            if match is None:
                if _OPENER.match(line):  # not closed: the next one of the text's
                    broken = next(unclosed, None)
                    if broken is not None:
                        self.lines[number] = broken
                continue
            key = key_of(match.group())
            count = seen.get(key, 0)
            seen[key] = count + 1
            candidates = by_key.get(key, [])
            if candidates:
                self.lines[number] = candidates[min(count, len(candidates) - 1)]

    def tag(self, lineno: int | None) -> Tag | None:
        """The tag on line ``lineno``, if it is known."""
        return self.lines.get(lineno) if lineno is not None else None


#: What docxtpl replaces with the tag of each marker: the whole paragraph, row or cell.
_REPLACED = {"p": "p", "tr": "tr", "tc": "tc"}


def lost_content(part: PartText) -> list[str]:
    """What ``part`` holds beside a tag that stands for its whole paragraph, table row or cell
    (``{%p …%}``, ``{%tr …%}``, ``{%tc …%}``, ``{{p …}}``): docxtpl replaces the paragraph,
    row or cell with the tag, so a picture or text put beside it (Word puts a picture
    inserted at the top of a document into its first paragraph) is in no document. One
    sentence for each, saying where and what to do."""
    found = []
    for marker, element in _REPLACED.items():
        for holder in part.root.iter(f"{{{_W}}}{element}"):
            text = part.text_of(holder)
            tags = [m.group() for m in TAG.finditer(text) if _MARKER.match(m.group(2))]
            tags = [t for t in tags if _MARKER.match(TAG.fullmatch(t).group(2)).group(1) == marker]  # type: ignore[union-attr]
            if not tags:
                continue
            rest = text
            for tag in tags:
                rest = rest.replace(tag, "")
            rest = " ".join(rest.split())
            pictures = holder.find(f".//{{{_W}}}drawing") is not None or (
                holder.find(f".//{{{_W}}}pict") is not None
            )
            if not rest and not pictures:
                continue
            first = next(holder.iter(f"{{{_W}}}p"), holder)
            what = _("the text '{text}'").format(text=_quoted(rest)) if rest else _("a picture")
            if rest and pictures:
                what = _("{what} and a picture").format(what=what)
            found.append(
                _(
                    "{place}: {what} stands beside '{tag}', which takes the place of {whole}, "
                    "and is in no document: move it to {own}"
                ).format(
                    place=part.places.describe(first, tags[0]),
                    what=what,
                    tag=tags[0],
                    whole=_HOLDER_WORDS[marker][0](),
                    own=_HOLDER_WORDS[marker][1](),
                )
            )
    return found


#: What a marker's tag takes the place of, and where else to put what stands beside it.
_HOLDER_WORDS: dict[str, tuple[Callable[[], str], Callable[[], str]]] = {
    "p": (lambda: _("the whole paragraph"), lambda: _("a paragraph of its own")),
    "tr": (lambda: _("the whole table row"), lambda: _("a table row of its own")),
    "tc": (lambda: _("the whole table cell"), lambda: _("a table cell of its own")),
}


#: The end of a tag, standing in a paragraph's text without its beginning.
_CLOSER = re.compile(r"\}\}|%\}")


def stray_closers(part: PartText) -> list[str]:
    """Each ``}}`` or ``%}`` in the text of ``part`` that ends no tag (its ``{{`` or ``{%``
    lost a brace: the tag is printed as typed), saying where and what to do. The text is
    read across paragraphs, as docxtpl reads it: a tag split over two paragraphs is a tag."""
    whole = part.whole
    covered = [(m.start(), m.end()) for m in part.tag_matches]
    found = []
    for stray in _CLOSER.finditer(whole):
        if any(start <= stray.start() < end for start, end in covered):
            continue
        before = max((end for _start, end in covered if end <= stray.start()), default=0)
        if _OPENER.search(whole, before, stray.start()):
            continue  # a tag not closed as it should be: the syntax error says so
        paragraph = part.paragraph_at(bisect.bisect_right(part.starts, stray.start()) - 1)
        if paragraph is None:
            continue
        found.append(
            _(
                "{place}: '{closer}' ends no tag, so the text before it is printed as typed: "
                "begin the tag with '{opener}'"
            ).format(
                place=part.places.describe(paragraph, stray.group()),
                closer=stray.group(),
                opener="{{" if stray.group() == "}}" else "{%",
            )
        )
    return found


_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#: A picture in a drawing (not a text box or shape).
_PICTURE = "{http://schemas.openxmlformats.org/drawingml/2006/picture}pic"
#: Word's mark of a decorative picture (Alt Text > Mark as decorative).
_DECORATIVE = "http://schemas.microsoft.com/office/drawing/2017/decorative"


def alt_text(properties: Any) -> str | None:
    """The alternative text of the picture whose properties (its ``wp:docPr``) are
    ``properties``: its description, or its title; empty when Word marks it as decorative
    (a screen reader passes it by); None when it has neither. ``templates check`` and the
    web page read a picture by it."""
    if any(
        element.get("val") in ("1", "true")
        for element in properties.iter(f"{{{_DECORATIVE}}}decorative")
    ):
        return ""
    return (properties.get("descr") or properties.get("title") or "").strip() or None


def pictures_without_text(part: PartText) -> list[str]:
    """Each picture of ``part`` with neither an alternative text nor Word's mark as
    decorative: the tagged PDF then has a figure a screen reader can only call a picture
    (LibreOffice writes the alternative text as the figure's /Alt)."""
    found = []
    for properties in part.root.iter(f"{{{_WP}}}docPr"):
        if alt_text(properties) is not None:
            continue
        if next(properties.getparent().iter(_PICTURE), None) is None:
            continue  # a text box or a shape: its text is read
        paragraph = next(properties.iterancestors(f"{{{_W}}}p"), None)
        if paragraph is None:
            continue
        found.append(
            _(
                "{place}: a picture without alternative text, which screen readers can only "
                "call a picture: in Word right-click it, Edit Alt Text, and describe it or "
                "mark it as decorative; in LibreOffice its Properties, Options, Alternative"
            ).format(place=part.places.describe(paragraph, ""))
        )
    return found
