"""The memory allocator of the warm converter's preloaded avtalsgen and of its workers.

A build spends much of its own CPU time in qpdf (through pikepdf) and PDFium, which make
and free hundreds of thousands of small objects a batch; glibc's malloc took some 12 % of a
batch's CPU time in it (``malloc_consolidate`` alone 3 %: each packet's qpdf objects freed
at once, and merged again at the next large allocation). A worker's soffice spent some 16 %
of its CPU time in glibc's malloc and free. jemalloc, Debian's ``libjemalloc2`` (installed
by ``scripts/setup.sh``), does the same work in less: the preloaded avtalsgen and each
worker (its UNO bridge, and the soffice the bridge starts) are started with it put in front
(``LD_PRELOAD``) where the system has it, and as before where it does not. Nothing a build
writes depends on the allocator (the workers' PDFs are the pool's, object for object: see
test_warm). The pool's soffice of a cold build keep glibc's, whose huge-page setting
(:data:`avtalsgen.conversion.soffice.MALLOC_TUNABLE`) shortens their start.
"""

from __future__ import annotations

import ctypes.util
from collections.abc import Mapping
from functools import lru_cache

#: The library's name, as the dynamic linker finds it (``ldconfig``'s cache).
JEMALLOC = "jemalloc"


@lru_cache(maxsize=1)
def jemalloc() -> str | None:
    """The file name of the system's jemalloc (``libjemalloc.so.2``), or None."""
    return ctypes.util.find_library(JEMALLOC)


def with_jemalloc(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with jemalloc put in front of what ``LD_PRELOAD`` loads, if the system has
    it and it is not there already; else ``env`` as it is."""
    found = jemalloc()
    merged = dict(env)
    preloaded = merged.get("LD_PRELOAD", "")
    if found is None or found in preloaded.replace(":", " ").split():
        return merged
    merged["LD_PRELOAD"] = f"{found} {preloaded}".strip()
    return merged
