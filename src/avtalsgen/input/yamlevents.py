"""A YAML text's parser events, each with where it stands, without building its values.

What asks a file for one thing before, or without, its case file's reader (the models and
pydantic) walks these events: :mod:`avtalsgen.input.filednr` for the file's Dnr, asked by
every command of every file in a folder, and :mod:`avtalsgen.input.casefiles` for the keys
that tell a program file from a case file. Both are on an unchanged case's rebuild, so the
walk is libyaml's parser asked event by event (about a tenth quicker than
:func:`yaml.parse`'s generator), with the limit of a case file's values.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from avtalsgen.input.limits import MAX_NODES

if TYPE_CHECKING:
    import yaml


@functools.cache
def pyyaml() -> tuple[Any, Any, Any]:
    """PyYAML, its fastest parser and a resolver, imported when a file is first parsed: an
    unchanged case's rebuild may parse none (importing PyYAML takes some 10 ms, a twentieth
    of that rebuild: see :meth:`avtalsgen.input.duplicates.Namesakes.other`)."""
    import yaml
    from yaml.resolver import Resolver

    try:
        from yaml._yaml import CParser as parser
    except ImportError:  # pragma: no cover - libyaml is part of PyYAML's wheels
        from yaml import SafeLoader as parser  # type: ignore[assignment]
    return yaml, parser, Resolver()


class TooMany(Exception):
    """More values than a case file may hold (:data:`~avtalsgen.input.limits.MAX_NODES`)."""


def events(text: str) -> Iterator[tuple[yaml.Event, int, bool]]:
    """Each of ``text``'s YAML events with its depth and whether it is a key.

    The depth is the number of lists and mappings the event stands in: 0 for the stream's
    and documents' events and a document's own node (its start and its end), 1 for the
    keys and values of a document's top-level mapping. A node (a scalar, an alias, the
    start of a list or mapping) is a key where it stands first of a pair in a mapping.
    Raises :class:`yaml.YAMLError` where the text is no YAML, :class:`TooMany` where it
    holds more values than a case file may (a flow list of 100 000 numbers took seconds to
    parse to the end)."""
    yaml, parser, _resolver = pyyaml()
    node, mapping_start, sequence_start, collection_end = (
        yaml.NodeEvent,
        yaml.MappingStartEvent,
        yaml.SequenceStartEvent,
        yaml.CollectionEndEvent,
    )
    # For each open collection: for a mapping whether its next node is a key, for a list None.
    open_: list[bool | None] = []
    limit = 2 * MAX_NODES  # a value is one event, a list or mapping two
    source = parser(text)
    try:
        count = 0
        while (event := source.get_event()) is not None:
            count += 1
            if count > limit:
                raise TooMany
            if isinstance(event, node):
                is_key = False
                if open_ and open_[-1] is not None:
                    is_key = open_[-1]
                    open_[-1] = not is_key
                yield event, len(open_), is_key
                if isinstance(event, mapping_start):
                    open_.append(True)
                elif isinstance(event, sequence_start):
                    open_.append(None)
            else:
                if isinstance(event, collection_end):
                    open_.pop()
                yield event, len(open_), False
    finally:
        source.dispose()


def string(event: yaml.Event) -> str | None:
    """The value of a scalar that YAML reads as a string (untagged, or tagged ``!!str``
    or ``!``), else None."""
    yaml, _parser, resolver = pyyaml()
    if not isinstance(event, yaml.ScalarEvent):
        return None
    tag = event.tag
    if tag is None or tag == "!":
        tag = resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    return event.value if tag == "tag:yaml.org,2002:str" else None
