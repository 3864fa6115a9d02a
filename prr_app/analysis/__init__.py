"""The analysis engine: failure propagation, SPOFs, blast radius, failure
domains, common-cause findings, composite availability, cascading risks and
the scored risk register. Pure Python over plain data; no Qt.
"""
from prr_app.analysis.propagation import Outcome, simulate

__all__ = ["Outcome", "simulate"]
