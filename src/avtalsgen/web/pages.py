"""What every page shares: the template response with the user, the menu and the CSRF token,
permission guards, and the safe names of output files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Template

from avtalsgen.i18n import N_, _
from avtalsgen.web.auth import User
from avtalsgen.web.yamlfiles import PathRefused, safe_file

if TYPE_CHECKING:
    from litestar import Request
    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

    from avtalsgen.web.config import WebConfig
    from avtalsgen.web.jobs import JobRunner

#: The menu: (path, label (marked; translated where shown), permission needed).
MENU = (
    ("/arenden", N_("Cases"), "read"),
    ("/sammantraden", N_("Meetings"), "read"),
    ("/paket", N_("Packets"), "read"),
    ("/korning", N_("Runs"), "read"),
    ("/logg", N_("Log"), "audit"),
    ("/anvandare", N_("Users"), "users"),
)

DNR = re.compile(r"^RUN-\d{5}-\d{4}$")
#: Names of files in a case's output folder that may be fetched.
OUTPUT_FILE = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}\.(pdf|docx|json|html|eml)$")
#: A folder's name on the way to a file the secretary's steps wrote (a Dnr, a meeting's
#: date and organ, "webb", "expediering", a paragraph), and such a file's name.
OUTPUT_FOLDER = re.compile(r"^\w[\w.-]{0,120}$")
OUTPUT_STEP_FILE = re.compile(r"^\w[\w.-]{0,120}\.(pdf|html|eml|txt)$")


def config_of(connection: ASGIConnection[Any, Any, Any, Any]) -> WebConfig:
    """The app's configuration."""
    config: WebConfig = connection.app.state.config
    return config


def runner_of(connection: ASGIConnection[Any, Any, Any, Any]) -> JobRunner:
    """The app's job runner."""
    runner: JobRunner = connection.app.state.runner
    return runner


def user_of(connection: ASGIConnection[Any, Any, Any, Any]) -> User:
    """The logged-in user."""
    user = connection.user
    assert isinstance(user, User)
    return user


def needs(permission: str) -> Any:
    """A guard: the user must hold a role that gives ``permission``."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _handler: BaseRouteHandler) -> None:
        user = connection.user
        if not isinstance(user, User) or not user.may(permission):
            raise PermissionDeniedException(_("You are not allowed to do this."))

    return guard


def page(
    request: Request[Any, Any, Any], template: str, status_code: int = 200, **context: Any
) -> Template:
    """A page of the app: the template ``template`` with the shared context."""
    found = request.scope.get("user")
    user = found if isinstance(found, User) else None
    menu = [
        {"href": href, "label": _(text), "current": request.url.path.startswith(href)}
        for href, text, permission in MENU
        if user is not None and user.may(permission)
    ]
    return Template(
        template_name=template,
        context={"user": user, "menu": menu, **languages(request), **context},
        status_code=status_code,
    )


def languages(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The page's language (its ``lang``), and the link to the page in the other one."""
    from urllib.parse import quote

    from avtalsgen.i18n import current_language
    from avtalsgen.web.language import OTHER

    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        here = request.url.path  # a form's answer: its page, not the form sent again
    code, name = OTHER[current_language()]
    href = f"/sprak/{code}?sida={quote(here, safe='')}"
    return {
        "language": current_language(),
        "other_language": {"code": code, "name": name, "href": href},
    }


def output_file(config: WebConfig, dnr: str, name: str) -> Path:
    """The file ``name`` in the output folder of ``dnr``, or 404: both must be plain names
    and the file (links resolved) must lie in that folder."""
    if not DNR.match(dnr) or not OUTPUT_FILE.match(name):
        raise NotFoundException()
    root = config.output.resolve()
    path = (root / dnr / name).resolve()
    if not path.is_relative_to(root / dnr) or not path.is_file():
        raise NotFoundException()
    return path


def yaml_file(folder: Path, stem: str) -> Path:
    """The existing file ``folder/<stem>.yaml`` (a case or meeting file), or 404: ``stem``
    must be a plain name and the file (links resolved) must lie in ``folder``."""
    try:
        path = safe_file(folder, stem)
    except PathRefused:
        raise NotFoundException() from None
    if not path.is_file():
        raise NotFoundException()
    return path


def output_path(config: WebConfig, name: str) -> Path:
    """The file at the path ``name`` in the output folder, or 404: every folder on the way a
    plain name (no ``..``, nothing hidden), the file's name one the app serves, and the file
    (links resolved) in the output folder."""
    parts = name.strip("/").split("/")
    if (
        len(parts) > 6
        or not OUTPUT_STEP_FILE.match(parts[-1])
        or not all(OUTPUT_FOLDER.match(part) and ".." not in part for part in parts)
    ):
        raise NotFoundException()
    root = config.output.resolve()
    path = root.joinpath(*parts).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFoundException()
    return path
