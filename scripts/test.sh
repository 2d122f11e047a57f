#!/usr/bin/env bash
# Lint, type-check and run the whole test suite (real LibreOffice, poppler and qpdf).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python scripts/catalog.py compile  # the Swedish catalogues as the .po files say
.venv/bin/avtalsgen templates check
# Two test processes (one per core), each taking whole test files (--dist loadfile: a file's
# module fixtures are built once), the longest files first (tests/conftest.py orders them;
# --no-loadscope-reorder keeps that order). AVTALSGEN_TEST_JOBS=0 runs everything here.
.venv/bin/python -m pytest -n "${AVTALSGEN_TEST_JOBS:-2}" --dist loadfile --no-loadscope-reorder "$@"
