"""Every new hand-curated fact was checked by a second reviewer, and nothing they rejected is still shipped.

The review logs (knowledge/reviews/*.yaml) name each fact a curator added or changed, what they read,
and the second reviewer's verdict. A fact the two could not both vouch for stays out.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline import Workspace
from tests.conftest import KNOWLEDGE

REVIEWS = KNOWLEDGE / "reviews"
PASSING = {"vouched", "corrected"}


def _entries() -> list[tuple[Path, dict[str, object]]]:
    """Each log entry, with the log's writer copied in where the entry does not name one."""
    out = []
    for path in sorted(REVIEWS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out += [(path, {"written_by": data.get("written_by"), **entry}) for entry in data["facts"]]
    return out


def test_every_logged_fact_has_a_second_reviewers_verdict() -> None:
    entries = _entries()
    assert len(entries) > 900
    missing = [f"{p.name}: {e['id']}" for p, e in entries if e.get("verdict") not in PASSING | {"rejected"}]
    assert not missing, missing
    assert all(e.get("written_by") for _, e in entries)
    same = [f"{p.name}: {e['id']}" for p, e in entries if e.get("checked_by") == e.get("written_by")]
    assert not same, same


def test_rejected_facts_are_not_shipped(workspace: Workspace) -> None:
    rejected = {str(e["id"]) for _, e in _entries() if e.get("verdict") == "rejected"}
    assert rejected, "the logs record rejections; a test that cannot see one proves nothing"
    assert not rejected & set(workspace.kb.facts)


@pytest.mark.parametrize("kind", ["compounds", "treatments", "conditions"])
def test_label_level_hand_facts_are_all_reviewed(workspace: Workspace, kind: str) -> None:
    """A hand fact in the new label-level form (a label section, or reasoning fields) is in a log, passing."""
    passing = {str(e["id"]) for _, e in _entries() if e.get("verdict") in PASSING}
    unreviewed = []
    for path in sorted((KNOWLEDGE / kind).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        facts = list(data.get("facts") or [])
        facts += [f for st in data.get("standard_treatments") or [] for f in st.get("facts") or []]
        for fact in facts:
            new_form = fact.get("section") or fact.get("classes") or fact.get("properties") or fact.get("targets")
            if new_form and fact["id"] not in passing:
                unreviewed.append(f"{path.name}: {fact['id']}")
    assert not unreviewed, unreviewed
