"""The findings panel: what is wrong with the review right now, like an IDE's problems panel.

Rows come from validation (the review breaks a rule) and from the analysis'
risk register (SPOFs, unattainable SLOs, common cause, cascading risks...).
Clicking a row shows its components on the graph.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from prr_app import wording
from prr_app.analysis.risks import accepted_at_launch
from prr_app.ui import theme
from prr_app.ui.table_model import Column, TableModel, size_columns

SEVERITY_ORDER = {"error": 0, "critical": 1, "high": 2, "medium": 3, "low": 4, "info": 5}


def findings_from(result: dict | None) -> list[dict]:
    """Rows for the panel from a live-analysis result."""
    if not result:
        return []
    rows = []
    for p in result.get("problems") or []:
        rows.append({"id": f"problem:{p.path}", "severity": "error", "category": "invalid",
                     "title": f"{p.path}: {p.message}", "components": _ids_in_path(p.path), "blocking": True})
    if result.get("error"):
        rows.append({"id": "analysis-error", "severity": "error", "category": "analysis",
                     "title": f"The analysis failed: {result['error']}", "components": [], "blocking": False})
    a = result.get("analysis")
    if a is not None:
        # the register's risks are Risk objects: read as attributes, their tuples shared (read-only),
        # not through the mapping interface, which copies each tuple (2,000 risks on an import, after
        # every edit: 8 ms of the worker's time down to 2)
        for r in a.risks:
            if r.status in ("closed", "mitigated"):
                continue
            rid = r.id
            rows.append({
                "id": rid, "severity": r.severity or "low", "category": r.category,
                "title": r.title or rid, "components": r.components, "domains": r.domains,
                "journeys": _journeys_of(r),
                "blocking": bool(r.launch_blocking), "accepted": accepted_at_launch(r),
                "score": r.score, "mitigation": r.mitigation, "rank": r.rank, "chain": r.chain,
            })
    # within a severity and blocking, in the register's order (docs/analysis.md, "Ranking")
    rows.sort(key=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), not f["blocking"], f.get("rank", 0), f["id"]))
    return rows


def mark_guesses(rows: list[dict], review) -> list[dict]:
    """The rows with "; rests on a->b (inferred, not confirmed: weak)" after the title of each finding whose
    chain rests on calls an import guessed and no reviewer confirmed, worded as the report words it
    (reporting.assessment.Guesses). Made when the rows are shown, from the review as it is: a decision in
    the import report changes no analysis (the result is reused), but it changes what a chain rests on."""
    if review is None or not rows:
        return rows
    from prr_app.reporting.assessment import Guesses

    g = Guesses(review)
    if not any(c == "weak" for c in g.calls.values()):
        return rows
    out = []
    for f in rows:
        rests = g.rests_on(f.get("chain") or ())
        out.append(dict(f, title=f"{f['title']}; {rests}", rests_on=rests) if rests else f)
    return out


def canvas_marks(a) -> tuple[set[str], dict[str, str]]:
    """What the boxes show of an analysis: the components that are single points of failure, and
    each component's worst open risk (``{id: severity}``)."""
    spofs, sev = set(), {}
    rank = {"critical": 4, "high": 3, "medium": 2, "low": 1}
    if a is not None:
        for s in a.spofs:
            if s.get("element_type") in ("component", "instance"):
                spofs.add(s["element"].split("#")[0])
        for r in a.risks:
            if r.status in ("closed", "mitigated") or accepted_at_launch(r):
                continue
            level = rank.get(r.severity, 0)
            for c in r.components:
                if level > rank.get(sev.get(c), 0):
                    sev[c] = r.severity
    return spofs, sev


def _journeys_of(risk) -> list[str]:
    """The journeys a risk is about: named in it, or in its id ("slo:journey:checkout")."""
    out = [j for j in risk.journeys if isinstance(j, str)]
    if risk.id.startswith("slo:journey:"):
        out.append(risk.id[len("slo:journey:"):])
    return out


