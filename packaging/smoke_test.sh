#!/bin/sh
# Smoke test of a built bundle, run by `make package` (not by `make test`: it is slow).
# Copies the bundle to a folder outside the repository and runs it there with a
# bare environment (no virtual environment, no PYTHONPATH):
#   1. the command line: --version, then a PDF report of the bundled example;
#   2. the desktop app under Xvfb: opens the bundled example, exports the PDF
#      through the app (--smoke-test), exits 0;
# and checks that both PDFs hold the six section titles of the assessment.
# Usage: sh packaging/smoke_test.sh dist/prr-workbench
set -eu
bundle=$(cd "${1:-dist/prr-workbench}" && pwd)
work=$(mktemp -d /tmp/prr-smoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -a "$bundle" "$work/app"
cd "$work"
example="$work/app/_internal/resources/examples/webshop.json"
run() { env -i PATH=/usr/bin:/bin HOME="$work" LANG=C.UTF-8 "$@"; }

start=$(date +%s%N)
run "$work/app/prr" --version
echo "cli cold start: $(( ($(date +%s%N) - start) / 1000000 )) ms"
run "$work/app/prr" report "$example" -o "$work/cli.pdf" 2>"$work/cli.err" || { cat "$work/cli.err" >&2; exit 1; }

start=$(date +%s%N)
run xvfb-run -a -s "-screen 0 1600x1000x24" "$work/app/prr-workbench" --smoke-test "$work/gui.pdf" "$example" \
    2>"$work/gui.err" || { cat "$work/gui.err" >&2; echo "smoke test FAILED: the app did not exit 0" >&2; exit 1; }
cat "$work/gui.err" >&2
if grep -q -e Traceback -e "ERROR" "$work/cli.err" "$work/gui.err"; then
    echo "smoke test FAILED: an error was logged (above)" >&2
    exit 1
fi
echo "app: open example + export PDF + quit: $(( ($(date +%s%N) - start) / 1000000 )) ms"

for pdf in cli.pdf gui.pdf; do
    pdftotext "$work/$pdf" "$work/$pdf.txt"
    for title in "System overview" "Single points of failure" "Failure domain analysis" \
                 "Recovery capabilities" "Observability gaps" "Risk prioritization"; do
        if ! tr '\n' ' ' < "$work/$pdf.txt" | grep -qi "$title"; then
            echo "smoke test FAILED: $pdf lacks the section '$title'" >&2
            exit 1
        fi
    done
done
echo "bundle size: $(du -sh "$bundle" | cut -f1)"
echo "smoke test passed"
