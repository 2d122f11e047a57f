"""Forms generated from the models' JSON Schema, and the loader's messages put at their fields.

The browser's form editor (@json-editor/json-editor) draws a form from a JSON Schema. The
schema here is avtalsgen's own (:func:`avtalsgen.model.schema.json_schema`, each field
described by its docstring), made simpler for a form: references written out, a value that
may be null shown as an input that may be left empty, long texts as text areas, and each
field labelled by its key written as a word and helped by its description said in words
(:mod:`avtalsgen.web.helptext`), an amount in kronor as a text grouped as Swedish writes
it (2 000 000). A new field in a model needs no web code.

What the form sends back is made plain again (an empty input of a field that may be null is
null, an amount typed with or without spaces its whole kronor), merged into the YAML file
and validated by the CLI's loader, whose messages (``file:line: field: message``) are shown
at the field they name.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from avtalsgen.i18n import N_, NC_, _, current_language, pgettext

#: Swedish words that case-file keys write in ASCII; a label shows them as they are spelled.
SPELLING = {
    "ar": "år",
    "arende": "ärende",
    "arenden": "ärenden",
    "aktor": "aktör",
    "avdelning": "avdelning",
    "handlaggare": "handläggare",
    "kalla": "källa",
    "namnd": "nämnd",
    "omrade": "område",
    "ordforande": "ordförande",
    "forsta": "första",
    "uppfoljning": "uppföljning",
    "utvardering": "utvärdering",
    "forslaget": "förslaget",
    "utelamna": "utelämna",
    "ersatt": "ersätt",
    "tillagg": "tillägg",
    "finansiar": "finansiär",
    "finansiarer": "finansiärer",
    "medfinansiarer": "medfinansiärer",
    "utdelningsadress": "utdelningsadress",
    "overklagande": "överklagande",
    "forlangning": "förlängning",
    "kortnamn": "kortnamn",
    "sammantrade": "sammanträde",
    "omedelbart": "omedelbart",
    "skickas": "skickas",
    "efter": "efter",
    "malgrupp": "målgrupp",
    "lan": "län",
    "avtalsar": "avtalsår",
    "kalenderar": "kalenderår",
    "budgetar": "budgetår",
    "beslutsforslaget": "beslutsförslaget",
    "satt": "sätt",
    "andring": "ändring",
    "avstar": "avstår",
    "jav": "jäv",
    "bestammelse": "bestämmelse",
    "aterremiss": "återremiss",
    "bordlaggning": "bordläggning",
    "arsvis": "årsvis",
    "forskott": "förskott",
    "godkand": "godkänd",
    "eu": "EU-",
    "upphorande": "upphörande",
    "fran": "från",
    "kallor": "källor",
    "epost": "e-post",
}

#: The fields that hold an amount in kronor (a list of such amounts: each of its rows). The
#: form shows them grouped as Swedish writes them (2 000 000) and takes them back with or
#: without spaces.
AMOUNTS = frozenset({"belopp", "belopp_per_ar", "belopp_per_avtalsar", "totalt"})
#: The spaces an amount may be grouped with: a space, a no-break space (Babel's, and what
#: the form shows) and the narrow and thin spaces some keyboards and programs give.
_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009")

#: Each field's label by its key, in English; in Swedish the key in words (web.po says each
#: as :func:`spelled` does: ``belopp_per_ar``, "Amount per year", "Belopp per år"). Domain
#: words without an English one stay Swedish in both: Dnr, beslutsförslag, justerare,
#: anslag, justering. A key not here is labelled by :func:`spelled` in both languages.
FIELD_LABELS: dict[str, str] = {
    "adress": NC_("field", "Address"),
    "aktor": NC_("field", "Actor"),
    "andring": NC_("field", "Change"),
    "anslagsdatum": NC_("field", "Anslag date"),
    "ar": NC_("field", "Year"),
    "arenden": NC_("field", "Cases"),
    "avdelning": NC_("field", "Department"),
    "avstar": NC_("field", "Abstaining"),
    "avtal": NC_("field", "Agreement"),
    "belopp": NC_("field", "Amount"),
    "belopp_per_ar": NC_("field", "Amount per year"),
    "belopp_per_avtalsar": NC_("field", "Amount per agreement year"),
    "belopp_per_kalenderar": NC_("field", "Amount per calendar year"),
    "beslut": NC_("field", "Decision"),
    "beslutspunkter": NC_("field", "Decision points"),
    "bestammelse": NC_("field", "Provision"),
    "bilagor": NC_("field", "Attachments"),
    "budgetar_i_beslutsforslaget": NC_("field", "Budget years in the beslutsförslag"),
    "datum": NC_("field", "Date"),
    "efter": NC_("field", "After"),
    "ej_i_avtalet": NC_("field", "Not in the agreement"),
    "epost": NC_("field", "E-mail"),
    "ersatt": NC_("field", "Replace"),
    "exempel": NC_("field", "Example"),
    "extern_utvardering_senast": NC_("field", "External evaluation by"),
    "fil": NC_("field", "File"),
    "finansiar": NC_("field", "Financier"),
    "medfinansiarer": NC_("field", "Co-financiers"),
    "medfinansiarer_per_kalenderar": NC_("field", "Co-financiers per calendar year"),
    "finansiarer": NC_("field", "Financiers"),
    "finansiering": NC_("field", "Financing"),
    "forsta_datum": NC_("field", "First date"),
    "forsta_uppfoljning": NC_("field", "First follow-up"),
    "fran": NC_("field", "From"),
    "handlaggare": NC_("field", "Case officer"),
    "id": NC_("field", "Id"),
    "ja": NC_("field", "Yes"),
    "jav": NC_("field", "Disqualified"),
    "justerare": NC_("field", "Justerare"),
    "justeringsdatum": NC_("field", "Justering date"),
    "kalla": NC_("field", "Source"),
    "klausuler": NC_("field", "Clauses"),
    "kortnamn": NC_("field", "Short name"),
    "markerad_av": NC_("field", "Marked by"),
    "motivering": NC_("field", "Reasons"),
    "namn": NC_("field", "Name"),
    "namnd": NC_("field", "Committee"),
    "nej": NC_("field", "No"),
    "ny_slutdag": NC_("field", "New last day"),
    "omedelbart_justerad": NC_("field", "Justerad at once"),
    "omrade": NC_("field", "Area"),
    "ordforande": NC_("field", "Chair"),
    "ordning": NC_("field", "Voting order"),
    "organisationsnummer": NC_("field", "Organisation number"),
    "ort": NC_("field", "Town"),
    "paragraf": NC_("field", "Paragraph"),
    "paragrafer": NC_("field", "Paragraphs"),
    "period": NC_("field", "Period"),
    "plats": NC_("field", "Place"),
    "postnummer": NC_("field", "Postcode"),
    "program": NC_("field", "Program"),
    "protokollsutdrag_till": NC_("field", "Extracts sent to"),
    "reservationer": NC_("field", "Reservations"),
    "rubrik": NC_("field", "Heading"),
    "satt": NC_("field", "Method"),
    "sekreterare": NC_("field", "Secretary"),
    "sekretess": NC_("field", "Secrecy"),
    "sista_dag": NC_("field", "Last day"),
    "skickas_till": NC_("field", "Sent to"),
    "slag": NC_("field", "Kind"),
    "slut": NC_("field", "End"),
    "start": NC_("field", "Start"),
    "syfte": NC_("field", "Purpose"),
    "text": NC_("field", "Text"),
    "tillagg": NC_("field", "Addition"),
    "titel": NC_("field", "Title"),
    "totalt": NC_("field", "Total"),
    "typ": NC_("field", "Type"),
    "undertecknare": NC_("field", "Signatory"),
    "utbetalning": NC_("field", "Payment"),
    "utdelningsadress": NC_("field", "Street address"),
    "utelamna": NC_("field", "Leave out"),
    "utfall": NC_("field", "Outcome"),
    "villkor": NC_("field", "Conditions"),
    "votering": NC_("field", "Vote"),
}

#: The labels of :data:`FIELD_LABELS` that are Swedish words in English too.
SWEDISH_LABELS = frozenset({"justerare"})

#: What one item of a list of the models is called (by the model's name): the form's
#: buttons say "Lägg till finansiär", its headings "Finansiär 1" ("Add financier",
#: "Financier 1"); web.po has the Swedish.
ITEM_TITLES = {
    "Finansiar": NC_("item", "financier"),
    "Kalenderarsbelopp": NC_("item", "calendar year"),
    "ErsattKlausul": NC_("item", "replaced clause"),
    "NyKlausul": NC_("item", "new clause"),
    "Bilaga": NC_("item", "attachment"),
    "Paragraf": NC_("item", "paragraph"),
    "Reservation": NC_("item", "reservation"),
}

#: What one row of a list of texts or amounts is called (by the list's key): the table's
#: column heading and its button say "Beslutspunkt", "Lägg till beslutspunkt", not "rad".
ROW_TITLES = {
    "beslutspunkter": NC_("item", "decision point"),
    "beslut": NC_("item", "decision point"),
    "villkor": NC_("item", "condition"),
    "protokollsutdrag_till": NC_("item", "recipient"),
    "skickas_till": NC_("item", "recipient"),
    "belopp_per_avtalsar": NC_("item", "amount for agreement year"),
    "utelamna": NC_("item", "clause to leave out"),
    "justerare": NC_("item", "justerare"),
    "jav": NC_("item", "disqualified member"),
    "ej_i_avtalet": NC_("item", "point number"),
}

#: A paragraph's sections that only some outcomes use, and those each outcome (Utfall) uses
#: ("": none chosen, which the loader reads as bifall, or bifall med ändring when the
#: paragraph changes the proposal): the form shows a paragraph only the sections its
#: outcome uses, and any that holds something (``x-outcome-fields`` of the paragraph's
#: schema, read by the page's script). A tillägg is granted, rejected, referred back or
#: postponed; a motivering is an
#: avslag's, an återremiss's or a bordläggning's, or a tillägg's (:data:`SHOWN_WITH`); a
#: changed financing and its words are a bifall med ändring's.
OUTCOME_FIELDS: dict[str, tuple[str, ...]] = {
    "": ("beslut", "finansiering", "andring", "ej_i_avtalet", "tillagg"),
    "bifall": ("beslut", "ej_i_avtalet", "tillagg"),
    "bifall_med_andring": ("beslut", "finansiering", "andring", "ej_i_avtalet"),
    "avslag": ("beslut", "motivering", "tillagg"),
    "aterremiss": ("beslut", "motivering", "tillagg"),
    "bordlaggning": ("beslut", "motivering", "tillagg"),
}

#: Sections a paragraph shows whatever its outcome once the section named holds something:
#: a tillägg's reasons (``motivering``), which the model takes of a granted change too
#: (fix18a), not of a bifall without one.
SHOWN_WITH: dict[str, tuple[str, ...]] = {"tillagg": ("motivering",)}

#: Fields the form does not show: a meeting's folder of case files (``arenden``), which is
#: ``..`` for every meeting file the web app keeps (in ``sammantraden/`` below the cases);
#: the form showed ".." with a help text about folders. The file's value is kept as it is.
HIDDEN = frozenset({"arenden"})

#: An empty choice of a list of choices that may be left out.
NOT_GIVEN = N_("(not given)")

#: A problem line of the loader: ``file:line: field: message``.
PROBLEM = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+): "
    r"(?P<field>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*): "
    r"(?P<message>.*)$",
    re.DOTALL,
)


def label(key: str) -> str:
    """A field's label from its key, in the current language: ``belopp_per_ar`` → ``Belopp
    per år``, ``Amount per year`` (:data:`FIELD_LABELS`)."""
    if key in FIELD_LABELS:
        return pgettext("field", FIELD_LABELS[key])
    return spelled(key)


def spelled(key: str) -> str:
    """A key in the Swedish words it spells, as a label: ``belopp_per_ar`` → ``Belopp per
    år``."""
    words = [SPELLING.get(word, word) for word in key.split("_")]
    text = " ".join(words).replace("- ", "-")
    return text[:1].upper() + text[1:]


def choice(value: str) -> str:
    """A value of a list of choices as the form shows it: ``bifall_med_andring`` →
    ``bifall med ändring``, ``eu_projekt`` → ``EU-projekt``."""
    text = " ".join(SPELLING.get(word, word) for word in value.split("_"))
    return text.replace("- ", "-")


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            target = copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]])
            rest = {k: v for k, v in node.items() if k != "$ref"}
            return _inline({**target, **rest}, defs)
        return {key: _inline(value, defs) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


def _nullable_branch(node: dict[str, Any]) -> dict[str, Any] | None:
    """The non-null branch of ``anyOf: [X, null]``, or None."""
    options = node.get("anyOf")
    if not isinstance(options, list) or len(options) != 2:
        return None
    others = [o for o in options if o != {"type": "null"}]
    return others[0] if len(others) == 1 else None


def _for_form(node: Any, key: str | None) -> Any:
    if not isinstance(node, dict):
        return node
    node = dict(node)
    branch = _nullable_branch(node)
    if branch is not None:
        extra = {k: v for k, v in node.items() if k != "anyOf"}
        node = {**branch, **extra}
        node["x-nullable"] = True
        if node.get("default") is None:
            node.pop("default", None)
    if key is not None:
        node["title"] = label(key)
        if current_language() != "sv" and (key not in FIELD_LABELS or key in SWEDISH_LABELS):
            # A label the English form says in Swedish too (Dnr, Justerare): the page's
            # script marks it as Swedish, as it marks every value.
            node["x-label-lang"] = "sv"
    if key in HIDDEN:
        node.setdefault("options", {})["hidden"] = True
    kind = node.get("type")
    if key in AMOUNTS and kind == "array" and isinstance(node.get("items"), dict):
        node["items"] = {**node["items"], "x-amount": True}
    if (key in AMOUNTS or node.pop("x-amount", False)) and kind == "integer":
        # A text input: the amount grouped (2 000 000), read back by :func:`normalise`.
        for bound in ("minimum", "maximum", "default"):
            node.pop(bound, None)
        node["type"] = kind = "string"
        node["x-amount"] = True
        node.setdefault("options", {})["inputAttributes"] = {
            "inputmode": "numeric", "autocomplete": "off",
        }  # fmt: skip
    if kind == "boolean":
        node["format"] = "checkbox"
    if kind in ("integer", "number") and node.get("default") is None:
        # A new row's number starts empty (the editor would put 0 in it).
        node["default"] = None
    if kind == "string" and isinstance(node.get("enum"), list):
        # A list to choose from, each choice in words; one that may be left out starts
        # with an empty choice.
        choices = [str(value) for value in node["enum"]]
        if node.get("x-nullable"):
            choices = ["", *choices]
        node["enum"] = choices
        node.setdefault("options", {})["enum_titles"] = [
            choice(value) if value else _(NOT_GIVEN) for value in choices
        ]
    elif kind == "string":
        if node.get("format") == "date":
            # A text input: the browser's date input shows its own locale's order, and the
            # form checks nothing itself (the server does, with the CLI's loader).
            del node["format"]
            node.setdefault("options", {})["inputAttributes"] = {
                "placeholder": _("YYYY-MM-DD"), "inputmode": "numeric", "autocomplete": "off",
            }  # fmt: skip
        elif "maxLength" not in node and "pattern" not in node and not node.get("x-amount"):
            node["format"] = "textarea"
        if node.get("x-nullable"):
            node.pop("minLength", None)
    # The server validates (with the CLI's loader); the browser only draws the form.
    node.pop("pattern", None)
    node.pop("minLength", None)
    node.pop("maxLength", None)
    node.pop("minItems", None)
    if kind == "object":
        node["properties"] = {
            name: {**_for_form(child, name), "propertyOrder": order}
            for order, (name, child) in enumerate(node.get("properties", {}).items(), start=1)
        }
        node.setdefault("options", {})["disable_properties"] = True
        if "utfall" in node["properties"]:  # a meeting's paragraph
            sections = sorted({name for names in OUTCOME_FIELDS.values() for name in names})
            node["x-outcome-fields"] = {
                "sections": sections,
                "by_outcome": {key: list(names) for key, names in OUTCOME_FIELDS.items()},
                "with_filled": {key: list(names) for key, names in SHOWN_WITH.items()},
            }
        # The model's required fields, for :func:`as_in_file` (which writes them whatever
        # they hold); the editor is told none of an object that may be left out.
        node["x-required"] = list(node.get("required", []))
        if node.get("x-nullable"):
            node["required"] = []
    elif kind == "array":
        items = _for_form(node.get("items", {}), None)
        named = str(items.get("title", ""))
        if named in ITEM_TITLES:
            items["title"] = pgettext("item", ITEM_TITLES[named])
        elif named:
            items["title"] = label(named.lower())
        else:
            row = ROW_TITLES.get(key or "")
            items["title"] = pgettext("item", row) if row else _("item")
        node["items"] = items
        node["format"] = node.get("format", "table" if items.get("type") != "object" else None)
        if node["format"] is None:
            del node["format"]
    if "oneOf" in node:
        node["oneOf"] = [_for_form(option, None) for option in node["oneOf"]]
        for option in node["oneOf"]:  # a form of the field that is a list: its rows' name
            if option.get("type") == "array" and key in ROW_TITLES:
                option["items"]["title"] = pgettext("item", ROW_TITLES[key])
        names = (_("as proposed"), _("worded otherwise"))
        for option, name in zip(node["oneOf"], names, strict=False):
            option.setdefault("title", name)
            if "const" in option and "type" not in option:
                # A fixed value ("enligt förslaget"): a choice of that one value. Untyped,
                # json-editor draws a second choice of JSON types (string, number, null ...)
                # and a text input that only the fixed value may fill.
                option["type"] = "string"
                option["enum"] = [option["const"]]
                # Its one choice is the switcher's: a second list saying the same (two
                # lists "enligt förslaget" one above the other) is not shown.
                option.setdefault("options", {})["inputAttributes"] = {"hidden": "hidden"}
    return node


def _names(node: Any, keys: set[str], values: set[str]) -> None:
    """Every key, and every value of a list of choices, of a schema (into the sets)."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            keys.update(node["properties"])
        if isinstance(node.get("enum"), list):
            values.update(str(value) for value in node["enum"] if value)
        for child in node.values():
            _names(child, keys, values)
    elif isinstance(node, list):
        for child in node:
            _names(child, keys, values)


