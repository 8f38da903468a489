"""The language layer: how text is read, before any rule or fact decides what it means.

A leaf package: it imports nothing from ``pipeline`` outside itself, so the knowledge base (which
refuses facts a page rule would reject) and the checks can both build on it without importing each
other. It holds the one normal form of text (normalize.py), spans and negation scope (spans.py),
word tokens, numbers and rarity (words.py), and the sentence detectors for dosing, directive advice,
absolute safety and cure claims (dosing.py, directives.py, claims.py, cures.py).
"""

from pipeline.language.claims import find_absolute_safety
from pipeline.language.cures import find_cure_claims
from pipeline.language.directives import find_directives
from pipeline.language.dosing import find_dosing

__all__ = ["find_absolute_safety", "find_cure_claims", "find_directives", "find_dosing"]
