"""The language of avtalsgen's messages: Swedish by default, English on request.

Messages are written in English in the source, wrapped in :func:`_` (or :func:`ngettext`),
with named ``{placeholders}`` filled in by ``str.format`` after translation, so that a
translation may put them in another order::

    _("the period ends ({end}) before it starts ({start})").format(end=..., start=...)

The Swedish translations are gettext catalogues, one per package of avtalsgen
(``locale/sv/LC_MESSAGES/<package>.po``, compiled to ``.mo`` by ``scripts/catalog.py
compile``, which the set-up runs). The language is chosen by :func:`set_language` (the CLI's
``--lang``), else by the locale variables LC_ALL, LC_MESSAGES and LANG in that order (read
once, and again after each :func:`set_language`): the first that names a language decides,
a value starting with ``sv`` giving Swedish and any other English. Swedish when none names
one, since that is who uses avtalsgen: the C and POSIX locales (``C.UTF-8`` and the like,
what servers and containers are left at) name no language, and count as unset.
:func:`speak` chooses the language for the current context only (a web request: its task
and the threads it hands work to), over both.
"""

from __future__ import annotations

import datetime as dt
import gettext
import math
import os
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The languages avtalsgen speaks; English is the language of the source.
LANGUAGES = ("sv", "en")
#: The variables that choose the language of messages, strongest first (POSIX order).
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None
#: The language the locale variables chose, read when first asked for: :func:`set_language`
#: reads them again (as the command line, the warm server's child and the tests call it
#: after changing them), so that :func:`_` does not look at the environment on every call.
_of_environment: str | None = None
#: The language of the current context (:func:`speak`), over :data:`_chosen`.
_spoken: ContextVar[str | None] = ContextVar("avtalsgen_language", default=None)
#: Each language's catalogues, made when first asked for.
_catalogues: dict[str, gettext.NullTranslations] = {}


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """``sv`` or ``en`` from the locale variables; ``sv`` when none names a language."""
    env = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        value = env.get(variable, "")
        if value and not _names_no_language(value):
            return "sv" if value.lower().startswith("sv") else "en"
    return "sv"


def _names_no_language(locale: str) -> bool:
    """Whether ``locale`` is the C or POSIX locale (``C``, ``C.UTF-8``, ``POSIX``...)."""
    name = locale.partition(".")[0].partition("@")[0]
    return name in ("C", "POSIX")


def set_language(language: str | None) -> None:
    """Speak ``language`` (``sv`` or ``en``) from now on; ``None`` follows the environment."""
    global _chosen, _of_environment
    _check(language)
    _chosen = language
    _of_environment = None


def speak(language: str | None) -> None:
    """Speak ``language`` in the current context only (``contextvars``: a web request's task,
    and the threads it hands work to), whatever :func:`set_language` chose for the process;
    ``None`` speaks the process's language again. Each request of the web app speaks its
    user's language while others speak theirs."""
    _check(language)
    _spoken.set(language)


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak ``language`` inside the block only (the current context's language, whatever
    it was, again after it)."""
    _check(language)
    token = _spoken.set(language)
    try:
        yield
    finally:
        _spoken.reset(token)


def in_each_language(compose: Callable[[], str]) -> dict[str, str]:
    """The text ``compose`` makes, once in each language avtalsgen speaks (``{"sv": …,
    "en": …}``): for a record that a reader in either language reads later."""
    texts = {}
    for language in LANGUAGES:
        with speaking(language):
            texts[language] = compose()
    return texts


def _check(language: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")


def current_language() -> str:
    """The language messages are given in now: ``sv`` or ``en``."""
    spoken = _spoken.get()
    if spoken is not None:
        return spoken
    if _chosen is not None:
        return _chosen
    global _of_environment
    if _of_environment is None:
        _of_environment = language_from_environment()
    return _of_environment


def domains() -> list[str]:
    """The catalogues avtalsgen has: one per package (and ``avtalsgen`` for the top level)."""
    folder = LOCALE_DIR / "sv" / "LC_MESSAGES"
    return sorted(path.stem for path in folder.glob("*.po"))


def _translations() -> gettext.NullTranslations:
    language = current_language()
    found_before = _catalogues.get(language)
    if found_before is not None:
        return found_before
    catalogue = gettext.NullTranslations()
    if language != "en":
        for domain in domains():
            found = _catalogue(domain, language)
            if found is None:
                continue
            found.add_fallback(catalogue)
            catalogue = found
    _catalogues[language] = catalogue
    return catalogue


def _catalogue(domain: str, language: str) -> gettext.NullTranslations | None:
    """One package's catalogue: its compiled ``.mo``, or its ``.po`` compiled in memory when
    the ``.mo`` is missing or older (a checkout that changed the ``.po`` since the set-up
    compiled it would otherwise speak its new messages in English among Swedish ones)."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{domain}.po", folder / f"{domain}.mo"
    try:
        stale = not mo.exists() or mo.stat().st_mtime_ns < po.stat().st_mtime_ns
    except OSError:
        stale = False
    if stale:
        compiled = _compiled(po, domain, language)
        if compiled is not None:
            return compiled
    try:
        with mo.open("rb") as file:
            return gettext.GNUTranslations(file)
    except FileNotFoundError:  # not compiled, and no .po or Babel to compile it from
        return None


