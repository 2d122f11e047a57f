#!/usr/bin/env bash
# Set up everything avtalsgen needs on a Debian machine (run as root): the system packages
# (LibreOffice Writer headless, poppler, qpdf, fonts, SoftHSM2) and the Python package with
# its development tools in .venv/. Running it again is quick: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# procps: pgrep, with which the tests look for soffice processes left behind.
# ocrmypdf, ghostscript, tesseract-ocr-swe: attachments that are not PDF/A-2b are converted.
# python3-uno: LibreOffice's UNO bridge for the system's python3, which runs the warm
# converter's bridge (avtalsgen converter start); the virtual environment's Python has none.
# chromium-headless-shell: the real browser the web app's tests drive (Playwright with
# executable_path), Chromium as Playwright runs it headless.
# libjemalloc2: the allocator of the warm converter's preloaded avtalsgen and of its workers'
# soffice (their CPU; see src/avtalsgen/conversion/allocator.py).
packages=(libreoffice-writer-nogui python3-uno poppler-utils qpdf fonts-liberation fonts-crosextra-carlito
          softhsm2 procps tzdata ocrmypdf ghostscript tesseract-ocr-swe
          chromium-headless-shell libjemalloc2)
missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$python" -m venv .venv
fi
# Reinstall the package only when its declared dependencies changed.
stamp=.venv/.setup-stamp
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: installing avtalsgen and its dependencies into .venv"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[dev]'
    echo "$want" > "$stamp"
fi
# The Swedish message catalogues, compiled from their .po files (a few milliseconds).
.venv/bin/python scripts/catalog.py compile
# The package is installed editable, so pip compiles none of its modules, and where
# PYTHONDONTWRITEBYTECODE is set no run writes them either: every start would compile them
# all again (about 40 ms). Compile them now; a module changed later is compiled as usual.
.venv/bin/python -m compileall -q src/avtalsgen
echo "setup: ready"
