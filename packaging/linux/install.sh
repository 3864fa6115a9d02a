#!/bin/sh
# Install PRR Workbench's desktop integration for the current user:
# the commands in ~/.local/bin, the menu entry, the icon at every size,
# and the .prr file type so a double-click opens a review.
# Run it from the unpacked bundle folder:  ./install.sh   (./install.sh --uninstall to undo)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$bin/prr-workbench" "$bin/prr" "$data/applications/prr-workbench.desktop" \
          "$data/mime/packages/prr-workbench.xml"
    for f in "$data"/icons/hicolor/*/apps/prr-workbench.png "$data"/icons/hicolor/*/mimetypes/application-x-prr-review.png; do
        rm -f "$f"
    done
else
    mkdir -p "$bin" "$data/applications" "$data/mime/packages"
    ln -sf "$here/prr-workbench" "$bin/prr-workbench"
    ln -sf "$here/prr" "$bin/prr"
    for png in "$here"/_internal/resources/icons/prr-workbench-*.png "$here"/resources/icons/prr-workbench-*.png; do
        [ -f "$png" ] || continue
        size=${png##*-}; size=${size%.png}
        mkdir -p "$data/icons/hicolor/${size}x${size}/apps" "$data/icons/hicolor/${size}x${size}/mimetypes"
        cp "$png" "$data/icons/hicolor/${size}x${size}/apps/prr-workbench.png"
        cp "$png" "$data/icons/hicolor/${size}x${size}/mimetypes/application-x-prr-review.png"
    done
    sed "s|^Exec=.*|Exec=\"$here/prr-workbench\" %f|; s|^TryExec=.*|TryExec=$here/prr-workbench|" \
        "$here/share/prr-workbench.desktop" > "$data/applications/prr-workbench.desktop"
    cp "$here/share/prr-workbench.xml" "$data/mime/packages/prr-workbench.xml"
fi
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
command -v xdg-mime >/dev/null && [ "${1:-}" != "--uninstall" ] && \
    xdg-mime default prr-workbench.desktop application/x-prr-review || true
echo "PRR Workbench desktop integration ${1:+removed}${1:-installed} under $data"
