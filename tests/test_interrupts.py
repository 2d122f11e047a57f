"""Ctrl-C and SIGTERM held back while native libraries load (avtalsgen.build.interrupts).

The tests compare the handlers with those before each test, not with Python's defaults: a
shell runs a background job (``pytest &``) with SIGINT ignored, and Python then leaves it so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import weakref
from pathlib import Path

import pytest

from avtalsgen.build import interrupts


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_in_the_block_is_raised_after_it(signum: int) -> None:
    sigint = signal.getsignal(signal.SIGINT)
    before = signal.signal(signal.SIGTERM, _interrupt)
    try:
        finished = []
        with pytest.raises(KeyboardInterrupt), interrupts.deferred():
            os.kill(os.getpid(), signum)
            for _ in range(1000):  # bytecodes, at which a handler would run
                pass
            finished.append(True)
        assert finished == [True], "the block ran to its end"
        assert signal.getsignal(signal.SIGTERM) is _interrupt, "the handlers are restored"
        assert signal.getsignal(signal.SIGINT) is sigint
    finally:
        signal.signal(signal.SIGTERM, before)


def test_without_a_signal_nothing_is_raised() -> None:
    sigint = signal.getsignal(signal.SIGINT)
    with interrupts.deferred():
        pass
    assert signal.getsignal(signal.SIGINT) is sigint


def test_outside_the_main_thread_it_does_nothing() -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with interrupts.deferred():  # signal.signal would raise ValueError here
                pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert errors == []


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_interrupt_python_drops_is_raised_again_by_check() -> None:
    class Thing:
        pass

    def callback(ref: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # the handler runs here: Python ignores what it raises
            pass

    sigint = signal.getsignal(signal.SIGINT)
    with interrupts.handled():
        thing = Thing()
        ref = weakref.ref(thing, callback)
        del thing  # the callback runs, and the KeyboardInterrupt raised in it is lost
        assert ref() is None
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
    interrupts.check()  # nothing pending once the block is left
    assert signal.getsignal(signal.SIGINT) is sigint


def test_in_handled_sigterm_raises_keyboardinterrupt() -> None:
    sigterm = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), interrupts.handled():
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):
            pass
    assert signal.getsignal(signal.SIGTERM) is sigterm


# CPython run with -m (python -m avtalsgen.cli) ends with SIGINT (status -2) when a
# KeyboardInterrupt passed through code that a native library ran with PyRun_String (pikepdf
# does), even if the program handled it and exits with a status of its own.
_HANDLED_IN_NATIVE_CODE = """
import ctypes, sys
from avtalsgen.cli import app

run_string = ctypes.pythonapi.PyRun_String
run_string.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.py_object, ctypes.py_object]
run_string.restype = ctypes.py_object

def interrupted_in_native_code() -> None:
    try:  # as a Ctrl-C that comes while pikepdf runs Python code of its own
        run_string(b"raise KeyboardInterrupt", 257, {}, {})
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)

app.command = lambda only=None: interrupted_in_native_code  # the command line run() runs
app.run()
"""


def test_an_interrupt_the_command_handled_exits_130(tmp_path: Path) -> None:
    (tmp_path / "handled_in_native_code.py").write_text(_HANDLED_IN_NATIVE_CODE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "handled_in_native_code"], capture_output=True, text=True,
        check=False, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert done.stderr == "interrupted\n"
    assert done.returncode == 130


def test_an_error_a_library_raises_in_place_of_the_interrupt_is_the_interrupt() -> None:
    """pydantic catches a KeyboardInterrupt that comes while it builds a model's validators
    (as a module loads, early in a build) and raises its SchemaError instead: the build
    ended with that traceback and exit 1 (test_batch's Ctrl-C test, under load). After a
    signal in :func:`handled`, an error that ends the block is the interrupt; without one,
    an error is itself."""
    import time

    def wrapped_by_a_library() -> None:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the handler raises here
        except KeyboardInterrupt as exc:
            raise ValueError('Error building "literal" validator: KeyboardInterrupt') from exc

    with pytest.raises(KeyboardInterrupt) as raised, interrupts.handled():
        wrapped_by_a_library()
    assert isinstance(raised.value.__cause__, ValueError)
    with pytest.raises(ValueError, match="no signal"), interrupts.handled():
        raise ValueError("no signal")