def _ids_in_path(path: str) -> list[str]:
    # "$.components[cart-db].replicas" -> ["cart-db"]
    out = []
    if "[" in path and "]" in path:
        out.append(path[path.index("[") + 1: path.index("]")])
    return out


def _severity_text(f: dict) -> str:
    return f["severity"] + (" · blocker" if f.get("blocking") else "") + (" · accepted" if f.get("accepted") else "")


FINDING_COLUMNS = [
    Column("Severity", _severity_text, sort=lambda f: (SEVERITY_ORDER.get(f["severity"], 9), f["title"]),
           colour=lambda f: theme.SEVERITY_COLOURS.get(f["severity"], theme.TEXT), width=170),
    Column("Finding", lambda f: f["title"]),
    Column("Components", lambda f: ", ".join(f.get("components") or f.get("domains") or []), width=260),
]


def _tooltip(f: dict) -> str:
    return f["title"] + (f"\n\nWhat to do: {f['mitigation']}" if f.get("mitigation") else "")


class FindingsPanel(QWidget):
    #: ids of components (and domains) to show on the graph
    sig_show_elements = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = TableModel(FINDING_COLUMNS, key=lambda f: f, tooltip=_tooltip, ident=lambda f: f["id"], parent=self)
        self.summary = QLabel("Analysing…")
        self.summary.setStyleSheet("font-weight: bold; padding: 2px;")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        size_columns(self.table, FINDING_COLUMNS)  # fixed widths: measuring every row on every update is slow
        self.table.setAccessibleName("Findings")
        self.summary.setAccessibleName("Findings summary")
        self.table.clicked.connect(self._clicked)
        self.table.activated.connect(self._clicked)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.summary)
        lay.addWidget(self.table)

    def set_result(self, result: dict) -> None:
        # the live analysis makes the rows on its worker (see live.run_analysis)
        rows = result["findings"] if "findings" in result else findings_from(result)
        rows = mark_guesses(rows, result.get("review"))
        self.model.set_rows(rows)
        a = result.get("analysis")
        parts = []
        review = result.get("review")
        if review is not None and not review.components:
            # nothing described yet: no verdict to give, as the Overview says (journeys or risks left after
            # every component was deleted are listed, not judged)
            more = f"{len(rows)} finding{'s' if len(rows) != 1 else ''}  ·  " if rows else ""
            self.summary.setText(f"NOT REVIEWED YET  ·  {more}add components (Insert > Add Component) or import them "
                                 "(File > Import)")
            return
        if a is not None:
            v = a.verdict.get("verdict", "")
            parts.append({"not-ready": "NOT READY", "ready-with-conditions": "READY WITH CONDITIONS",
                          "ready": "READY"}.get(v, v))
        n_err = sum(1 for r in rows if r["severity"] == "error")
        if n_err:
            parts.append(f"{n_err} problem{'s' if n_err != 1 else ''} to fix before analysis")
        spofs = sum(1 for r in rows if r["id"].startswith("spof:"))
        parts.append(f"{len(rows)} finding{'s' if len(rows) != 1 else ''}, {spofs} SPOF{'s' if spofs != 1 else ''}")
        if a is not None:
            parts.append(wording.launch_blockers(a.verdict))
        self.summary.setText("  ·  ".join(parts))

    UPDATING = " (updating…)"

    def set_updating(self) -> None:
        """Say that the rows are of an earlier state of the review, until the next result."""
        text = self.summary.text()
        if not text.endswith(self.UPDATING):
            self.summary.setText(text + self.UPDATING)

    def _clicked(self, index) -> None:
        f = self.model.data(self.model.index(index.row(), 0), Qt.ItemDataRole.UserRole)
        if f:
            self.sig_show_elements.emit(list(f.get("components") or []) + list(f.get("domains") or [])
                                        + list(f.get("journeys") or []))
