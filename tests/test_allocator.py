"""The preloaded avtalsgen's allocator: jemalloc put in front of LD_PRELOAD where found."""

from __future__ import annotations

import pytest

from avtalsgen.conversion import allocator


def test_jemalloc_goes_in_front_of_what_is_preloaded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator, "jemalloc", lambda: "libjemalloc.so.2")
    assert allocator.with_jemalloc({"A": "1"}) == {"A": "1", "LD_PRELOAD": "libjemalloc.so.2"}
    assert allocator.with_jemalloc({"LD_PRELOAD": "libx.so"})["LD_PRELOAD"] == (
        "libjemalloc.so.2 libx.so"
    )
    for already in ("libjemalloc.so.2", "libx.so:libjemalloc.so.2", "libx.so libjemalloc.so.2"):
        assert allocator.with_jemalloc({"LD_PRELOAD": already}) == {"LD_PRELOAD": already}


def test_without_jemalloc_the_environment_is_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(allocator, "jemalloc", lambda: None)
    env = {"LD_PRELOAD": "libx.so", "B": "2"}
    made = allocator.with_jemalloc(env)
    assert made == env and made is not env
    assert allocator.with_jemalloc({}) == {}


def test_the_system_s_jemalloc_is_found() -> None:
    """scripts/setup.sh installs Debian's libjemalloc2, as the dynamic linker names it."""
    found = allocator.jemalloc()
    assert found is not None and found.startswith("libjemalloc.so")