def _in_words(node: Any, keys: set[str], values: set[str]) -> Any:
    """The schema with each description a help text in words (:mod:`avtalsgen.web.helptext`)."""
    from avtalsgen.web.helptext import form_help

    if isinstance(node, dict):
        out = {key: _in_words(child, keys, values) for key, child in node.items()}
        if isinstance(node.get("description"), str):
            out["description"] = form_help(node["description"], keys, values, _field_word)
        return out
    if isinstance(node, list):
        return [_in_words(child, keys, values) for child in node]
    return node


def _field_word(name: str) -> str:
    """A key as a help text names its field (by its label, in running text: ``belopp per
    år``, ``amount per year``), or a value of a list of choices as the list shows it."""
    if name in FIELD_LABELS:
        text = label(name)
        return text if text[1:2].isupper() else text[:1].lower() + text[1:]
    return choice(name)


def editor_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema the form is drawn from (see the module's docstring)."""
    defs = schema.get("$defs", {})
    inlined = _inline({k: v for k, v in schema.items() if k != "$defs"}, defs)
    keys: set[str] = set()
    values: set[str] = set()
    _names(inlined, keys, values)
    form = _in_words(_for_form(inlined, None), keys, values)
    form["title"] = _("The file's facts")
    form.pop("description", None)
    return dict(form)


def amount_text(value: int) -> str:
    """An amount as the form shows it: grouped as the documents write it (``2 000 000``,
    with no-break spaces: :func:`avtalsgen.documents.format.number`)."""
    from avtalsgen.documents.format import number

    return number(value)


def read_amount(text: str) -> int | str | None:
    """An amount typed in the form: its whole kronor (``2 000 000``, ``2000000``, grouped
    with no-break spaces too); None when empty; the text as typed when it is no amount
    (:func:`amount_problems` says so)."""
    digits = text.strip().translate(_GROUPING)
    if not digits:
        return None
    return int(digits) if digits.isascii() and digits.isdigit() else text.strip()


def blank(node: dict[str, Any]) -> Any:
    """What the form shows for a field the file leaves out: the model's default, else an
    empty input (empty text, an empty list, an unticked box, an object of empty fields)."""
    if node.get("default") is not None:
        return copy.deepcopy(node["default"])
    options = node.get("oneOf")
    if isinstance(options, list) and options:
        first = options[0]
        return copy.deepcopy(first["const"]) if "const" in first else blank(first)
    kind = node.get("type")
    if kind == "object":
        return {name: blank(child) for name, child in node.get("properties", {}).items()}
    if kind == "array":
        return []
    if kind == "string":
        choices = node.get("enum")
        return str(choices[0]) if isinstance(choices, list) and choices else ""
    if kind == "boolean":
        return False
    return None


def _shorthand(node: dict[str, Any]) -> str | None:
    """The field an object may be written as a plain text for (a reservation as its name:
    the model reads ``- Per Exempelsson (M)`` as ``{namn: Per Exempelsson (M)}``)."""
    required = node.get("required")
    if node.get("type") != "object" or not isinstance(required, list) or not required:
        return None
    first = node.get("properties", {}).get(required[0], {})
    return str(required[0]) if first.get("type") == "string" else None


def prefill(value: Any, node: dict[str, Any]) -> Any:
    """The file's data as the editor starts with it: every field of the model there (a field
    the file leaves out as :func:`blank`: the editor drops a field that is not in its
    value, and could not get it back); a field that may be null and is null shown as an
    empty input (an empty object's inputs for an object), so that it can be filled in;
    :func:`normalise` makes them null again, and :func:`as_in_file` leaves out what was
    only filled in."""
    kind = node.get("type")
    if node.get("x-amount") and isinstance(value, int) and not isinstance(value, bool):
        return amount_text(value)
    if (value is None or value is False) and node.get("x-nullable") and kind == "object":
        value = blank(node)
    elif value is None and node.get("x-nullable"):
        return "" if kind == "string" else None
    if isinstance(value, str) and _shorthand(node):
        value = {_shorthand(node): value}
    if isinstance(value, dict) and kind == "object":
        properties = node.get("properties", {})
        filled = {key: prefill(item, properties.get(key, {})) for key, item in value.items()}
        for key, child in properties.items():
            if key not in filled:
                filled[key] = prefill(blank(child), child)
        return filled
    if isinstance(value, list) and kind == "array":
        return [prefill(item, node.get("items", {})) for item in value]
    return value


def _untouched(value: Any, node: dict[str, Any]) -> bool:
    """Whether a value is what the form starts an empty field with: empty, unticked, the
    model's default, or an object of such values."""
    if value is None or value is False or value == "" or value == []:
        return True
    if isinstance(value, dict):
        properties = node.get("properties", {})
        return all(_untouched(item, properties.get(key, {})) for key, item in value.items())
    return "default" in node and value == node["default"]


def normalise(value: Any, node: dict[str, Any]) -> Any:
    """The form's data made plain by the editor schema: text trimmed of trailing spaces,
    empty inputs of fields that may be null made null, optional objects left as the form
    started them (every field empty or its default: a vote of 0 to 0 abstaining 0) null."""
    if isinstance(value, str) and node.get("x-amount"):
        return read_amount(value)
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").strip() if "\n" not in value else value.rstrip()
        if value == "" and node.get("x-nullable"):
            return None
        return value
    if isinstance(value, dict):
        properties = node.get("properties", {})
        out = {key: normalise(item, properties.get(key, {})) for key, item in value.items()}
        if node.get("x-nullable") and _untouched(out, node):
            return None
        return out
    if isinstance(value, list):
        items = node.get("items", {})
        return [normalise(item, items) for item in value]
    return value


def in_schema_order(value: Any, node: dict[str, Any]) -> Any:
    """The form's data with every mapping's keys in the order the model declares them (the
    editor gives them in its own order); keys the schema does not know come last."""
    if isinstance(value, dict):
        properties = node.get("properties", {})
        known = [key for key in properties if key in value]
        rest = [key for key in value if key not in properties]
        return {key: in_schema_order(value[key], properties.get(key, {})) for key in known + rest}
    if isinstance(value, list):
        return [in_schema_order(item, node.get("items", {})) for item in value]
    return value


def _empty(value: Any) -> bool:
    if value is None or value is False or value == [] or value == "":
        return True
    return isinstance(value, dict) and all(_empty(item) for item in value.values())


def as_in_file(value: Any, before: Any, node: dict[str, Any]) -> Any:
    """The form's data (made plain by :func:`normalise`) with what the form only filled in
    left as the file had it (``before``: the file's data, None for a new file): a field
    the file left out stays out while it holds what :func:`prefill` showed for it (not a
    field the model requires: a Tillägg's Typ is written when its first choice,
    ``forlangning``, is the one chosen), an empty value stays written as the file wrote
    it (``sekretess: false``), and an object the file wrote as a plain text stays so while
    only that text is given."""
    if isinstance(value, dict):
        field = _shorthand(node)
        if (
            isinstance(before, str)
            and field is not None
            and value.get(field) == before
            and all(_empty(item) for key, item in value.items() if key != field)
        ):
            return before
        properties = node.get("properties", {})
        required = set(node.get("x-required", node.get("required", [])))
        earlier = before if isinstance(before, dict) else {}
        out = {}
        for key, item in value.items():
            child = properties.get(key, {})
            if key in earlier:
                out[key] = as_in_file(item, earlier[key], child)
            elif not _empty(item) and (
                key in required or item != normalise(prefill(blank(child), child), child)
            ):
                out[key] = as_in_file(item, None, child)
        return out
    if isinstance(value, list):
        earlier_items = before if isinstance(before, list) else []
        items = node.get("items", {})
        return [
            as_in_file(item, earlier_items[index] if index < len(earlier_items) else None, items)
            for index, item in enumerate(value)
        ]
    if _empty(value) and _empty(before) and before is not None:
        return before
    return value


def unread_amounts(value: Any, node: dict[str, Any], field: str = "") -> dict[str, str]:
    """The amounts of the form's data (made plain by :func:`normalise`) that are no amount,
    by the field the loader names (``finansiering.finansiarer[0].belopp_per_ar``), with
    what was typed."""
    if node.get("x-amount"):
        return {field: value} if isinstance(value, str) else {}
    found: dict[str, str] = {}
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for key, item in value.items():
            inner = f"{field}.{key}" if field else key
            found.update(unread_amounts(item, properties.get(key, {}), inner))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(unread_amounts(item, node.get("items", {}), f"{field}[{index}]"))
    return found


def amount_problem(typed: str) -> str:
    """Why what was typed in an amount's field is not saved."""
    return _(
        "'{value}' is not an amount: write the whole kronor in digits, with or without "
        "spaces between the groups, e.g. 2 000 000"
    ).format(value=typed)


def field_title(field: str, schema: dict[str, Any]) -> str:
    """A field named by the loader (``aktor.adress.postnummer``,
    ``finansiering.finansiarer[0].belopp_per_ar``) as the form labels it, from the outside
    in: ``Aktör › Adress › Postnummer``, ``Finansiering › Finansiär 1 › Belopp per år`` (a
    list's item by its title and number, in place of the list's own title; a row of a list
    of texts or numbers after the list's title: ``Beslutspunkter, rad 3``)."""
    parts: list[str] = []
    node: dict[str, Any] = schema
    for name, index in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", field):
        if name:
            child = node.get("properties", {}).get(name) if isinstance(node, dict) else None
            node = child if isinstance(child, dict) else {}
            parts.append(str(node.get("title") or label(name)))
        else:
            items = node.get("items") if isinstance(node, dict) else None
            node = items if isinstance(items, dict) else {}
            title = str(node.get("title") or _("item"))
            number = int(index) + 1
            if title == _("item") and parts:  # a list of texts or numbers: its row
                parts[-1] = f"{parts[-1]}, {title} {number}"
                continue
            if parts:
                parts.pop()
            parts.append(f"{title[:1].upper()}{title[1:]} {number}")
    return " › ".join(parts) or field


#: A place in a file that a message names in the loader's words: ``file.yaml:12: field``.
REFERENCE = re.compile(
    r"(?P<file>[^\s():;,]+\.yaml):(?P<line>\d+): "
    r"(?P<field>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)"
)
#: A field of a list's item in the loader's words, ``paragrafer[1]`` or
#: ``finansiering.finansiarer[0].namn``, counted from 0 (not inside a word or a path).
INDEXED_FIELD = re.compile(
    r"(?<![\w./\[])[a-z_]+(?:\.[a-z_]+)*\[\d+\](?:\.[a-z_]+|\[\d+\])*(?![\w\[])"
)


def references_in_words(
    message: str, schema: dict[str, Any], schema_of: Callable[[str], dict[str, Any]]
) -> str:
    """``message`` with the places it names in the loader's words said as the form says
    them: ``sammantraden/run.yaml:11: paragrafer[0]`` → ``sammantraden/run.yaml, rad 11:
    Paragraf 1`` (that file's fields titled by ``schema_of(file)``), and a field of the
    form's own file, ``paragrafer[1]``, → ``Paragraf 2`` (by ``schema``): a list's items
    counted from 1 with the titles the form shows, not by the file's keys."""
    out: list[str] = []
    end = 0
    for match in REFERENCE.finditer(message):
        out.append(_own_fields(message[end : match.start()], schema))
        field = field_title(match["field"], schema_of(match["file"]))
        out.append(
            _("{file}, line {line}: {field}").format(
                file=match["file"], line=match["line"], field=field
            )
        )
        end = match.end()
    out.append(_own_fields(message[end:], schema))
    return "".join(out)


def _own_fields(text: str, schema: dict[str, Any]) -> str:
    return INDEXED_FIELD.sub(lambda match: field_title(match[0], schema), text)


@dataclass(frozen=True)
class FieldProblem:
    """A loader message placed at a field of the form (``path`` as the editor names it:
    ``root.finansiering.belopp_per_ar``), or at the form as a whole (``path`` None)."""

    path: str | None
    field: str | None
    line: int | None
    message: str


def field_problems(problems: list[str]) -> list[FieldProblem]:
    """The loader's problem lines, each with the form field it names."""
    found = []
    for problem in problems:
        match = PROBLEM.match(problem)
        if match is None or match["field"] == "(file)":
            found.append(FieldProblem(None, None, None, problem))
            continue
        field = match["field"]
        path = "root." + re.sub(r"\[(\d+)\]", r".\1", field)
        found.append(FieldProblem(path, field, int(match["line"]), match["message"]))
    return found
