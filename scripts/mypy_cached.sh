#!/usr/bin/env bash
# mypy --strict (pyproject.toml's [tool.mypy]) with its cache carried from one clone to the
# next: a clone without a .mypy_cache of its own (a clean clone, CI) starts from a copy of the
# cache the last passing run left in the user's cache folder, and a passing run leaves its own
# there. Without it mypy checks every module and its imports anew: some 17 CPU s on one core,
# 0.7 s from a cache. mypy trusts nothing it reads from a cache: a module whose file differs
# in its path, mtime or size is checked by its contents' hash, and checked again if that
# differs too (so a copy from another clone, its files at other paths, serves as well).
#
# The shared cache is only ever copied: each passing run writes a folder of its own and then
# points 'current' at it (a rename, atomic), so a run never reads a cache another run is
# writing; the folder 'current' named before is kept, so that a copy of it being made is
# not removed under it.
# AVTALSGEN_MYPY_CACHE=0 leaves the clone's own cache alone and shares nothing.
set -uo pipefail
cd "$(dirname "$0")/.."
shared="${XDG_CACHE_HOME:-$HOME/.cache}/avtalsgen/mypy"
if [ "${AVTALSGEN_MYPY_CACHE:-1}" = 0 ]; then
    exec .venv/bin/mypy "$@"
fi
if [ ! -d .mypy_cache ] && [ -d "$shared/current" ]; then
    # A copy that fails part-way is not used (mypy would recheck what it lacks, but a whole
    # cold run is the simpler thing to trust).
    cp -a "$shared/current/." .mypy_cache/ 2>/dev/null || rm -rf .mypy_cache
fi
# mypy as a child, so that a TERM to this script (scripts/test.sh ending early) stops it too.
.venv/bin/mypy "$@" &
child=$!
trap 'kill "$child" 2>/dev/null; exit 143' TERM INT
wait "$child"
status=$?
trap - TERM INT
if [ "$status" -eq 0 ] && [ -d .mypy_cache ]; then
    mkdir -p "$shared"
    before=$(readlink "$shared/current" 2>/dev/null || true)
    if made=$(mktemp -d "$shared/run.XXXXXX") && cp -a .mypy_cache/. "$made/" && touch "$made"; then
        ln -s "$(basename "$made")" "$made.link" && mv -T "$made.link" "$shared/current"
        # The folders of earlier runs, but the one 'current' named before (a run may be
        # copying it) and any made in the last ten minutes (another run may be filling it).
        find "$shared" -maxdepth 1 -name 'run.*' -mmin +10 \
            ! -name "$(basename "$made")" ! -name "${before:-none}" -exec rm -rf {} +
    else
        rm -rf "${made:-}"
    fi
fi
exit "$status"
