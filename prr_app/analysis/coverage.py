"""How much of the system a review describes: the one rule for "too few dependencies".

An import that finds components but hardly any calls between them (the calls are in code or
configuration the importer did not read) gives an analysis that finds almost no risk: every
component looks independent. The importers say so in their summary, and the analysis states
it as an assumption and never reads as ready on it (issue 22).
"""
from __future__ import annotations


def few_dependencies(components: int, dependencies: int) -> bool:
    """Three components or more, and fewer than one dependency for every three (at least one)."""
    return components >= 3 and dependencies < max(1, components // 3)


def few_dependencies_text(components: int, dependencies: int) -> str:
    return (f"few dependencies: {dependencies} for {components} components; the calls between services are "
            "probably not all in the review, so the analysis will miss the risks they carry (add them, or "
            "import traces)")
