#!/bin/sh
# Install the Debian packages Qt (offscreen and X11), Xvfb, pdftoppm and strace (the crash tests) need,
# and the PostgreSQL server and client the team-repository tests start a throwaway server from,
# when they are missing and we may install them (root with apt-get).
# `ensure-system-deps.sh package` adds what PyInstaller needs (objdump from binutils).
# Prints what is missing otherwise; never fails the build by itself.
set -u
EXTRA=""
[ "${1:-}" = "package" ] && EXTRA="binutils"
PKGS="$EXTRA libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
libxcb-xinerama0 libxcb-xkb1 xvfb xauth poppler-utils fonts-dejavu-core strace
postgresql postgresql-client"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "installing system packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 || {
    echo "warning: could not install:$missing" >&2; exit 0; }
elif command -v dpkg-query >/dev/null 2>&1; then
  echo "note: these system packages are missing:$missing" >&2
  echo "      install them with: sudo apt-get install$missing" >&2
fi
exit 0
