"""The UNO bridge of one warm LibreOffice worker.

This file is run by the Python that has LibreOffice's ``uno`` module (Debian's
``python3-uno``, for ``/usr/bin/python3``), never imported by avtalsgen, whose own Python
has no ``uno``. It uses the standard library and ``uno`` only.

:mod:`avtalsgen.conversion.worker` starts it in a process group of its own::

    python3 -I uno_bridge.py SOFFICE PROFILE_URL PIPE_NAME FILTER OPTIONS START_TIMEOUT

It starts soffice in the same process group, listening on a UNO pipe (a Unix socket that
LibreOffice makes in /tmp; the umask of 077 set here makes it its owner's only), connects
to it and converts documents on request, one JSON object per line:

- at start it writes ``{"ready": true, "pid": <soffice's pid>}``, or ``{"fault": "start",
  "detail": ...}`` and exits;
- ``{"docx": path, "pdf": path}`` on standard input: the document is loaded as
  ``soffice --convert-to`` loads it (read-only, hidden, silent), into a hidden frame
  without a layout manager (:func:`_bare_frame`; one frame for one document after the
  other, :func:`_close`), and stored to ``pdf`` with the
  export filter and options given (those of ``--convert-to``), not flushed to disk
  (:func:`_store_properties`); answer
  ``{"ok": true}``, or ``{"fault": "unloadable" | "export", "detail": ...}`` (the bridge
  goes on), or ``{"fault": "crash", "detail": ...}`` (LibreOffice went away: it exits);
- ``{"quit": true}``, or the end of standard input (avtalsgen's converter ended, however):
  LibreOffice is asked to terminate, and the bridge exits.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import uno  # type: ignore[import-not-found]  # Debian's python3-uno, not in the venv
from com.sun.star.io import IOException  # type: ignore[import-not-found]
from com.sun.star.lang import (  # type: ignore[import-not-found]
    DisposedException,
    IllegalArgumentException,
)
from com.sun.star.uno import Exception as UnoException  # type: ignore[import-not-found]

_POLL = 0.02


def _structs(kind: str, values: dict[str, Any]) -> tuple[Any, ...]:
    """A UNO sequence of ``com.sun.star.beans.<kind>`` structs, one per name and value."""
    made = []
    for name, value in values.items():
        struct = uno.createUnoStruct(f"com.sun.star.beans.{kind}")
        struct.Name, struct.Value = name, value
        made.append(struct)
    return tuple(made)


def _props(**values: Any) -> tuple[Any, ...]:
    """A UNO sequence of PropertyValues."""
    return _structs("PropertyValue", values)


def _named(**values: Any) -> tuple[Any, ...]:
    """A UNO sequence of NamedValues (a service's arguments)."""
    return _structs("NamedValue", values)


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _connect(proc: subprocess.Popen[bytes], pipe: str, timeout: float) -> Any:
    """The component context of the soffice listening on ``pipe``, once it answers."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
    deadline = time.monotonic() + timeout
    while True:
        try:
            context = resolver.resolve(url)
            break
        except UnoException as exc:  # NoConnectException until soffice listens
            if proc.poll() is not None:
                raise RuntimeError(f"LibreOffice exited with status {proc.returncode}") from exc
            if time.monotonic() > deadline:
                raise RuntimeError(f"LibreOffice did not answer within {timeout:g} s") from exc
            time.sleep(_POLL)
    return context


def _bare_frame(desktop: Any, creator: Any) -> Any:
    """A new hidden frame on the desktop, without a layout manager, to load documents into.

    A frame that ``loadComponentFromURL(..., "_blank", ...)`` makes has one, and for each
    document it builds the user interface of a Writer window that nobody sees: the menu bar,
    the toolbars and their commands' labels, the sidebar, and a status bar whose controllers
    count every word of the document. None of it changes the exported PDF (the same text,
    pages, fonts and tags: bench/soffice_cpu.py --compare), and it cost about 5 % of
    soffice's CPU time per document. Without a layout manager LibreOffice makes none of it.
    """
    frame = creator.createInstanceWithArguments(
        _named(
            ParentFrame=desktop,
            MakeVisible=False,
            CreateTopWindow=True,
            SupportPersistentWindowState=False,
            EnableTitleBarUpdate=False,
        )
    )
    frame.setPropertyValue("LayoutManager", None)
    return frame


def _soffice_bin(group: int) -> int:
    """The pid of soffice.bin in the process group (oosplash starts it), else the group's."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        head, _, tail = stat.rpartition(")")
        if head.endswith("(soffice.bin") and int(tail.split()[2]) == group:
            return int(entry.name)
    return os.getpid()


def _load_properties() -> tuple[Any, ...]:
    """How each document is loaded: as ``soffice --convert-to`` loads it (read-only, hidden,
    silent)."""
    return _props(Referer="private:OpenEvent", ReadOnly=True, Hidden=True, Silent=True)


def _store_properties(filter_name: str, options: str) -> tuple[Any, ...]:
    """How each PDF is written: with the export filter and options of ``--convert-to``,
    and without flushing it to disk (``NoFileSync``): avtalsgen writes the PDF anew once it
    has given it the Word file's properties, and a lost one is made again. The flush made
    the worker wait for the disk (2-16 ms a document on the development machine's disk)."""
    return _props(Overwrite=True, FilterName=filter_name, FilterOptions=options, NoFileSync=True)


def _convert(
    desktop: Any, creator: Any, frame: Any, request: dict[str, Any], load: Any, store: Any
) -> Any:
    """Convert one document (see the module's docstring) in ``frame``, or in a new frame if
    None; return the frame for the next document (None when it is gone: after a document
    that could not be loaded, or one that would not close). ``load`` and ``store`` are the
    property sequences of :func:`_load_properties` and :func:`_store_properties`, made
    once."""
    source = uno.systemPathToFileUrl(request["docx"])
    target = uno.systemPathToFileUrl(request["pdf"])
    if frame is None:
        frame = _bare_frame(desktop, creator)
    try:
        document = frame.loadComponentFromURL(source, "_self", 0, load)
    except DisposedException:
        raise
    except (IllegalArgumentException, IOException) as exc:
        frame.dispose()
        _say({"fault": "unloadable", "detail": exc.Message})
        return None
    if document is None:
        frame.dispose()
        _say({"fault": "unloadable", "detail": ""})
        return None
    fault = None
    try:
        document.storeToURL(target, store)
    except DisposedException:
        raise
    except IOException as exc:
        fault = exc.Message
    finally:
        kept = _close(document, frame)
    _say({"ok": True} if fault is None else {"fault": "export", "detail": fault})
    return kept


def _close(document: Any, frame: Any) -> Any:
    """Close ``document`` and keep its frame for the next one; return the frame, or None if
    it had to go too.

    The frame lets go of the document first (``setComponent`` with nothing: its view is
    disposed), so that closing the document does not close the frame. A new frame for each
    document made a hidden window and a frame each time (LibreOffice looks for a module of
    its toolkit that a merged build does not have at each new window): about 9 million
    instructions of soffice's some 290 million a document (callgrind), and a third of the
    bridge's CPU time, for the same PDFs.
    """
    try:
        frame.setComponent(None, None)
        document.close(True)
    except DisposedException:
        raise
    except UnoException:  # CloseVetoException: dispose of both instead
        document.dispose()
        frame.dispose()
        return None
    return frame


def main(argv: list[str]) -> int:
    soffice, profile_url, pipe, filter_name, options, start_timeout = argv
    os.umask(0o077)  # the UNO pipe LibreOffice makes in /tmp: for its owner only
    proc = subprocess.Popen(  # noqa: S603 - argv list, no shell
        [
            soffice,
            f"-env:UserInstallation={profile_url}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--nodefault",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        context = _connect(proc, pipe, float(start_timeout))
        manager = context.ServiceManager
        desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        creator = manager.createInstanceWithContext("com.sun.star.frame.TaskCreator", context)
    except (UnoException, RuntimeError) as exc:
        _say({"fault": "start", "detail": str(exc)})
        return 1
    load, store = _load_properties(), _store_properties(filter_name, options)
    _say({"ready": True, "pid": _soffice_bin(os.getpgid(0))})
    frame = None
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("quit"):
            break
        try:
            frame = _convert(desktop, creator, frame, request, load, store)
        except UnoException as exc:  # the connection is gone: LibreOffice crashed or was killed
            _say({"fault": "crash", "detail": f"{type(exc).__name__}: {exc}"})
            return 1
    try:
        desktop.terminate()
    except UnoException:  # already gone
        return 0
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
