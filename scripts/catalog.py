"""avtalsgen's gettext catalogues, with Babel: extract, compile and check.

One catalogue per package of avtalsgen (``src/avtalsgen/locale/sv/LC_MESSAGES/<package>.po``;
``avtalsgen.po`` for the modules at the top), so that work on one package touches one file.

    python scripts/catalog.py extract   # update every .po from the source (keeps translations)
    python scripts/catalog.py compile   # write the .mo files (the set-up runs this)
    python scripts/catalog.py check     # every message translated, placeholders kept; exit 1

Messages are what the source wraps in ``_()``, ``N_()`` or ``ngettext()``, what the web
app's Jinja templates (``web/templates/*.html``) put in ``{% trans %}`` blocks or ``_()``
(read by Jinja's own extractor with the settings of the app's environment:
:func:`avtalsgen.web.app.templates_environment`), and the descriptions of the file models'
fields (their docstrings, which ``avtalsgen schema`` and the web app's forms show:
:func:`avtalsgen.model.schema.descriptions`); English is the source language.
"""

from __future__ import annotations

import datetime
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "avtalsgen"
LOCALE = PACKAGE / "locale"
LANGUAGE = "sv"
KEYWORDS = {"_": None, "_l": None, "N_": None, "ngettext": (1, 2), "NC_": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:[!:][^{}]*)?\}(?!\})")
#: The other placeholders a message may have: a template's (``%(name)s``: Jinja's trans
#: blocks and ``_()`` format with ``%``) and json-editor's (``{{0}}``: web/editortexts.py).
OTHER_PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)s|\{\{\d+\}\}")
#: Jinja's extractor with the settings of the web app's environment (web/app.py), so that a
#: message reads the same extracted as rendered.
TEMPLATE_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
TEMPLATE_OPTIONS = {
    "trim_blocks": "true", "lstrip_blocks": "true", "trimmed": "true", "newstyle_gettext": "true",
}  # fmt: skip

HEADER_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def domain_of(path: Path) -> str:
    """The catalogue a source file's messages belong to: its package below avtalsgen."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else "avtalsgen"


def sources() -> list[Path]:
    """avtalsgen's Python files."""
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


Message = tuple[str, Path, int, str | tuple[str, str]]
#: A message's context (:func:`avtalsgen.i18n.NC_`), or None, by the message as extracted.
CONTEXTS: dict[tuple[Path, int, str | tuple[str, str]], str] = {}


def templates() -> list[Path]:
    """avtalsgen's Jinja templates (the web app's pages)."""
    return sorted(PACKAGE.glob("*/templates/*.html"))


def marked() -> Iterator[Message]:
    """Every message the source and the templates mark: (domain, file, line, message)."""
    for path in sources():
        for line, message, _comments, context in extract_from_file(
            "python", str(path), keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
        ):
            if context:
                CONTEXTS[path, line, message] = context
            yield domain_of(path), path, line, message
    from jinja2.ext import babel_extract

    for path in templates():
        for line, message, _comments, _context in extract_from_file(
            babel_extract, str(path), keywords=TEMPLATE_KEYWORDS, comment_tags=(),
            options=TEMPLATE_OPTIONS, strip_comment_tags=True,
        ):  # fmt: skip
            yield domain_of(path), path, line, message


def described() -> Iterator[Message]:
    """The file models' field descriptions (never formatted: braces in them are text)."""
    from avtalsgen.model.schema import descriptions

    for text, path, line in descriptions():
        yield domain_of(path), path, line, text


def extract() -> Iterator[Message]:
    """Every message: those the source marks, and the models' descriptions."""
    yield from marked()
    yield from described()


def po_path(domain: str) -> Path:
    return LOCALE / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


