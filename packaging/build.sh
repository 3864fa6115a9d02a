#!/bin/sh
# Build the one-folder desktop bundle into dist/prr-workbench from a clean
# virtual environment with the pinned versions, then smoke-test it.
# Usage: sh packaging/build.sh        (make package)
set -eu
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
venv=build/package-venv

echo "== clean virtual environment in $venv"
rm -rf "$venv" build/pyinstaller dist/prr-workbench
"$PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade "pip>=24"
# a regular (not editable) install: the bundle must not depend on this checkout
"$venv/bin/python" -m pip install --quiet -c constraints.txt '.[package]'

echo "== PyInstaller"
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/prr-workbench.spec

echo "== smoke test"
sh packaging/smoke_test.sh dist/prr-workbench
