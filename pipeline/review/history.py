"""A page's decision history (``<condition>.review.json``): the Decision and History models and how they are read.
State, approve and reject (state.py) build on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.errors import ReviewError
from pipeline.store import history_path


def printable(text: str) -> str:
    """Text for a one-line listing: control and format characters escaped, so a note cannot forge a line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class Decision(BaseModel):
    """One reviewer's decision on one exact version (hash) of a page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    decision: Literal["approved", "rejected"]
    reviewer: str
    note: str = ""
    time: str
    page_hash: str
    hand_edited: bool = False

    def summary(self) -> str:
        """'approved by alice at 2025-01-01T10:00:00Z: "note"' for listings."""
        note = f': "{printable(self.note)}"' if self.note else ""
        return f"{self.decision} by {printable(self.reviewer)} at {printable(self.time)}{note}"


class History(BaseModel):
    """Every decision ever taken on a pair, oldest first."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = 1
    compound: str
    condition: str
    decisions: list[Decision] = []


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON file as a dict, None when absent; a one-line ReviewError naming it when unreadable."""
    if not path.is_file():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ReviewError(f"{path}: not valid JSON ({exc}); restore it from git or regenerate the page") from exc
    return data


def read_history(page: Path, compound: str, condition: str) -> History:
    path = history_path(page)
    data = read_json(path)
    if data is None:
        return History(compound=compound, condition=condition)
    try:
        return History.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ReviewError(
            f"{path}: invalid decision history at {'.'.join(map(str, first['loc']))}: "
            f"{first['msg']}; restore it from git"
        ) from exc