def _compiled(po: Path, domain: str, language: str) -> gettext.NullTranslations | None:
    """``po`` compiled as ``scripts/catalog.py compile`` does (fuzzy entries left out),
    kept in avtalsgen's cache (:mod:`avtalsgen.cache`) by the ``.po``'s SHA-256: compiled
    once, not in every process (compiling every stale catalogue with Babel took 220-250 ms
    of a process's first message). None where it is not cached and Babel is missing (the
    converter's bridge runs Debian's own Python)."""
    import hashlib
    import io

    from avtalsgen.cache import read_cached, write_cached

    try:
        data = po.read_bytes()
    except OSError:
        return None
    name = f"catalogues/{language}/{domain}-{hashlib.sha256(data).hexdigest()[:32]}.mo"
    cached = read_cached(name)
    if cached is not None:
        try:
            return gettext.GNUTranslations(io.BytesIO(cached))
        except (OSError, ValueError, IndexError, struct.error):
            pass  # a damaged item: compiled again below
    try:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po
    except ImportError:
        return None
    buffer = io.BytesIO()
    write_mo(buffer, read_po(io.BytesIO(data), locale=language, domain=domain), use_fuzzy=False)
    write_cached(name, buffer.getvalue())
    return gettext.GNUTranslations(io.BytesIO(buffer.getvalue()))


def _(message: str) -> str:
    """``message`` in the current language (English source text in, translation out)."""
    return _translations().gettext(message)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language as ``context`` uses it: a word other messages
    translate otherwise (the field ``titel``'s label "Title" is "Titel", the case list's
    column "Title" "Rubrik"). Marked for the catalogue by :func:`NC_`."""
    return _translations().pgettext(context, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` things, in the current language."""
    return _translations().ngettext(singular, plural, count)


class Lazy:
    """A message translated when it is read, not when it is made: ``_l("{file}: not a PDF",
    file=path)`` reads as ``_("{file}: not a PDF").format(file=path)`` in the language of
    the moment ``str()`` is called. An error made of one (``SigningError(_l(…))``) holds its
    message in every language avtalsgen speaks (:class:`avtalsgen.errors.AvtalsgenError`).
    A field is shown as it is, a :class:`Lazy` one and a callable one (a reason worded in
    the language of the moment) as they read then."""

    __slots__ = ("fields", "message")

    def __init__(self, message: str, fields: Mapping[str, object]) -> None:
        self.message = message
        self.fields = fields

    def __str__(self) -> str:
        return _(self.message).format(**{name: _read(value) for name, value in self.fields.items()})

    def __repr__(self) -> str:
        return f"_l({self.message!r})"


def _read(value: object) -> object:
    if isinstance(value, Lazy):
        return str(value)
    if callable(value) and not isinstance(value, type):
        return value()
    return value


def _l(message: str, /, **fields: object) -> Lazy:
    """``message`` with ``fields``, translated when it is read (see :class:`Lazy`); marked
    for the catalogue as :func:`_` is."""
    return Lazy(message, fields)


def join_words(words: Sequence[str], style: str = "and", *, language: str | None = None) -> str:
    """``words`` as a list in running text in the current language (``language``: in that
    one, "sv" for a document): "a, b and c", "a, b och c" (``style="or"``: "a, b or c",
    "a, b eller c"), by Babel's locale data. The one place a list is joined in words."""
    if len(words) < 2:
        return "".join(words)
    from babel.lists import format_list

    locale = "sv_SE" if (language or current_language()) == "sv" else "en_GB"
    return str(format_list(list(words), style="or" if style == "or" else "standard", locale=locale))


def format_number(value: float, decimals: int = 0) -> str:
    """``value`` with the current language's decimal sign and grouping: 1 234,5 or 1,234.5.

    A number of 0 or more (below 10**15) is written without Babel, as Babel writes it
    (rounding half to even of the number as written, a plain space or a comma between the
    groups): an unchanged rebuild shows a case's time and nothing else Babel formats, and
    loading Babel's numbers and Swedish locale data for it took about a tenth of that
    rebuild's CPU. Any other number (a negative one's minus sign is the locale's) is
    Babel's."""
    if math.isfinite(value) and 0 <= value < 10**15:
        exponent = Decimal(1).scaleb(-decimals)
        text = f"{Decimal(repr(value)).quantize(exponent, rounding=ROUND_HALF_EVEN):,f}"
        if current_language() == "sv":
            text = text.replace(",", " ").replace(".", ",")
        return text
    from babel.numbers import format_decimal

    locale = "sv_SE" if current_language() == "sv" else "en_GB"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    # A plain space: messages are read in terminals and copied into files.
    return str(format_decimal(value, format=pattern, locale=locale)).replace("\u00a0", " ")


def format_amount(value: int) -> str:
    """An amount in kronor in a message, grouped as the message's language writes it: in
    Swedish as the documents write it (``1 500 000``, with no-break spaces, by
    :func:`avtalsgen.documents.format.number`), in English ``1,500,000`` (Babel)."""
    if current_language() == "sv":
        from avtalsgen.documents.format import number

        return number(value)
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale="en_GB"))


#: Every time avtalsgen shows (messages, reports, a signature's appearance) is Swedish time.
TIME_ZONE = "Europe/Stockholm"


def swedish_time(value: dt.datetime) -> dt.datetime:
    """``value`` (aware; a naive time is taken as UTC) in Swedish time."""
    from zoneinfo import ZoneInfo

    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(ZoneInfo(TIME_ZONE))


def format_time(value: dt.datetime) -> str:
    """A moment as messages show it, in Swedish time with its offset:
    ``2026-12-06 14:03:21 +01:00 (svensk tid)``."""
    local = swedish_time(value)
    shown = local.strftime("%Y-%m-%d %H:%M:%S ") + local.isoformat()[-6:]
    return _("{time} (Swedish time)").format(time=shown)


def NC_(context: str, message: str) -> str:
    """Mark ``message`` for translation in ``context`` where it is defined, as :func:`N_`
    does; :func:`pgettext` translates it where it is shown."""
    return message


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is defined; :func:`_` translates it where it
    is shown (for texts in tables and constants made at import time)."""
    return message
