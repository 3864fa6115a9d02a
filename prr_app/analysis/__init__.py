"""The analysis engine: failure propagation, SPOFs, blast radius, failure
domains, common-cause redundancy, composite availability, cascading risks and
the scored risk register with the verdict. Pure Python over plain data; no Qt.

Public API::

    analyze(review, *, seed=0, detail=False, today=None, checklist=True) -> Analysis
    simulate(review, components=(), domains=(), instances=()) -> Outcome
"""
from prr_app.analysis.engine import ANALYSIS_VERSION, Analysis, analyze
from prr_app.analysis.propagation import Outcome, simulate
from prr_app.analysis.risks import SEVERITY_BANDS, severity

__all__ = ["ANALYSIS_VERSION", "Analysis", "Outcome", "SEVERITY_BANDS", "analyze", "severity", "simulate"]
