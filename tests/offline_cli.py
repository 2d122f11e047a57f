"""The command line with no network at all, for the tests that prove it needs none.

One process in a network namespace of its own (``unshare -n``: nothing but a loopback that
is down), started once, runs each command it is sent in turn, as conftest.run_cli runs it
in the test process: the command's exit status, standard output and error apart, with the
environment a test adds. A fresh offline process per command cost a Python start and
pyHanko's imports each time (a second or more); this one pays them once for a test module.
Whatever the commands do, they do it in that namespace: every fetch fails there.

Run as a script, this module is that process: one JSON request a line on its standard
input, one JSON answer a line on the standard output it was started with.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any


def can_go_offline() -> bool:
    """Whether a command can be run here in a network namespace of its own (unshare -n:
    util-linux, and a user allowed to make one, as root or with user namespaces)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--net", "--", "true"], capture_output=True, check=False)
    return probe.returncode == 0


class OfflineCli:
    """The offline process (see the module docstring); :meth:`close` ends it."""

    def __init__(self) -> None:
        # Its standard error, read if it ends early; closed by close().
        self._log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        self._process = subprocess.Popen(
            ["unshare", "--net", "--", sys.executable, str(Path(__file__))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log, text=True,
            encoding="utf-8", env=dict(os.environ),
        )  # fmt: skip
        hello = self._answer()
        # A network namespace of its own has a loopback (down) and nothing else.
        assert hello["interfaces"] == ["lo"], hello

    def run(
        self, *argv: str, env: dict[str, str], lang: str = "en"
    ) -> subprocess.CompletedProcess[str]:
        """``avtalsgen --lang lang *argv`` in the offline process, ``env`` added to its
        environment while it runs."""
        stdin = self._process.stdin
        assert stdin is not None
        stdin.write(json.dumps({"argv": list(argv), "env": env, "lang": lang}) + "\n")
        stdin.flush()
        answer = self._answer()
        if "error" in answer:
            raise AssertionError(f"the command raised, offline:\n{answer['error']}")
        return subprocess.CompletedProcess(
            ["avtalsgen", "--lang", lang, *argv],
            answer["returncode"],
            answer["stdout"],
            answer["stderr"],
        )

    def _answer(self) -> dict[str, Any]:
        """The process's next answer."""
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self._log.seek(0)
            raise AssertionError(f"the offline process ended: {self._log.read()[-4000:]}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        """End the process: its input closed, it stops; killed if it has not in 30 s."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._log.close()


def _serve(requests: IO[str], answers: IO[str]) -> None:
    import socket
    import traceback

    from conftest import run_cli  # the suite's language and settings, as in the tests

    answers.write(json.dumps({"interfaces": [name for _, name in socket.if_nameindex()]}))
    answers.write("\n")
    answers.flush()
    for line in requests:
        request: dict[str, Any] = json.loads(line)
        try:
            done = run_cli(*request["argv"], env=request["env"], lang=request["lang"])
        except BaseException:  # noqa: BLE001 - told to the test, which fails with it
            answer: dict[str, Any] = {"error": traceback.format_exc()}
        else:
            answer = {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    # The answers go to the standard output the process was started with; anything else
    # written to it (by a library, by native code) goes to the standard error instead.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    _serve(sys.stdin, answers)
    answers.close()
    os._exit(0)  # its input closed: done, without the interpreter's slow tidying up