def read_catalogue(domain: str) -> Catalog:
    path = po_path(domain)
    if not path.is_file():
        # A fixed header: the files change only where their messages do.
        return Catalog(
            locale=LANGUAGE, domain=domain, project="avtalsgen", version="1",
            copyright_holder="Region Norrbotten", msgid_bugs_address="",
            creation_date=HEADER_DATE, revision_date=HEADER_DATE,
            last_translator="avtalsgen", language_team="Swedish", fuzzy=False,
            header_comment="# Swedish messages of avtalsgen (scripts/catalog.py).",
        )  # fmt: skip
    with path.open("rb") as file:
        return read_po(file, locale=LANGUAGE, domain=domain)


def write_catalogue(domain: str, catalogue: Catalog) -> None:
    path = po_path(domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalogue, width=100, omit_header=False, no_location=False,
                 sort_output=False, include_lineno=False)  # fmt: skip


def update() -> None:
    """Bring every catalogue in line with the source: new messages added untranslated,
    messages no longer in the source dropped, translations kept."""
    wanted: dict[str, Catalog] = {}
    for domain, path, line, message in extract():
        template = wanted.setdefault(domain, Catalog(locale=LANGUAGE, domain=domain))
        template.add(
            message, locations=[(str(path.relative_to(PACKAGE.parent)), line)],
            context=CONTEXTS.get((path, line, message)),
        )  # fmt: skip
    for domain in sorted(set(wanted) | {p.stem for p in po_path("x").parent.glob("*.po")}):
        catalogue = read_catalogue(domain)
        catalogue.update(wanted.get(domain, Catalog(locale=LANGUAGE)), no_fuzzy_matching=True)
        catalogue.creation_date = catalogue.revision_date = HEADER_DATE
        catalogue.obsolete.clear()
        write_catalogue(domain, catalogue)
        print(f"{po_path(domain).relative_to(PACKAGE.parent.parent)}: {len(catalogue)} messages")


def compile_all() -> None:
    """Write each catalogue's .mo beside it."""
    for po in sorted((LOCALE / LANGUAGE / "LC_MESSAGES").glob("*.po")):
        catalogue = read_catalogue(po.stem)
        with po.with_suffix(".mo").open("wb") as file:
            write_mo(file, catalogue, use_fuzzy=False)


def placeholders(text: str) -> set[str]:
    """The placeholders of a message: each ``{name}`` by its name (doubled braces are
    literal), a template's ``%(name)s`` and json-editor's ``{{0}}`` as written."""
    return set(PLACEHOLDER.findall(text)) | set(OTHER_PLACEHOLDER.findall(text))


def problems() -> list[str]:
    """Messages without a Swedish translation, and translations that drop or add a
    placeholder; one line each, by file and line of the source."""
    found: list[str] = []
    catalogues: dict[str, Catalog] = {}
    checked = [(found, True) for found in marked()] + [(found, False) for found in described()]
    for (domain, path, line, message), formatted in checked:
        catalogue = catalogues.get(domain) or catalogues.setdefault(domain, read_catalogue(domain))
        where = f"{path.relative_to(PACKAGE.parent.parent)}:{line}"
        key = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(key, context=CONTEXTS.get((path, line, message)))
        shown = key if len(key) < 70 else key[:67] + "..."
        if (
            entry is None
            or not entry.string
            or (isinstance(entry.string, tuple) and not all(entry.string))
        ):
            found.append(f"{where}: no Swedish translation in {domain}.po: {shown!r}")
            continue
        if entry.fuzzy:
            found.append(f"{where}: the translation is marked fuzzy in {domain}.po: {shown!r}")
        if not formatted:
            continue
        sources = message if isinstance(message, tuple) else (message,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set().union(*(placeholders(s) for s in sources))
        given = [placeholders(s) for s in strings]
        # A plural form may leave out the count ("en fil"), but no form may add a
        # placeholder, and together they must use every one.
        if any(not g <= wanted for g in given) or set().union(*given) != wanted:
            found.append(
                f"{where}: the translation's placeholders {sorted(set().union(*given))} "
                f"differ from the message's {sorted(wanted)}: {shown!r}"
            )
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        listed = problems()
        for problem in listed:
            print(problem)
        return 1 if listed else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
