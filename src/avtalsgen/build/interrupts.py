"""Ctrl-C and SIGTERM during a build: KeyboardInterrupt, never lost, never a crash.

Python runs a signal's handler in the main thread between two bytecodes, wherever that is.
That may be in a callback whose exceptions Python ignores (the import system's, for one:
"Exception ignored in: ... _get_module_lock"), and the build would go on as if nothing had
happened; :func:`handled` notes every signal, and :func:`check`, called where a build can
stop cleanly, raises it again. It may also be in the Python code a native library's module
runs while it loads; pikepdf's then aborts the whole process ("Critical nanobind error",
SIGABRT) and nothing is cleaned up. Such loads are wrapped in :func:`deferred`.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

#: The signals avtalsgen turns into KeyboardInterrupt (see avtalsgen.cli.app).
SIGNALS = (signal.SIGINT, signal.SIGTERM)


_pending = threading.Event()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    _pending.set()
    raise KeyboardInterrupt


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """In the block, SIGINT and SIGTERM raise KeyboardInterrupt (and :func:`check` raises
    it again if it was lost); the handlers before are restored after it."""
    previous = {signum: signal.signal(signum, _interrupt) for signum in SIGNALS}
    _pending.clear()
    try:
        yield
    except Exception as exc:
        # A library that catches the KeyboardInterrupt and raises its own error instead
        # (pydantic, building a model's validators as its module loads: "Error building
        # "literal" validator: KeyboardInterrupt") ended a build early with a traceback
        # and exit 1: after a signal, what ends the block is the interrupt.
        if _pending.is_set():
            raise KeyboardInterrupt from exc
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _pending.clear()


def check() -> None:
    """Raise KeyboardInterrupt if a signal came in :func:`handled` (in the main thread)."""
    if _pending.is_set() and threading.current_thread() is threading.main_thread():
        raise KeyboardInterrupt


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back in the block; raise KeyboardInterrupt after it if one
    came. Outside the main thread (where no handler runs) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)
        _pending.set()

    previous = {signum: signal.signal(signum, hold) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if caught:
        raise KeyboardInterrupt
