#!/usr/bin/env bash
# Lint, type-check and run the whole test suite (real LibreOffice, poppler and qpdf).
set -euo pipefail
cd "$(dirname "$0")/.."
# mypy --strict runs beside the rest, the tests too, its report shown and its verdict counted
# at the end. A clone without its own cache (a clean clone, CI) starts from the cache the last
# passing run on this machine left (scripts/mypy_cached.sh): 17 CPU s cold, under 1 s so.
# In CI (.ci/run: AVTALSGEN_MYPY_CACHE=0, a clean clone without a .mypy_cache of its own) mypy
# runs cold and its cache would go with the clone: it writes none (--cache-dir=/dev/null), some
# 2 of its 21 CPU s (cold runs writing a cache against none, one after the other: 20.9/17.6,
# 20.8/19.4, 21.0/19.1 CPU s). A clone with a cache of its own keeps using and updating it.
mypy_args=()
if [ "${AVTALSGEN_MYPY_CACHE:-1}" = 0 ] && [ ! -d .mypy_cache ]; then
    mypy_args=(--cache-dir=/dev/null)
fi
mypy_report=$(mktemp)
bash scripts/mypy_cached.sh "${mypy_args[@]}" >"$mypy_report" 2>&1 &
mypy_pid=$!
trap 'kill "$mypy_pid" 2>/dev/null || true; rm -f "$mypy_report"' EXIT
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python scripts/catalog.py compile  # the Swedish catalogues as the .po files say
.venv/bin/avtalsgen templates check
# Two test processes (one per core), each taking whole test files (--dist loadfile: a file's
# module fixtures are built once), the longest files first (tests/conftest.py orders them;
# --no-loadscope-reorder keeps that order). AVTALSGEN_TEST_JOBS=0 runs everything here.
tests=0
.venv/bin/python -m pytest -n "${AVTALSGEN_TEST_JOBS:-2}" --dist loadfile --no-loadscope-reorder "$@" \
    || tests=$?
typed=0
wait "$mypy_pid" || typed=$?
cat "$mypy_report"
if [ "$tests" -ne 0 ]; then exit "$tests"; fi
exit "$typed"
