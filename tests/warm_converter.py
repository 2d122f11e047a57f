"""A warm converter of a test's own, for fixtures that convert many documents.

Each one-shot LibreOffice start (LibreOfficeConverter, the pool of a build) takes most of a
second before its first document; the warm converter keeps one LibreOffice running and
converts each document in a fraction of that, to the same PDFs (test_warm compares them
object for object). Fixtures that make many documents only to read them convert them here;
the one-shot converter and the pool keep tests of their own. The modules whose fixtures only
need documents converted share one converter in each test process (conftest's
``session_converter``), each pointing AVTALSGEN_CONVERTER_DIR at it while it runs.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from avtalsgen.conversion import warm
from avtalsgen.conversion.convert import Converter, LibreOfficeConverter
from avtalsgen.errors import ConversionError


@contextlib.contextmanager
def warm_converter() -> Iterator[Converter]:
    """A converter with one LibreOffice, running for the with-block in a folder of its own
    (AVTALSGEN_CONVERTER_DIR names it meanwhile, so builds and extracts started in the block
    go to it by themselves, as they go to a converter a user started); the converter to hand
    to functions that take one. Without python3-uno: LibreOffice started for each call."""
    with running_converter() as folder, converter_in(folder) as converter:
        yield converter


@contextlib.contextmanager
def running_converter() -> Iterator[Path]:
    """A warm converter with one LibreOffice, running for the with-block in a folder of its
    own, which it yields: AVTALSGEN_CONVERTER_DIR names it only as it starts and stops (see
    :func:`converter_in`). conftest's ``session_converter`` keeps one for the test process."""
    folder = Path(tempfile.mkdtemp(prefix="avt-", dir="/tmp"))  # a socket's path is short
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("AVTALSGEN_CONVERTER_DIR", str(folder))
            try:
                warm.start(workers=1)
            except ConversionError as exc:
                warnings.warn(f"no warm converter: {exc.message}", stacklevel=3)
        try:
            yield folder
        finally:
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("AVTALSGEN_CONVERTER_DIR", str(folder))
                warm.stop(timeout=10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def converter_in(folder: Path) -> Iterator[Converter]:
    """The converter running in ``folder`` (:func:`running_converter`), AVTALSGEN_CONVERTER_DIR
    naming it for the with-block: builds and extracts started in it go to it by themselves;
    the converter to hand to functions that take one. Without one there (no python3-uno):
    LibreOffice started for each call."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AVTALSGEN_CONVERTER_DIR", str(folder))
        client = warm.client()
        if client is None:
            yield LibreOfficeConverter()
        else:
            with client:
                yield client
