"""Measuring the product: the checks against labelled corpora (corpora.py: sentences and cited statements;
edits.py: in-place hand edits of real pages) and the pages against the clinical acceptance set (clinical.py).

Corpora live in eval/, one folder per kind, one file per round: ``<split>-<NN>.yaml``. Splits are ``dev``
(tune the rules on these) and ``holdout`` (written blind to the rules, report only, never tune on them). NN
is the round: holdout-07 was the seventh blind set. A holdout that has been used for tuning is renamed into
the dev split (same round number) once the next holdout exists; no holdout case may appear in a dev file
(``case_key`` says when two cases are the same). eval/MANIFEST.yaml records who wrote each file, when, and
what it measured blind.
"""

from pipeline.evaluation.clinical import (
    ClinicalItem,
    ClinicalPair,
    ClinicalReport,
    evaluate_clinical,
    format_clinical_report,
    load_clinical,
    page_blocks,
)
from pipeline.evaluation.corpora import (
    FACT_SNAPSHOT,
    GOALS,
    GroundingCase,
    GroundingReport,
    RuleScore,
    TextCase,
    TextReport,
    case_key,
    corpus_files,
    evaluate_grounding,
    evaluate_text,
    format_grounding_report,
    format_text_report,
    load_fact_snapshot,
    load_grounding_cases,
    load_text_cases,
)
from pipeline.evaluation.edits import EditCase, EditReport, evaluate_edits, format_edit_report, load_edit_cases

__all__ = [
    "FACT_SNAPSHOT",
    "GOALS",
    "ClinicalItem",
    "ClinicalPair",
    "ClinicalReport",
    "EditCase",
    "EditReport",
    "GroundingCase",
    "GroundingReport",
    "RuleScore",
    "TextCase",
    "TextReport",
    "case_key",
    "corpus_files",
    "evaluate_clinical",
    "evaluate_edits",
    "evaluate_grounding",
    "evaluate_text",
    "format_clinical_report",
    "format_edit_report",
    "format_grounding_report",
    "format_text_report",
    "load_clinical",
    "load_edit_cases",
    "load_fact_snapshot",
    "load_grounding_cases",
    "load_text_cases",
    "page_blocks",
]
