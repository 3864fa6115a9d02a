"""Where a fact read from ``helm template`` output is written in the chart.

The import reads a chart's rendered documents (one text per template, the documents helm
printed under the same ``# Source: chart/templates/x.yaml`` comment glued together, in the
order helm printed them: by kind, not as the template writes them). A line of that text is
nowhere a reviewer can open, so a fact found there is cited in the template file instead:
at the line where the rendered key is written, when the template shows it reliably, else
the template file with no line, saying it was rendered by helm.

A rendered line is found in the template when:

* the template writes the same line (same indentation, same text), and it is the one an
  order-keeping alignment of the rendered document with the template's part (the text between
  two ``---`` lines that matches the document best) pairs it with; or
* the line is a key (``replicas: 3``, ``- name: server``) whose value the template fills in
  (``replicas: {{ .Values.replicas }}``), and exactly one line with that indentation and key and
  a ``{{`` in its value lies between the lines aligned just before and just after it.

A line written by a helper (``include``, ``toYaml``, ``tpl``) or indented by it is not found.
"""
from __future__ import annotations

import bisect
import re
from difflib import SequenceMatcher
from pathlib import Path

from prr_app import safe_yaml as sy
from prr_app.errors import PrrError

#: the label the import gives one template's rendered text (``repository.split_helm_output``)
HELM_LABEL = re.compile(r"^(?P<chart>.+) \(helm template\): (?P<source>\S.*)$")
RENDERED = "rendered by helm"
_SEP = re.compile(r"^---\s*(#.*)?$")
_SOURCE = re.compile(r"^# Source: ")
_KEY = re.compile(r"^(?P<key>\s*(?:-\s+)*[^\s#:{][^:]*?:)(?:\s+(?P<rest>.*))?$")
#: alignments larger than this (lines of a document times lines of a template part) are not tried
_MAX_CELLS = 25_000_000


def chart_template(label: str, root: Path | None) -> tuple[str, Path] | None:
    """(the template's path as cited, the file) for a rendered text's label; None for another label."""
    m = HELM_LABEL.match(label)
    if m is None:
        return None
    chart = Path(m.group("chart"))
    if root is not None and not chart.is_absolute():
        chart = root / chart
    parts = Path(m.group("source").strip()).parts[1:]  # chart-name/templates/x.yaml -> templates/x.yaml
    path = chart.joinpath(*parts) if parts else chart
    cited = path
    if root is not None:
        try:
            cited = path.relative_to(root)
        except ValueError:
            pass
    return cited.as_posix(), path


class HelmPlaces:
    """Rendered line -> (file, line) in the chart for one template's rendered text (line 0 when the
    template does not show it reliably: the file is then cited as rendered by helm)."""

    def __init__(self, cited: str, rendered: str, template: str | None):
        self.cited = cited
        self.map: dict[int, int] = {}
        if template is not None:
            self._align(rendered.splitlines(), template.splitlines())

    def place(self, line: int) -> tuple[str, int]:
        t = self.map.get(line)
        return (self.cited, t) if t else (f"{self.cited} ({RENDERED})", 0)

    # ------------------------------------------------------------------ alignment
    def _align(self, rlines: list[str], tlines: list[str]) -> None:
        parts = [(part, {_matchable(tlines[j]) for j in part} - {None}) for part in _parts(tlines)]
        for doc in _parts(rlines, source=True):
            # the template parts sharing the most lines with the document, then the longest alignment
            have = {_matchable(rlines[i]) for i in doc} - {None}
            overlap = [len(have & lines) for _part, lines in parts]
            most = max(overlap, default=0)
            if not most:
                continue
            best, maps = 0, []
            for (part, _lines), n in zip(parts, overlap):
                if n < most:
                    continue
                pairs = _pairs(rlines, doc, tlines, part)
                if len(pairs) > best:
                    best, maps = len(pairs), [(pairs, part)]
                elif len(pairs) == best and best:
                    maps.append((pairs, part))
            found = [_complete(rlines, doc, tlines, p, part) for p, part in maps]
            for r in doc:
                ts = {m.get(r) for m in found}
                if len(ts) == 1 and None not in ts:  # the template parts that fit best agree
                    self.map[r + 1] = ts.pop() + 1


def _parts(lines: list[str], source: bool = False) -> list[list[int]]:
    """Indexes of the lines of each YAML document (between ``---`` lines; for rendered output also
    at its ``# Source:`` comments)."""
    out: list[list[int]] = [[]]
    for i, ln in enumerate(lines):
        if _SEP.match(ln) or (source and _SOURCE.match(ln)):
            out.append([])
            continue
        out[-1].append(i)
    return [p for p in out if p]


def _matchable(line: str) -> str | None:
    s = line.rstrip()
    if not s.strip() or s.lstrip().startswith("#") or "{{" in s:
        return None
    return s


def _pairs(rlines, doc, tlines, part) -> list[tuple[int, int]]:
    """(rendered index, template index) of the lines an order-keeping alignment pairs, same text."""
    if len(doc) * len(part) > _MAX_CELLS:
        return []
    a = [_matchable(rlines[i]) or f"\0r{i}" for i in doc]
    b = [_matchable(tlines[j]) or f"\0t{j}" for j in part]
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return [(doc[x + k], part[y + k]) for x, y, n in sm.get_matching_blocks() for k in range(n)]


def _complete(rlines, doc, tlines, pairs, part) -> dict[int, int]:
    """The aligned lines, and the keys whose value the template fills in found between them."""
    got = dict(pairs)
    aligned = sorted(pairs)  # an order-keeping alignment: the template lines rise with the rendered ones
    rs = [rr for rr, _t in aligned]
    for r in doc:
        if r in got:
            continue
        m = _KEY.match(rlines[r].rstrip())
        if m is None:
            continue
        k = bisect.bisect_left(rs, r)
        lo = aligned[k - 1][1] if k else part[0] - 1
        hi = aligned[k][1] if k < len(aligned) else part[-1] + 1
        cands = [j for j in range(lo + 1, hi) if _fills(tlines[j], m.group("key"), m.group("rest") or "")]
        if len(cands) == 1:
            got[r] = cands[0]
    return got


def _fills(tline: str, key: str, rendered_value: str) -> bool:
    s = tline.rstrip()
    if not s.startswith(key):
        return False
    rest = s[len(key):]
    if rest and not rest[0].isspace():
        return False
    rest = rest.strip()
    return "{{" in rest or (rest == rendered_value.strip() and bool(rest))


def places_of(texts: list[tuple[str, str]], root: Path | None) -> dict[str, HelmPlaces]:
    """label -> where its lines are in the chart, for the rendered texts that came from ``helm template``."""
    out: dict[str, HelmPlaces] = {}
    for label, text in texts:
        ct = chart_template(label, root)
        if ct is None:
            continue
        cited, path = ct
        try:
            template = sy.read_text(path) if path.is_file() else None
        except PrrError:
            template = None
        out[label] = HelmPlaces(cited, text, template)
    return out
