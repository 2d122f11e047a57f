"""Ctrl-C and SIGTERM held back while native libraries load (avtalsgen.build.interrupts)."""

from __future__ import annotations

import os
import signal
import threading
import weakref

import pytest

from avtalsgen.build import interrupts


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_in_the_block_is_raised_after_it(signum: int) -> None:
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
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGTERM, before)


def test_without_a_signal_nothing_is_raised() -> None:
    with interrupts.deferred():
        pass
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


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

    with interrupts.handled():
        thing = Thing()
        ref = weakref.ref(thing, callback)
        del thing  # the callback runs, and the KeyboardInterrupt raised in it is lost
        assert ref() is None
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
    interrupts.check()  # nothing pending once the block is left
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_in_handled_sigterm_raises_keyboardinterrupt() -> None:
    with pytest.raises(KeyboardInterrupt), interrupts.handled():
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):
            pass
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
