"""JSON Schemas of the file models, each field described by its docstring, in the language
of messages (Swedish unless English is asked for).

pydantic can take the descriptions from the docstrings as it makes each model class
(``use_attribute_docstrings``), but it then reads and parses each class's source at every
start of avtalsgen: 40 ms of a 0.6 s build. Only a schema shows them, so they are added
here, the first time a schema is asked for: each field that has no description of its own
gets the docstring under it (in the class that declares it, or the nearest base that does),
and the models are made again with them.

The descriptions are messages like any other: written in English in the source, translated
by the model catalogue (``locale/sv/LC_MESSAGES/model.po``) when a schema is made.
``scripts/catalog.py extract`` collects them from the schemas (:func:`descriptions`), so a
new field without a Swedish description fails the catalogue's check, as an untranslated
message does. A description's message is its text on one line (its docstring's line breaks
and indentation are not part of it).
"""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import re
import textwrap
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from avtalsgen.i18n import _
from avtalsgen.model.types import Strict


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of ``model``, its fields (and those of the models in it) described in
    the current language of messages."""
    _describe_models(tuple(dict.fromkeys(_subclasses(Strict))))
    translated = _translated(model.model_json_schema())
    assert isinstance(translated, dict)
    return translated


def file_models() -> dict[str, type[BaseModel]]:
    """The models of the files avtalsgen reads, by the name ``avtalsgen schema`` gives them."""
    from avtalsgen.model import Arende, Program
    from avtalsgen.model.meeting import Sammantrade

    return {"arende": Arende, "program": Program, "sammantrade": Sammantrade}


def message(text: str) -> str:
    """A description as the catalogue holds it: its words on one line."""
    return " ".join(text.split())


def _translated(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _(message(value))
            if key == "description" and isinstance(value, str)
            else _translated(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_translated(item) for item in node]
    return node


def _descriptions_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["description"]] if isinstance(node.get("description"), str) else []
        for key, value in node.items():
            if key != "description" or not isinstance(value, str):
                found += _descriptions_in(value)
        return found
    if isinstance(node, list):
        return [text for item in node for text in _descriptions_in(item)]
    return []


def descriptions() -> list[tuple[str, Path, int]]:
    """Every description the file models' schemas hold, as English messages, each with the
    model source file and line that writes it (for ``scripts/catalog.py``)."""
    models = file_models()
    _describe_models(tuple(dict.fromkeys(_subclasses(Strict))))
    texts = dict.fromkeys(
        message(text)
        for model in models.values()
        for text in _descriptions_in(model.model_json_schema())
    )
    here = Path(__file__).resolve().parent
    sources = [(path, path.read_text(encoding="utf-8")) for path in sorted(here.glob("*.py"))]
    found = []
    for text in texts:
        # Its first words, as the source wraps them (a docstring or a description="...").
        words = r"\s+".join(re.escape(word) for word in text.split()[:8])
        where = (here / "types.py", 1)
        for path, source in sources:
            match = re.search(words, source)
            if match is not None:
                where = (path, source.count("\n", 0, match.start()) + 1)
                break
        found.append((text, *where))
    return found


@functools.cache
def _describe_models(models: tuple[type[Strict], ...]) -> None:
    """Describe the fields of ``models`` (every model there is so far: a model module
    imported later makes a new set, and they are described again)."""
    for model in models:
        described: set[str] = set()
        for cls in model.__mro__:  # the class itself first, then its bases
            if not (isinstance(cls, type) and issubclass(cls, Strict)):
                continue
            for name, doc in _attribute_docstrings(cls).items():
                field = model.model_fields.get(name)
                if field is not None and name not in described:
                    described.add(name)
                    if field.description is None:
                        field.description = doc
    # A model's schema holds those of the models in it as they were made: make them all
    # again until nothing changes (as many rounds as models nest, at most).
    for _round in models:
        before = [model.model_json_schema() for model in models]
        for model in models:
            model.model_rebuild(force=True)
        if [model.model_json_schema() for model in models] == before:
            break


def _subclasses(cls: type[Strict]) -> list[type[Strict]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


@functools.cache
def _attribute_docstrings(cls: type) -> dict[str, str]:
    """The docstring under each annotated attribute in the body of ``cls``."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs = {}
    for node, after in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.target.id] = inspect.cleandoc(after.value.value)
    return docs
