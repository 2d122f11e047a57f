"""Swedish formatting of amounts, dates and ranges (Babel), offered to templates as filters."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, Final

from babel.dates import format_date
from babel.numbers import format_decimal

from avtalsgen.documents.months import MONTHS
from avtalsgen.i18n import join_words

LOCALE = "sv_SE"
NBSP = "\u00a0"
EN_DASH = "\u2013"
#: What a template shows for a fact the case leaves to be filled in later.
MISSING = "[uppgift saknas]"

_SEASONS = {
    12: "vintern", 1: "vintern", 2: "vintern",
    3: "våren", 4: "våren", 5: "våren",
    6: "sommaren", 7: "sommaren", 8: "sommaren",
    9: "hösten", 10: "hösten", 11: "hösten",
}  # fmt: skip


def number(value: int | Fraction) -> str:
    """A number the Swedish way: non-breaking space between thousands, decimal comma."""
    if isinstance(value, Fraction):
        if value.denominator == 1:
            value = value.numerator
        else:
            return str(format_decimal(float(value), locale=LOCALE, decimal_quantization=False))
    return _integer(value)


@functools.lru_cache(maxsize=4096)
def _integer(value: int) -> str:
    # Babel takes about 0.1 ms a number; a case's documents state the same few amounts
    # dozens of times (every financier, avtalsår, budget year and payment, and the checks).
    return str(format_decimal(value, locale=LOCALE))


#: An amount's digit groups written with spaces (1 800 000), not within a longer number or
#: after a decimal comma.
_GROUPED: Final = re.compile(r"(?<![\d,.])\d{1,3}(?: \d{3})+(?![\d,])")
#: The months as a date in running text names them.
_MONTHS: Final = "|".join(MONTHS)
#: A space between an amount and its unit, beside a § sign and its number, and inside a
#: chapter reference.
_BESIDE: Final = re.compile(
    r"(?<=\d) (?=(?:kronor|kr|miljoner|miljarder|mnkr|tkr|SEK|procent|%)(?!\w))"  # 800 000 kr
    r"|(?<=§) (?=\d)"  # § 211
    r"|(?<=\d) (?=§)"  # 13 kap. 2 §
    r"|(?<=\d) (?=kap\.)|(?<=\bkap\.) (?=\d)"  # 13 kap. 8 §
)
#: A date in running text, ``1 januari 2027`` or ``1 januari``.
_DATE: Final = re.compile(rf"(?<![\d,.])\d{{1,2}} (?:{_MONTHS})(?: \d{{4}}(?!\d))?(?!\w)")


#: An en dash between the parts of a range of dates, after a year ("2027–2029",
#: "1 januari 2029–31 december 2029", "2024-01-01–2026-12-31"): a line may break after a
#: dash (Unicode's class BA). Not a range of § numbers or pages ("§§ 41–42"), which the
#: notices' and packets' checks read as typed.
_RANGE_DASH: Final = re.compile("(?:(?<=\\d{4})|(?<=\\d-\\d\\d))\u2013(?=\\d)")
#: U+2060 WORD JOINER: no line break on either side, no width; LibreOffice honours it.
WORD_JOINER: Final = "\u2060"


#: A hyphen with a space on each side between two words: a financier's name as the seed
#: spells it, "Region Norrbotten - ERP".
_SPACED_HYPHEN: Final = re.compile(r"(?<=\w) - (?=\w)")


def keep_together(text: str) -> str:
    """``text`` with a no-break space where a line must not break: between an amount's
    digit groups (1 800 000), between an amount and its unit (800 000 kronor, 12 %),
    between a § sign and its number (§ 211, 2 §), between the parts of a chapter reference
    (13 kap. 8 §) and of a date in running text (1 januari 2027, as Swedish typography
    keeps them on one line), as the documents' own amounts are written
    (:func:`kronor`), and on each side of a hyphen spaced between two words ("Region
    Norrbotten - ERP", which broke as "Region Norrbotten -" / "ERP"; the hyphen itself is
    made a non-breaking one with the Dnrs': :mod:`avtalsgen.documents.dnr`); and with a word
    joiner after the en dash of a range of dates (1 januari 2029–31 december 2029), which
    broke as "(1 januari 2029–" / "31 december 2029)": LibreOffice honours it and leaves it
    out of the PDF's text, so the fact checks read the range as before. Typed text (a
    decision's points, an ändring, a clause) is written with plain spaces; every text a
    template prints goes through this (:mod:`avtalsgen.documents.render`)."""
    text = _RANGE_DASH.sub(f"\u2013{WORD_JOINER}", text)
    if " " not in text:
        return text
    text = _GROUPED.sub(lambda match: match[0].replace(" ", NBSP), text)
    text = _SPACED_HYPHEN.sub(f"{NBSP}-{NBSP}", text)
    text = _DATE.sub(lambda match: match[0].replace(" ", NBSP), text)
    return _BESIDE.sub(NBSP, text)


def belopp(value: int) -> str:
    """An amount for a table cell: ``6 000 000``."""
    return number(value)


def kr(value: int) -> str:
    """An amount with the short unit: ``6 000 000 kr``."""
    return f"{number(value)}{NBSP}kr"


def kronor(value: int) -> str:
    """An amount in running text: ``2 000 000 kronor``."""
    return f"{number(value)}{NBSP}kronor"


def iso(value: dt.date | None) -> str:
    """A date for headers and tables: ``2023-10-01``; a placeholder while unknown."""
    return value.isoformat() if value is not None else MISSING


def datum_text(value: dt.date | None) -> str:
    """A date in running text: ``den 1 oktober 2023``."""
    if value is None:
        return MISSING
    return "den " + _date_words(value)


def intervall_text(start: dt.date, slut: dt.date) -> str:
    """A range of dates inside a sentence, as running text writes dates: ``1 augusti
    2026–31 juli 2027`` (:func:`intervall` is for headers and tables)."""
    return f"{_date_words(start)}{EN_DASH}{_date_words(slut)}"


def _date_words(value: dt.date) -> str:
    """A date as running text writes it, without its ``den``: ``1 oktober 2023``."""
    return str(format_date(value, "d MMMM y", locale=LOCALE))


def period_text(start: dt.date, slut: dt.date) -> str:
    """A period in running text: ``från och med den 1 januari 2024 till och med den 31
    december 2029`` (ISO dates and an en dash are for headers and tables)."""
    return f"från och med {datum_text(start)} till och med {datum_text(slut)}"


def termin(value: dt.date) -> str:
    """When a date falls, for running text after a verb or "med början": the season,
    ``hösten 2023``; but the month in the winter, ``i februari 2024``, since "vintern 2024"
    is both the winter that ends in February 2024 and the one that starts in December."""
    if _SEASONS[value.month] == "vintern":
        return "i " + str(format_date(value, "MMMM y", locale=LOCALE))
    return f"{_SEASONS[value.month]} {value.year}"


def tidslangd(months: int) -> str:
    """A length of time in running text: ``3 år`` in whole years, else ``18 månader``
    (never ``1,5 år``)."""
    if months % 12 == 0:
        return f"{number(months // 12)}{NBSP}år"
    return f"{number(months)}{NBSP}{'månad' if months == 1 else 'månader'}"


def ar_och_manader(months: int) -> str:
    """A length of time in running text in years and months: ``8 år och 6 månader``,
    ``9 år``, ``6 månader`` (where :func:`tidslangd` would write ``102 månader``)."""
    years, rest = divmod(months, 12)
    parts = [f"{number(years)}{NBSP}år"] if years else []
    if rest or not years:
        parts.append(f"{number(rest)}{NBSP}{'månad' if rest == 1 else 'månader'}")
    return " och ".join(parts)


def intervall(start: Any, slut: Any) -> str:
    """A range with an en dash, ``2023–2026`` or ``2023-10-01–2026-09-30``."""

    def one(value: Any) -> str:
        if value is None or isinstance(value, dt.date):
            return iso(value)
        return str(value)

    return f"{one(start)}{EN_DASH}{one(slut)}"


def ifylls(value: str | None, label: str | None = None) -> str:
    """A fact that may be unknown: the value, or a visible placeholder; ``label`` names
    the fact before the placeholder ("Namnförtydligande: [uppgift saknas]") where nothing
    around it does."""
    if value is not None:
        return value
    return f"{label}: {MISSING}" if label else MISSING


#: The filters every template may use, by name.
FILTERS: dict[str, Callable[..., str]] = {
    "belopp": belopp,
    "kr": kr,
    "kronor": kronor,
    "iso": iso,
    "datum_text": datum_text,
    "termin": termin,
    "tidslangd": tidslangd,
    "intervall": intervall,
    "ifylls": ifylls,
    "tal": number,
}


def och(words: Sequence[str]) -> str:
    """``words`` as a document lists them: "a, b och c" (:func:`~avtalsgen.i18n.join_words`
    in Swedish, whatever the language of messages)."""
    return join_words(words, language="sv")


def genitive(name: str) -> str:
    """``regionala utvecklingsnämnden`` → ``regionala utvecklingsnämndens`` (no s after s,
    x or z)."""
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


def in_running_text(organ: str) -> str:
    """A committee's name inside a sentence: ``Regionala utvecklingsnämnden`` →
    ``regionala utvecklingsnämnden`` (the region's usage); a name whose second letter is a
    capital (an acronym such as RUN) is left as it is."""
    if len(organ) > 1 and organ[1].isupper():
        return organ
    return organ[:1].lower() + organ[1:]
