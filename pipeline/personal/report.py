"""Personalized reports: the page of a pair plus a section on the patient's own medications and concerns.

The patient's section is built here from curated facts alone, never by a model, so patient text
never reaches one. Each medication is resolved through the knowledge base's names, brands, aliases
and forms and shown with the curated interaction facts for it, cited; what the knowledge base does
not cover is said plainly ("No curated data on ...; ask your pharmacist."), never "no interaction".
Concerns and the disease stage select organ- and stage-tagged facts; a free-text question is
answered only with the curated facts it names, or "ask your clinician", and is never echoed. The
only patient text that can appear on the report is a medication name that passes a strict filter
(letters, digits, space, '-' and '/'; short; passing the sentence rules), and only as a bullet label.
Every rule runs on the whole report, as a draft and as the rendered page; a report with an error
finding is rejected with its findings, never shown.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from wordfreq import zipf_frequency

from pipeline.build import build_page
from pipeline.checks import check_draft, check_markdown, check_sentence, has_errors
from pipeline.draft import Draft, Section, SectionId
from pipeline.drafting import Drafter, Redrafter, as_result, get_drafter
from pipeline.drafting.composer import composed_statements
from pipeline.errors import PatientInputError
from pipeline.knowledge.base import normalize_name
from pipeline.knowledge.selection import Selection, select_facts
from pipeline.language.normalize import foreign_letters
from pipeline.personal.patient import (
    _ECHOABLE,
    _FORMULATION_WORDS,
    _NAME_CATEGORIES,
    ECHO_CHARS,
    ECHO_MAX_ZIPF,
    ECHO_WORDS,
    Patient,
    PersonalReport,
    ReportStatus,
    _Drug,
    _names,
    _normalise,
    _plain,
    _uncached_tokens,
)
from pipeline.personal.section import _PersonalPart, _phrase_table
from pipeline.provenance import build_sidecar
from pipeline.render import SECTION_ORDER, render_page
from pipeline.workspace import Workspace


class ReportBuilder:
    """Builds personalized reports over one workspace; build once, reuse for every request."""

    def __init__(self, ws: Workspace, drafter: str | Drafter = "composer") -> None:
        self.ws = ws
        self.drafter = get_drafter(drafter) if isinstance(drafter, str) else drafter
        kb = ws.kb
        # Treatments first: interactions are curated per compound x treatment.
        self._drugs: dict[str, _Drug] = {}
        for kind, entities in (("treatment", kb.treatments), ("compound", kb.compounds)):
            for entity in entities.values():
                for name in _names(entity):
                    self._drugs.setdefault(normalize_name(name), _Drug(kind, entity))
        self._phrases = _phrase_table(kb)

    # -- validation, before anything is queued ---------------------------------------------

    def resolve_pair(self, compound: str, condition: str) -> tuple[str, str]:
        """Compound and condition ids; raises UnknownEntityError with close matches."""
        return self.ws.kb.resolve_compound(compound).id, self.ws.kb.resolve_condition(condition).id

    def stage(self, patient: Patient) -> str | None:
        """The patient's stage as a vocabulary id; raises PatientInputError for an unknown one."""
        if not patient.stage:
            return None
        stage = re.sub(r"[\s_]+", "-", _plain(patient.stage).strip().lower())
        known = self.ws.kb.vocabulary.stages
        if stage not in known:
            raise PatientInputError(
                "patient.stage", f"unknown disease stage; use one of {', '.join(known)} or leave it empty"
            )
        return stage

    # -- building -----------------------------------------------------------------------------

    def build(self, compound: str, condition: str, patient: Patient) -> PersonalReport:
        """Draft the pair's page, add the patient's section, run every check, render.

        Raises UnknownEntityError, PatientInputError, or DrafterError when a model cannot draft.
        """
        ws = self.ws
        stage = self.stage(patient)
        sel = select_facts(ws.kb, ws.kb.resolve_compound(compound), ws.kb.resolve_condition(condition), ws.settings)
        if isinstance(self.drafter, Redrafter):  # a model: re-asked with its findings until the page passes
            built = build_page(ws, sel.compound.id, sel.condition.id, self.drafter)
            if not built.passed:
                return PersonalReport(ReportStatus.REJECTED, None, built.findings)
            base = built.draft
        else:
            result = as_result(self.drafter.draft(sel))
            if result.draft is None or has_errors(result.problems):
                return PersonalReport(ReportStatus.REJECTED, None, result.problems)
            base = result.draft
        part = _PersonalPart(self, sel, stage)
        part.medications(patient.medications)
        part.concerns(patient.concerns)
        if patient.question:
            part.question(patient.question)
        section = Section(id=SectionId.PERSONAL, statements=part.statements)
        # In page order: the sidecar pairs the draft's statements with the rendered ones by position.
        sections = [s for s in base.sections if s.id is not SectionId.PERSONAL] + [section]
        draft = base.model_copy(update={"sections": sorted(sections, key=lambda s: SECTION_ORDER.index(s.id))})
        full = dataclasses.replace(
            sel,
            facts={**sel.facts, **part.extra},
            sources={**sel.sources, **{sid: ws.kb.sources[sid] for f in part.extra.values() for sid in f.sources}},
        )
        return self._checked(draft, full, part.echo_words())

    def _checked(self, draft: Draft, sel: Selection, extra_words: frozenset[str]) -> PersonalReport:
        """Every rule on the draft, then on the rendered page."""
        ws = self.ws
        # the composer's page and the patient section are this package's own wording, not a model's
        composed = (
            *composed_statements(sel),
            *(st.text for s in draft.sections if s.id is SectionId.PERSONAL for st in s.statements),
        )
        findings = check_draft(draft, sel, ws.settings, ws.lexicon, extra_words, composed)
        if has_errors(findings):
            return PersonalReport(ReportStatus.REJECTED, None, findings)
        page = render_page(draft, sel, ws.settings, ws.env)
        sidecar = build_sidecar(ws, sel, draft, self.drafter.name, page.markdown, page.statement_texts, page.references)
        page_findings, _ = check_markdown(
            page.markdown, ws.settings, sidecar, ws.lexicon, extra_words, composed=composed
        )
        findings += page_findings
        if has_errors(page_findings):
            return PersonalReport(ReportStatus.REJECTED, None, findings)
        return PersonalReport(ReportStatus.DONE, page.markdown, findings)

    # -- what the builder knows -------------------------------------------------------------

    def resolve_drug(self, raw: str) -> _Drug | None:
        """The entity a medication names, by its longest leading run of words ('Rilutek 50 mg tablets')."""
        words = normalize_name(_plain(raw)).split()
        for n in range(len(words), 0, -1):
            drug = self._drugs.get(" ".join(words[:n]))
            if drug:
                return drug
        return None

    def phrases(self, text: str) -> list[tuple[str, str]]:
        """(kind, key) for every organ system, effect or treatment a patient's text names, longest first."""
        words = _uncached_tokens(_plain(text))
        out: list[tuple[str, str]] = []
        i = 0
        while i < len(words):
            for n in range(min(6, len(words) - i), 0, -1):
                hit = self._phrases.get(" ".join(words[i : i + n]))
                if hit:
                    out.append(hit)
                    i += n
                    break
            else:
                i += 1
        return list(dict.fromkeys(out))

    def echo(self, raw: str) -> str | None:
        """The medication name as a report may show it, or None when it may not be shown at all.

        Only what reads as a name is shown: plain characters, at most a few words, no sentence rule tripped,
        and every word a drug or chemical name from the term list or too rare in English to carry a claim
        ("Safe with ketamine" and "No interaction" are never repeated back as if a source said them).
        """
        normal = _normalise(raw)
        if normal.disguises or foreign_letters(normal.text):
            return None
        text = " ".join(normal.text.split())
        leading = " ".join(
            w
            for w in text.split()[: next((i for i, w in enumerate(text.split()) if any(c.isdigit() for c in w)), None)]
        )
        for candidate in dict.fromkeys((text, leading)):
            if (
                candidate
                and len(candidate) <= ECHO_CHARS
                and len(candidate.split()) <= ECHO_WORDS
                and _ECHOABLE.fullmatch(candidate)
                and self._name_like(candidate)
                and not check_sentence(candidate, self.ws.settings, SectionId.PERSONAL.value)
            ):
                return candidate
        return None

    def _name_like(self, candidate: str) -> bool:
        terms = self.ws.kb.medical_terms
        if terms.get(normalize_name(candidate)) in _NAME_CATEGORIES:
            return True
        words = re.split(r"[\s/-]+", candidate.lower())
        return all(
            terms.get(w) in _NAME_CATEGORIES or w in _FORMULATION_WORDS or zipf_frequency(w, "en") < ECHO_MAX_ZIPF
            for w in words
            if w
        )


def build_report(
    ws: Workspace, compound: str, condition: str, patient: Patient | dict[str, Any], drafter: str | Drafter = "composer"
) -> PersonalReport:
    """One personalized report, in memory; nothing is written anywhere."""
    person = patient if isinstance(patient, Patient) else Patient.model_validate(patient)
    return ReportBuilder(ws, drafter).build(compound, condition, person)
