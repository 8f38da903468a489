"""Review: page states derived from hashes, decisions, diffs against the last approval, and the dashboard (one
self-contained HTML file for reviewers). See state.py, diff.py and dashboard.py."""

from pipeline.review.dashboard import build_dashboard, write_dashboard
from pipeline.review.diff import PageDiff, diff_page
from pipeline.review.history import Decision
from pipeline.review.records import list_records
from pipeline.review.state import (
    PageState,
    approve_page,
    list_pages,
    read_state,
    reject_page,
    resolve_pair,
    show_page,
)

__all__ = [
    "Decision",
    "PageDiff",
    "PageState",
    "approve_page",
    "build_dashboard",
    "diff_page",
    "list_pages",
    "list_records",
    "read_state",
    "reject_page",
    "resolve_pair",
    "show_page",
    "write_dashboard",
]
