"""JSON Schemas of the file models, each field described by its docstring.

pydantic can take the descriptions from the docstrings as it makes each model class
(``use_attribute_docstrings``), but it then reads and parses each class's source at every
start of avtalsgen: 40 ms of a 0.6 s build. Only a schema shows them, so they are added
here, the first time a schema is asked for: each field that has no description of its own
gets the docstring under it (in the class that declares it, or the nearest base that does),
and the models are made again with them.
"""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import textwrap
from typing import Any

from pydantic import BaseModel

from avtalsgen.model.types import Strict


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of ``model``, its fields (and those of the models in it) described."""
    _describe_models()
    return model.model_json_schema()


@functools.cache
def _describe_models() -> None:
    models = list(dict.fromkeys(_subclasses(Strict)))
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
    for _ in models:
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
