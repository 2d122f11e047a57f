"""The office in a browser from the command line: ``serve``, ``users`` and ``audit``.

Nothing of the web app is imported until one of these commands runs (the CLI's start-up
time is measured).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from avtalsgen.cli import clicktexts
from avtalsgen.cli.options import TemplatesDir
from avtalsgen.cli.pades import CrlOption, TsaOption
from avtalsgen.i18n import N_, _

#: The environment variable a new user's password may come from (never the command line).
PASSWORD_ENV = "AVTALSGEN_PASSWORD"

users_app = typer.Typer(
    help=_("Users of the web app (avtalsgen serve) and their roles."),
    no_args_is_help=True,
    cls=clicktexts.Commands,
)

Data = Annotated[
    Path,
    typer.Option(
        "--data",
        metavar=_("FOLDER"),
        help=_("Folder of the web app's own state (SQLite database)."),
    ),
]


def _database(data: Path) -> Path:
    from avtalsgen.web import db
    from avtalsgen.web.config import WebConfig

    config = WebConfig(cases=Path("cases"), output=Path("output"), data=data,
                       templates=Path("templates"))  # fmt: skip
    db.initialise(config.database)
    return config.database


def serve(
    host: Annotated[
        str, typer.Option("--host", metavar=_("ADDRESS"), help=_("Address to listen on."))
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help=_("Port to listen on."))
    ] = 8000,
    cases: Annotated[
        Path, typer.Option("--cases", metavar=_("FOLDER"), help=_("Folder of the case files."))
    ] = Path("cases"),
    output: Annotated[
        Path, typer.Option("--output", metavar=_("FOLDER"), help=_("Output folder."))
    ] = Path("output"),
    data: Data = Path("data"),
    templates: TemplatesDir = None,
    https: Annotated[
        bool,
        typer.Option(
            "--https", help=_("Reached over https (e.g. behind a proxy): Secure cookies.")
        ),
    ] = False,
    proxy_user_header: Annotated[
        str | None,
        typer.Option(
            "--proxy-user-header",
            metavar=_("HEADER"),
            help=_("Trust this header from a reverse proxy on 127.0.0.1 for the user's name."),
        ),
    ] = None,
    seal_p12: Annotated[
        Path | None,
        typer.Option(
            "--seal-p12",
            metavar=_("FILE"),
            help=_(
                "PKCS#12 file with the region's seal (passphrase from "
                "AVTALSGEN_P12_PASSPHRASE); the DEMO key when left out."
            ),
        ),
    ] = None,
    tsa: TsaOption = None,
    crl: CrlOption = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", metavar="N", min=1, help=_("LibreOffice workers."))
    ] = (os.cpu_count() or 1),
    converter: Annotated[
        bool,
        typer.Option(
            "--converter/--no-converter",
            help=_("Start the warm converter (kept LibreOffice) for previews and builds."),
        ),
    ] = True,
) -> None:
    """Run the web app for case officers, secretaries and signers (one process, SQLite)."""
    import uvicorn

    from avtalsgen import i18n
    from avtalsgen.documents.templates import find_templates
    from avtalsgen.web.app import create_app
    from avtalsgen.web.config import WebConfig

    if i18n._chosen is None:  # the office speaks Swedish unless --lang says otherwise
        i18n.set_language("sv")
    config = WebConfig(
        cases=cases.resolve(), output=output.resolve(), data=data.resolve(),
        templates=(templates or find_templates([cases])).resolve(), secure_cookies=https,
        proxy_user_header=proxy_user_header, seal_p12=seal_p12, jobs=jobs,
        tsa_url=tsa or None, crls=tuple(path.resolve() for path in crl or ()),
    )  # fmt: skip
    config.output.mkdir(parents=True, exist_ok=True)
    _check_port(host, port)
    started = None
    if converter:
        # Builds and previews go to a running converter by themselves (and start
        # LibreOffice as before when none answers).
        from avtalsgen.conversion import warm
        from avtalsgen.errors import AvtalsgenError

        try:
            started = warm.start(config.jobs, niceness=config.build_niceness)
        except AvtalsgenError as exc:
            typer.echo(exc.message, err=True)
    typer.echo(f"avtalsgen serve: http://{_address(host, port)}/  (cases {cases}, output {output})")
    # uvicorn shuts down on SIGTERM and then raises the signal again under the handler it
    # found; Python's default would end the process before the converter is stopped below.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        uvicorn.run(create_app(config), host=host, port=port, log_level="warning",
                    proxy_headers=False, server_header=False)  # fmt: skip
    finally:
        if started is not None and started.started:
            warm.stop()


def _address(host: str, port: int) -> str:
    """``host:port`` as a URL writes it: an IPv6 address in brackets (``[::1]:8000``)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _check_port(host: str, port: int) -> None:
    """Refuse (exit 1) an address or port that cannot be listened on before anything
    starts, saying which option to change and how: uvicorn said so in English and exited 3
    (found: a port in use), and an error other than that showed the system's English text."""
    import socket

    from avtalsgen.errors import AvtalsgenError

    where = _("cannot serve on {address}").format(address=_address(host, port))
    if not 0 < port < 65536:
        raise AvtalsgenError(
            where + ": " + _("--port {port} is no port number: choose one from 1024 to 65535, "
                             "e.g. --port 8000").format(port=port)
        )  # fmt: skip
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind((host, port))
    except socket.gaierror:
        unknown = _("this machine knows no address by the name {host}").format(host=host)
        raise AvtalsgenError(f"{where}: {unknown}; {_(_HOST_ADVICE)}") from None
    except OSError as exc:
        raise AvtalsgenError(where + ": " + _port_refused(exc.errno, host, port)) from None


