"""What ``avtalsgen sign`` imports: not aiohttp (about a fifth of its imports' CPU) when it
fetches nothing, and pyHanko's HTTP clients all the same when it does
(avtalsgen.signing.offline; test_longterm signs with a time stamp and validation data
fetched over HTTP)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.libreoffice

#: The packages the aiohttp clients bring that nothing else in a signing imports.
NETWORK = ("aiohttp", "yarl", "multidict", "aiohappyeyeballs", "aiosignal", "frozenlist")


def test_a_signing_that_fetches_nothing_imports_no_aiohttp(built: Path, tmp_path: Path) -> None:
    """A fresh process, as the director's command is one, signing at B-B with the DEMO key."""
    folder = tmp_path / "output" / "RUN-90004-2024"
    shutil.copytree(built / folder.name, folder)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "avtalsgen.cli", "--lang", "sv", "sign",
         str(folder / "paket.pdf"), "--field", "region", "--ofullstandig"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(f"signerade region i {folder / 'paket.pdf'} som DEMO")
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "pyhanko" in imported and "fontTools" in imported, "the -X importtime lines"
    assert not imported & set(NETWORK)


#: Run in a fresh process (another test here may have imported the real clients already):
#: the stand-ins are in place once avtalsgen.signing is imported, and the classes made from
#: them are pyHanko's own, which import aiohttp then.
_MADE = """
import sys

import avtalsgen.signing
from avtalsgen.signing import offline

for name in offline.DEFERRED:
    assert isinstance(sys.modules[name], offline._StandIn), name
assert "aiohttp" not in sys.modules

from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator.fetchers.api import FetcherBackend

stamper = HTTPTimeStamper("http://127.0.0.1:9/tsa", timeout=1)
assert isinstance(stamper, TimeStamper)
assert type(stamper).__module__ == "pyhanko.sign.timestamps.aiohttp_client"
from pyhanko_certvalidator.fetchers import aiohttp_fetchers

backend = aiohttp_fetchers.AIOHttpFetcherBackend()
assert isinstance(backend, FetcherBackend)
assert "aiohttp" in sys.modules
print("made")
"""


def test_the_http_clients_are_the_real_ones_when_made() -> None:
    """The stand-ins make pyHanko's own classes, which import aiohttp as they are made; the
    stand-ins are checked to be in place first (without defer() it passed all the same)."""
    done = subprocess.run(
        [sys.executable, "-c", _MADE], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout == "made\n", done.stderr[-2000:]
