"""The sentence-level language detectors, in one place for the rules and the knowledge loader."""

from pipeline.checks.claims import find_absolute_safety, find_cure_claims
from pipeline.checks.directives import find_directives

__all__ = ["find_absolute_safety", "find_cure_claims", "find_directives"]