#: What to do about a --host that names no address of this machine (a name it does not
#: know, an address of another machine): said once, after what is wrong.
_HOST_ADVICE = N_(
    "give --host one of this machine's addresses: 127.0.0.1 (this machine only) or 0.0.0.0 "
    "(every address it has)"
)


def _port_refused(code: int | None, host: str, port: int) -> str:
    """Why the system refused to listen on ``host``:``port`` (errno ``code``), and what to
    do, naming --port or --host."""
    import errno

    if code == errno.EADDRINUSE:
        return _("another program (another avtalsgen serve?) listens on it already; choose "
                 "another port with --port")  # fmt: skip
    if code == errno.EACCES:
        if port < 1024:
            return _("--port {port} is below 1024, which only the administrator (root) may "
                     "listen on: choose a port from 1024 with --port, e.g. --port 8000, and "
                     "put a web server in front for port {port}").format(port=port)  # fmt: skip
        return _("the system does not let this user listen on --port {port}: choose another "
                 "port with --port, e.g. --port 8000").format(port=port)  # fmt: skip
    if code == errno.EADDRNOTAVAIL:
        wrong = _("{host} is no address of this machine").format(host=host)
        return f"{wrong}; {_(_HOST_ADVICE)}"
    if code == errno.EAFNOSUPPORT:
        return _("this machine has no network of the kind of --host {host} (IPv6?): give an "
                 "IPv4 address with --host, e.g. 127.0.0.1").format(host=host)  # fmt: skip
    name = errno.errorcode.get(code or 0, str(code))
    return _("the system refuses to listen there ({code}): check the address given with --host "
             "and the port given with --port").format(code=name)  # fmt: skip


def _exit_on_signal(signum: int, frame: object) -> None:
    """End ``serve`` through its clean-up (SIGTERM: status 143, as the signal would give)."""
    raise SystemExit(128 + signum)


def _password() -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise typer.BadParameter(
            _("set {variable} or run in a terminal to be asked for it").format(
                variable=PASSWORD_ENV
            )
        )
    return str(typer.prompt(_("Password"), hide_input=True, confirmation_prompt=True))


