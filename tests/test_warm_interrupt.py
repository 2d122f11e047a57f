"""A Ctrl-C or SIGTERM that comes just as the build's main thread has taken the warm
converter's lock stops the build, instead of leaving the lock held and the build hanging
(found as a served build that outlived its killed caller for good: its main thread joined
the dispatcher, which waited for the lock the main thread had lost hold of)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

#: Run in a process of its own (the signal goes to that process's main thread). The
#: Condition sends SIGTERM to its own process the moment its lock is taken, the unluckiest
#: moment there is, once, in the build's wait for its documents.
SCRIPT = textwrap.dedent(
    """
    import os, signal, socket, sys, tempfile, threading
    from pathlib import Path

    from avtalsgen.build import interrupts
    from avtalsgen.conversion.pool import Job
    from avtalsgen.conversion.warm import WarmConverter

    class Unlucky(threading.Condition):
        armed = False

        def __enter__(self):
            taken = super().__enter__()
            if Unlucky.armed and threading.current_thread() is threading.main_thread():
                Unlucky.armed = False
                os.kill(os.getpid(), signal.SIGTERM)
            return taken

    mine, theirs = socket.socketpair()
    converter = WarmConverter(mine)
    converter._cond = Unlucky()
    folder = Path(tempfile.mkdtemp())
    job = Job("a", folder / "a.docx", folder)  # never written: the dispatcher waits for it
    with interrupts.handled():
        converter.start([job])
        Unlucky.armed = True
        try:
            converter.wait(lambda done: None)
        except KeyboardInterrupt:
            print("stopped", flush=True)
            sys.exit(130)
    print("not stopped", flush=True)
    """
)


def test_a_signal_just_as_the_lock_is_taken_stops_the_wait_and_leaves_nothing_hanging() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=30, check=False
    )
    assert (result.returncode, result.stdout) == (130, "stopped\n"), result.stderr
