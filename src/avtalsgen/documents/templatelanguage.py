"""Text of a template marked as another language than Swedish: what text pasted into Word
with its own formatting brings along (``w:lang`` en-US on its runs). LibreOffice tags it as
a span in that language, and a screen reader reads the Swedish words as English."""

from __future__ import annotations

from avtalsgen.documents.templateplaces import PartText
from avtalsgen.i18n import _

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def other_languages(part: PartText) -> list[str]:
    """Each paragraph of ``part`` with text in runs marked as another language than
    Swedish, naming the paragraph, the language and how to mark it Swedish."""
    found = []
    for paragraph in part.root.iter(f"{_W}p"):
        languages = []
        for run in paragraph.iter(f"{_W}r"):
            mark = run.find(f"{_W}rPr/{_W}lang")
            language = mark.get(f"{_W}val", "") if mark is not None else ""
            text = "".join(t.text or "" for t in run.iter(f"{_W}t"))
            foreign = language and not language.lower().startswith("sv") and text.strip()
            if foreign and language not in languages:
                languages.append(language)
        if languages:
            found.append(
                _(
                    "{place}: text marked as {languages}, not Swedish (pasted text keeps its "
                    "own language): a screen reader reads it as that language; select it and "
                    "mark it Swedish: in Word Review > Language > Set Proofing Language, in "
                    "LibreOffice Tools > Language > For Selection"
                ).format(place=part.places.describe(paragraph, ""), languages=", ".join(languages))
            )
    return found
