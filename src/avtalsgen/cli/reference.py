"""What the case files and templates must hold: ``schema`` and ``templates check``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from avtalsgen.cli.root import app, templates_app
from avtalsgen.documents.templates import find_templates, only_lock_files
from avtalsgen.i18n import _


@app.command(
    help=_("Print the JSON Schema of case (arende), program and meeting (sammantrade) files.")
)
def schema(
    kind: Annotated[
        str | None,
        typer.Argument(
            help=_("arende, program or sammantrade; all three when left out."), metavar=_("KIND")
        ),
    ] = None,
) -> None:
    """Print the JSON Schema of case, program and meeting files."""
    from avtalsgen.model import Arende, Program
    from avtalsgen.model.meeting import Sammantrade
    from avtalsgen.model.prose import placeholder_help
    from avtalsgen.model.schema import json_schema

    # First in each: the placeholders that prose may use, as the message of an unknown one
    # says (JSON Schema ignores keys it does not know).
    placeholders = placeholder_help()
    schemas: dict[str, Any] = {
        kind: {"x-placeholders": placeholders, **_titled(json_schema(model), kind)}
        for kind, model in (("arende", Arende), ("program", Program), ("sammantrade", Sammantrade))
    }
    if kind is not None and kind not in schemas:
        raise typer.BadParameter(_("choose arende, program or sammantrade"), param_hint=_("KIND"))
    document = schemas[kind] if kind else schemas
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _titled(node: Any, key: str | None) -> Any:
    """The schema with each field's title as the web's form labels it, in Swedish with å, ä
    and ö (``namnd``: Nämnd, ``handlaggare``: Handläggare), not pydantic's title made from
    the key or the class (Namnd, Handlaggare, ArendeAvtal)."""
    from avtalsgen.web.forms import label

    if isinstance(node, list):
        return [_titled(item, None) for item in node]
    if not isinstance(node, dict):
        return node
    titled: dict[str, Any] = {}
    for name, value in node.items():
        if name == "properties" and isinstance(value, dict):
            titled[name] = {field: _titled(item, field) for field, item in value.items()}
        elif name == "$defs" and isinstance(value, dict):
            # A model's own title is its class's name; the field that holds it has the title.
            titled[name] = {
                model: {k: v for k, v in _titled(item, None).items() if k != "title"}
                for model, item in value.items()
            }
        else:
            titled[name] = _titled(value, None)
    if key is not None:
        titled["title"] = label(key)
    return titled


#: The folder templates check reads: it takes no input files, and looks from the working
#: folder (as the other commands look from their input files).
CheckedTemplates = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        help=_(
            "Folder holding the Word templates (default: the nearest templates/ in the working "
            "folder or above it, else those that come with avtalsgen)."
        ),
        metavar=_("FOLDER"),
    ),
]


@templates_app.command(
    "check",
    help=_("List every variable a template uses that the models do not provide; fail on any."),
)
def templates_check(templates: CheckedTemplates = None) -> None:
    """List every variable a template uses that the models do not provide; fail on any."""
    templates = templates or find_templates([Path.cwd()])
    from avtalsgen.documents.kinds import KINDS
    from avtalsgen.documents.templatecheck import TEMPLATES, check_template

    some_cases = {kind.name: kind.title.lower() for kind in KINDS if not kind.every_case}
    problems = 0
    for document, context in TEMPLATES.items():
        path = templates / f"{document}.docx"
        if not path.is_file() and document in some_cases:
            typer.echo(
                _(
                    "{path}: not in the folder; only a case whose decision calls for a {title} "
                    "needs it"
                ).format(path=path, title=some_cases[document]),
                err=True,
            )
            continue
        if not path.is_file():
            locks = only_lock_files(templates)
            said = _("{path}: template not found").format(path=path)
            typer.echo(said if locks is None else f"{path}: {locks}", err=True)
            problems += 1
            continue
        findings = check_template(path, context)
        for finding in findings:
            typer.echo(f"{path}: {finding}", err=True)
        problems += len(findings)
        if not findings:
            typer.echo(f"ok  {path}")
    if problems:
        raise typer.Exit(1)