@users_app.command(
    "add",
    help=_(
        "Add a user (or give one new roles and a new password); the password from "
        "AVTALSGEN_PASSWORD or a prompt."
    ),
)
def users_add(
    name: Annotated[str, typer.Argument(help=_("The user's login name."), metavar=_("NAME"))],
    role: Annotated[
        list[str],
        typer.Option(
            "--role",
            metavar=_("ROLE"),
            help=_("läsare, handläggare, sekreterare, undertecknare or administratör; repeatable."),
        ),
    ],
    data: Data = Path("data"),
) -> None:
    """Add a user (or give one new roles and a new password); the password from
    AVTALSGEN_PASSWORD or a prompt."""
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.web import audit, auth

    database = _database(data)
    try:
        roles = auth.parse_roles(role)
        auth.add_user(database, name, roles, _password())
    except AvtalsgenError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from None
    audit.record(database, None, "user", detail=audit.texts(
        lambda: _("{name}: roles {roles} (command line)").format(
            name=name, roles=auth.role_names(roles))))  # fmt: skip
    typer.echo(_("user {name}: {roles}").format(name=name, roles=", ".join(sorted(roles))))


@users_app.command("list", help=_("List the users and their roles."))
def users_list(data: Data = Path("data")) -> None:
    """List the users and their roles."""
    import datetime as dt

    from avtalsgen.i18n import format_time
    from avtalsgen.web import auth

    for user, active, created in auth.list_users(_database(data)):
        state = "" if active else "  " + _("(stopped)")
        try:  # when the user was added, in Swedish time as every time shown
            shown = format_time(dt.datetime.fromisoformat(created))
        except ValueError:
            shown = created
        typer.echo(f"{user.name:<20} {', '.join(sorted(user.roles)):<40} {shown}{state}")


@users_app.command("disable", help=_("Stop a user from logging in (their sessions end)."))
def users_disable(
    name: Annotated[str, typer.Argument(help=_("The user's login name."), metavar=_("NAME"))],
    data: Data = Path("data"),
) -> None:
    """Stop a user from logging in (their sessions end)."""
    from avtalsgen.errors import AvtalsgenError
    from avtalsgen.web import audit, auth

    database = _database(data)
    try:
        auth.set_active(database, name, False)
    except AvtalsgenError as exc:
        typer.echo(exc.message, err=True)
        raise typer.Exit(1) from None
    audit.record(database, None, "user", detail=audit.texts(
        lambda: _("{name}: stopped (command line)").format(name=name)))  # fmt: skip


def audit_command(
    data: Data = Path("data"),
    dnr: Annotated[
        str | None, typer.Option("--dnr", metavar="DNR", help=_("Only this Dnr."))
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", metavar=_("NAME"), help=_("Only this user."))
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", metavar="N", min=1, help=_("At most this many rows."))
    ] = 200,
    as_json: Annotated[bool, typer.Option("--json", help=_("One JSON object per line."))] = False,
) -> None:
    """Print the web app's audit log, newest first."""
    import datetime as dt
    import json

    from avtalsgen.i18n import format_time
    from avtalsgen.web import audit

    for entry in audit.entries(_database(data), limit=limit, dnr=dnr, user=user):
        if as_json:
            # As recorded: the time in UTC, the action's key, "detail" in Swedish and
            # "texts" each language's.
            typer.echo(json.dumps(entry.__dict__, ensure_ascii=False))
            continue
        files = " ".join(f"{name}={digest[:12]}" for name, digest in entry.hashes.items())
        # The time in Swedish time and the action in words, as the Logg page shows them.
        try:
            when = format_time(dt.datetime.fromisoformat(entry.time))
        except ValueError:
            when = entry.time
        words = audit.ACTIONS.get(entry.action)
        action = _(words) if words is not None else entry.action
        typer.echo(
            f"{when}  {entry.user or '-':<14} {action:<22} {entry.dnr or '-':<15} "
            f"{entry.shown}" + (f"  [{files}]" if files else "")
        )


def register(app: typer.Typer) -> None:
    """Add the web app's commands to the ``avtalsgen`` command line."""
    app.command(
        "serve",
        help=_("Run the web app for case officers, secretaries and signers (one process, SQLite)."),
    )(serve)
    app.add_typer(users_app, name="users")
    app.command("audit", help=_("Print the web app's audit log, newest first."))(audit_command)
