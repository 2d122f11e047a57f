"""The loader's messages said in the form's terms.

The loader speaks to whoever writes the YAML file: it names keys as they are written there
(``utbetalning: forsta_datum:``, ``(exempel: true)``, ``finansiarer[M].villkor``), says
``(null)`` for a field left empty and asks to "add the key 'dnr'" when a field is missing.
A form has labelled fields, tick boxes and buttons instead, so :func:`form_message` says the
same message with each key of the form's file by its label as the form shows it
(``Finansiering › Utbetalning › Första datum:``, ``Exempel ikryssad``), a value of a list of
choices as the list shows it (``bifall med ändring``), an empty field as empty, and a field
that is missing as one to fill in. What the user typed (in quotes), placeholders
(``{belopp_arligen}``), files, Dnr and dates stay as they are; a key the form's schema does
not have (the program file's) stays as the file writes it, after the file's name.
"""

from __future__ import annotations

import re
from typing import Any

from avtalsgen.i18n import _
from avtalsgen.web.forms import choice, label

#: What is kept as it is: text in quotes (what was typed, a document's words), a
#: placeholder, a file's name or path, a Dnr, a date.
_KEPT = re.compile(
    r"'[^']*'|‘[^’]*’|”[^”]*”|“[^”]*”|\"[^\"]*\""
    r"|\{[a-z_]+\}"
    r"|[\w./-]+\.(?:yaml|pdf|docx|json|html|eml|p12|pem)\b"
    r"|RUN-\d{5}-\d{4}|\d{4}-\d{2}-\d{2}"
)
#: A key written as in the file: lower-case ASCII words joined by underscores.
_KEY = r"[a-z]+(?:_[a-z0-9]+)*"
#: ``{bestammelse: …, datum: …}``: a mapping written as in the file.
_MAPPING = re.compile(r"\{(?P<body>" + _KEY + r": [^{}]*)\}")
#: ``exempel: true``: a tick box's value.
_TICK = re.compile(r"(?<![\w.])(?P<key>" + _KEY + r"): (?P<value>true|false)\b")
#: ``utbetalning: forsta_datum: ``: keys nested in the file, each before a colon; one key
#: alone only when written with an underscore, after a bracket, ``(kalla: …``, or before a
#: mapping, ``sekretess: {…}``, not a word of the message before its colon ("inget belopp:
#: skriv …").
_CHAIN = re.compile(
    r"(?<![\w.\[])(?P<keys>" + _KEY + r"(?:: " + _KEY + r")+): "
    r"|(?<=\()(?P<key>" + _KEY + r"): |(?<![\w.\[])(?P<named>[a-z]+(?:_[a-z0-9]+)+): "
    r"|(?<![\w.\[])(?P<mapped>" + _KEY + r"): (?=\()"
)
#: ``paragrafer[0].finansiering``, ``finansiarer[M].villkor``, ``finansiering.kallor``: a
#: field inside others (each key of two letters or more: "t.ex." is no field).
_PATH = re.compile(
    r"(?<![\w.\[])[a-z]{2,}(?:_[a-z0-9]+)*(?:\[(?:\d+|[A-Z])\])?"
    r"(?:\.[a-z]{2,}(?:_[a-z0-9]+)*(?:\[(?:\d+|[A-Z])\])?)+(?![\w\[])"
    r"|(?<![\w.\[])[a-z]{2,}(?:_[a-z0-9]+)*\[(?:\d+|[A-Z])\](?![\w.\[])"
)
#: A key or a value of a list of choices in brackets, ``(andring)``, or one written with
#: underscores anywhere, ``bifall_med_andring``.
_ALONE = re.compile(r"(?<=\()" + _KEY + r"(?=\))|(?<![\w{.-])[a-z]+(?:_[a-z0-9]+)+(?![\w}.-])")
#: A key after "under" (Swedish and English alike): "skriv periodens sista dag under slut".
_UNDER = re.compile(r"(?<!\w)under (" + _KEY + r")(?![\w.\[])")
#: A word alone: a value of a list of choices that the form spells otherwise
#: (``aterremiss``: återremiss).
_WORD = re.compile(r"(?<![\w{.-])[a-z]+(?![\w}.-])")
#: ``(null)`` after a word, or standing for an empty value.
_NULL = re.compile(r" ?\(null\)|\bnull\b")


def _properties(node: Any) -> dict[str, Any]:
    if not isinstance(node, dict):
        return {}
    found = node.get("properties")
    return found if isinstance(found, dict) else {}


def _child(node: Any, key: str) -> Any:
    """The schema of ``key`` inside ``node``, looking through lists and the forms a field
    may take (``oneOf``); None when it has none."""
    if not isinstance(node, dict):
        return None
    if key in _properties(node):
        return _properties(node)[key]
    for inner in [node.get("items"), *(node.get("oneOf") or [])]:
        found = _child(inner, key)
        if found is not None:
            return found
    return None


def _nodes_along(field: str | None, schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema's node of each field that encloses ``field`` (the loader's name of the
    field a message is about), the innermost first, the whole file's last."""
    nodes = [schema]
    node: Any = schema
    for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", field or ""):
        node = _child(node, name)
        if not isinstance(node, dict):
            break
        nodes.append(node)
    return nodes[::-1]


def _everywhere(node: Any, key: str, found: list[dict[str, Any]]) -> None:
    if not isinstance(node, dict):
        return
    for name, child in _properties(node).items():
        if name == key and isinstance(child, dict):
            found.append(child)
        _everywhere(child, key, found)
    for inner in [node.get("items"), *(node.get("oneOf") or [])]:
        _everywhere(inner, key, found)


