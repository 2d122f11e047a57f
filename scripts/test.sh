#!/usr/bin/env bash
# Lint, type-check and run the whole test suite (real LibreOffice, poppler and qpdf).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/python scripts/catalog.py compile  # the Swedish catalogues as the .po files say
.venv/bin/avtalsgen templates check
.venv/bin/python -m pytest "$@"
