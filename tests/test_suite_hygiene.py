"""The suite's own hygiene: no log handler and no temporary folder left behind.

Litestar's logging configuration (the web app's, made in ``create_app``) puts a queue handler on
the root logger whose listener thread writes to the stderr of the moment. Made while a command
ran under a CliRunner, that stderr was closed when the command returned, and a library's
warning in a later test (pikepdf's on a broken XMP) printed "--- Logging error --- ValueError:
I/O operation on closed file" into the suite's output. conftest's ``_root_logger_as_it_was``
takes the handler off after each test. The two tests run in this order in one process (the
suite gives each process whole files)."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

from avtalsgen.web.app import create_app
from avtalsgen.web.config import WebConfig

_LITESTARS: list[logging.Handler] = []


def test_a_web_app_made_with_a_stderr_that_then_closes(tmp_path: Path) -> None:
    before = set(logging.getLogger().handlers)
    stderr, sys.stderr = sys.stderr, io.StringIO()  # as a CliRunner's
    try:
        create_app(WebConfig(cases=tmp_path, output=tmp_path, data=tmp_path / "d",
                             templates=tmp_path))  # fmt: skip
        _LITESTARS[:] = set(logging.getLogger().handlers) - before
        assert _LITESTARS
    finally:
        sys.stderr.close()
        sys.stderr = stderr


def test_the_next_test_has_not_its_handler() -> None:
    assert _LITESTARS and not set(_LITESTARS) & set(logging.getLogger().handlers)


def test_a_test_process_leaves_no_folder_behind(tmp_path: Path) -> None:
    """conftest's folders (no converter; the session's data with its demo PKI's keys) were
    left in the temporary folder, two for each test process of each run."""
    script = "import conftest; from pathlib import Path; print(conftest.DATA_HOME)"
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent, env=env,
                          capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    assert done.stdout.strip().startswith(str(tmp_path))
    assert list(tmp_path.iterdir()) == []