class _Words:
    """The labels of one form's fields, found from the field a message is about."""

    def __init__(self, field: str | None, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.around = _nodes_along(field, schema)

    def titles(self, parts: list[tuple[str, str | None]]) -> list[str] | None:
        """The labels of keys nested in the file (each with its list index, a digit, a
        letter for "any", or None), as the form shows them; None if the form has no such
        field (a key of another file)."""
        first = parts[0][0]
        start = next((node for node in self.around if _child(node, first) is not None), None)
        if start is None:
            anywhere: list[dict[str, Any]] = []
            _everywhere(self.schema, first, anywhere)
            if not anywhere:
                return None
            node: Any = {"properties": {first: anywhere[0]}}
        else:
            node = start
        titles = []
        for key, index in parts:
            node = _child(node, key)
            if not isinstance(node, dict):
                return None
            title = str(node.get("title") or label(key))
            if index is not None:
                items = node.get("items")
                items = items if isinstance(items, dict) else {}
                item = str(items.get("title") or "")
                if item:
                    title = item[:1].upper() + item[1:]
                    if index.isdigit():
                        title = f"{title} {int(index) + 1}"
                node = items
            titles.append(title)
        return titles

    def path(self, text: str) -> str | None:
        parts = [
            (match["key"], match["index"])
            for match in re.finditer(r"(?P<key>[a-z_0-9]+)(?:\[(?P<index>\w+)\])?", text)
        ]
        titles = self.titles(parts)
        return " › ".join(titles) if titles else None

    def value(self, word: str) -> str | None:
        """A key of the form as its label, or a value of a list of choices as the list
        shows it; None for any other word."""
        titles = self.titles([(word, None)])
        if titles:
            return titles[0]
        return choice(word) if word in _choices(self.schema) else None


def _choices(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("enum"), list):
            found.update(str(value) for value in node["enum"] if value)
        for child in node.values():
            found |= _choices(child)
    elif isinstance(node, list):
        for child in node:
            found |= _choices(child)
    return found


def _missing_patterns() -> list[re.Pattern[str]]:
    """The loader's "required field is missing" messages, and its message of an empty list
    (which says how to add items in the file), in the language of the moment."""
    from avtalsgen.input.messages import EMPTY_LIST, MISSING, MISSING_AT_TOP

    texts = (_(MISSING_AT_TOP), _(MISSING), _(EMPTY_LIST))
    return [
        re.compile(
            "^"
            + re.escape(text)
            .replace(re.escape("{key}"), r"(?P<key>\w+)")
            .replace(re.escape("{what}"), ".*")
            + "$",
            re.DOTALL,
        )
        for text in texts
    ]


def _missing(field: str | None, schema: dict[str, Any]) -> str:
    """A field the form sent empty, said as the form has it: a list to add to, fields to
    fill in, or a field to fill in."""
    node = _nodes_along(field, schema)[0]
    if node.get("type") == "array":
        items = node.get("items")
        item = str((items if isinstance(items, dict) else {}).get("title") or _("item"))
        return _("nothing added yet: add one with the button “Add {item}”").format(item=item)
    if node.get("type") == "object":
        return _("not filled in: fill in the fields under it")
    return _("empty: fill it in")


def form_message(message: str, field: str | None, schema: dict[str, Any]) -> str:
    """The loader's ``message`` about ``field`` (its name in the file, None for the file as
    a whole) said in the terms of the form drawn from ``schema`` (see the module's
    docstring)."""
    for pattern in _missing_patterns():
        if pattern.match(message):
            return _missing(field, schema)
    words = _Words(field, schema)
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match[0])
        return f"\0{len(kept) - 1}\0"

    text = _KEPT.sub(keep, message)
    text = _NULL.sub(lambda match: "" if match[0].startswith((" ", "(")) else _("empty"), text)

    def ticked(match: re.Match[str]) -> str:
        title = words.value(match["key"])
        if title is None:
            return match[0]
        if match["value"] == "true":
            return _("{field} ticked").format(field=title)
        return _("{field} not ticked").format(field=title)

    text = _TICK.sub(ticked, text)

    def mapping(match: re.Match[str]) -> str:
        pairs = [item.split(": ", 1) for item in match["body"].split(", ")]
        said = []
        for pair in pairs:
            title = words.value(pair[0]) if len(pair) == 2 else None
            if title is None:
                return match[0]
            said.append(f"{title} {pair[1]}")
        return "(" + ", ".join(said) + ")"

    text = _MAPPING.sub(mapping, text)

    def chain(match: re.Match[str]) -> str:
        keys = match["keys"] or match["key"] or match["named"] or match["mapped"]
        titles = words.titles([(key, None) for key in keys.split(": ")])
        return " › ".join(titles) + ": " if titles else match[0]

    text = _CHAIN.sub(chain, text)
    text = _PATH.sub(lambda match: words.path(match[0]) or match[0], text)
    text = _ALONE.sub(lambda match: words.value(match[0]) or match[0], text)
    text = _UNDER.sub(lambda match: f"under {words.value(match[1]) or match[1]}", text)
    respelled = {value for value in _choices(schema) if choice(value) != value}
    text = _WORD.sub(lambda match: choice(match[0]) if match[0] in respelled else match[0], text)
    return re.sub("\0(\\d+)\0", lambda match: kept[int(match[1])], text)
