"""The analysis engine: failure propagation, SPOFs, blast radius, failure
domains, common-cause redundancy, composite availability, cascading risks and
the scored risk register with the verdict. Pure Python over plain data; no Qt.

Public API::

    analyze(review, *, seed=0, detail=False, today=None, checklist=None, memo=None) -> Analysis
    ShapeMemo()   # the ``memo`` argument: what successive analyses of one review share
    checklist_figures(checklist_result) -> dict   # the ``checklist`` argument
    simulate(review, components=(), domains=(), instances=()) -> Outcome

To analyse a review together with its checklist, call
``prr_app.review.assess.assess(review)``.
"""
from prr_app.analysis.document import ANALYSIS_VERSION, Analysis, checklist_error, checklist_figures
from prr_app.analysis.compiled import ShapeMemo
from prr_app.analysis.engine import analyze
from prr_app.analysis.propagation import Outcome, simulate
from prr_app.analysis.risks import SEVERITY_BANDS, severity

__all__ = ["ANALYSIS_VERSION", "Analysis", "Outcome", "SEVERITY_BANDS", "ShapeMemo", "analyze", "checklist_error",
           "checklist_figures", "severity", "simulate"]
