#!/usr/bin/env bash
# Refresh the browser assets that avtalsgen serve ships, from the npm registry: the versions in
# package.json (locked in package-lock.json), their released builds and licences copied into
# src/avtalsgen/web/static/vendor/. The app serves them itself, so it works on an intranet
# without outside network; run this only to change a version.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
vendor=../../src/avtalsgen/web/static/vendor
mkdir -p "$vendor/htmx" "$vendor/json-editor"
cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE "$vendor/htmx/"
cp node_modules/@json-editor/json-editor/dist/jsoneditor.js \
   node_modules/@json-editor/json-editor/dist/jsoneditor.js.LICENSE.txt \
   node_modules/@json-editor/json-editor/LICENSE "$vendor/json-editor/"
rm -rf node_modules
echo "web assets: $(node -p "Object.entries(require('./package.json').dependencies).map(e => e.join('@')).join(', ')")"
