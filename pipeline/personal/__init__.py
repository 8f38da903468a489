"""Personalized reports: a pair's page plus a section on the patient's own medications and concerns.

patient.py holds the input model and its limits, section.py builds the patient's section from curated
facts alone (never a model), report.py puts the report together and runs every check on it.
"""

from pipeline.personal.patient import (
    MAX_CONCERNS,
    MAX_ITEM_CHARS,
    MAX_MEDICATIONS,
    MAX_QUESTION_CHARS,
    Patient,
    PersonalReport,
    ReportStatus,
)
from pipeline.personal.report import ReportBuilder, build_report

__all__ = [
    "MAX_CONCERNS",
    "MAX_ITEM_CHARS",
    "MAX_MEDICATIONS",
    "MAX_QUESTION_CHARS",
    "Patient",
    "PersonalReport",
    "ReportBuilder",
    "ReportStatus",
    "build_report",
]
