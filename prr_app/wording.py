"""Counted nouns in English, for every face that prints a number of things ("1 journey", "3 journeys")."""
from __future__ import annotations


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun: ``one`` for 1, else ``many`` (``one`` + "s" when not given)."""
    return f"{n} {one if n == 1 else (many or one + 's')}"
